"""The trainer's side: cohorts, enrolment from the intake list, the matrix, CSV, reviews."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from sqlalchemy import func, select

from app.cohorts import CohortMember, add_to_intake
from app.cohorts.models import Cohort, CohortSession
from app.extensions import db
from app.timeutil import freeze
from courses import services
from courses.models import AssignmentSubmission, LessonRead, QuizAttempt
from tests.conftest import sign_in_session


def test_a_trainer_creates_a_cohort_and_plans_a_session(client, signed_in):
    trainer = signed_in("counsellor", "trainer")
    page = client.get("/courses/cohorts/new").get_data(as_text=True)
    assert "Train-de-trainer" in page and "Counselortraining" in page
    bad = client.post("/courses/cohorts/new", data={"name": "", "course": "counsellor", "starts_on": "gisteren"})
    assert "Ongeldige datum." in bad.get_data(as_text=True) and "Dit veld is vereist." in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 0
    response = client.post("/courses/cohorts/new", data={"name": "Najaar Utrecht", "course": "counsellor",
                                                          "starts_on": "2026-11-02"})
    cohort = db.session.scalar(select(Cohort))
    assert response.headers["Location"].endswith(f"/courses/cohorts/{cohort.id}")
    assert cohort.trainer_id == trainer.id and cohort.institution_id == trainer.institution_id
    client.post(f"/courses/cohorts/{cohort.id}/sessions", data={"day": "2026-11-09", "time": "19:30",
                                                                  "topic": "Module 1"})
    session = db.session.scalar(select(CohortSession))
    assert session.starts_at == datetime(2026, 11, 9, 18, 30)  # stored in UTC
    assert "Module 1" in client.get(f"/courses/cohorts/{cohort.id}").get_data(as_text=True)


def test_a_trainer_enrols_from_the_intake_list_only(client, signed_in, make_user, make_cohort):
    trainer = signed_in("counsellor", "trainer")
    cohort = make_cohort(trainer=trainer)
    accepted = make_user("applicant", display_name="Samira")
    add_to_intake(accepted, course_key="counsellor")
    not_screened = make_user("applicant", display_name="Tom")
    db.session.commit()
    page = client.get(f"/courses/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Samira" in page and "Tom" not in page
    refused = client.post(f"/courses/cohorts/{cohort.id}/enrol", data={"person": not_screened.id})
    assert refused.status_code == 422
    assert "Alleen mensen op de intakelijst kunnen worden ingeschreven" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0
    ok = client.post(f"/courses/cohorts/{cohort.id}/enrol", data={"person": accepted.id})
    assert ok.status_code == 302
    db.session.refresh(accepted)
    assert accepted.has_role("trainee")
    again = client.post(f"/courses/cohorts/{cohort.id}/enrol", data={"person": accepted.id})
    assert "Samira zit al in deze groep." in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 1


def test_other_trainers_cannot_see_or_change_a_cohort(client, signed_in, make_cohort, make_user):
    cohort = make_cohort()
    signed_in("counsellor", "trainer")
    assert client.get(f"/courses/cohorts/{cohort.id}").status_code == 403
    assert client.post(f"/courses/cohorts/{cohort.id}/enrol", data={"person": 1}).status_code == 403
    assert client.get(f"/courses/cohorts/{cohort.id}/matrix.csv").status_code == 403
    assert client.get("/courses/cohorts/424242").status_code == 404
    coordinator = make_user("coordinator")
    sign_in_session(client, coordinator)
    assert client.get(f"/courses/cohorts/{cohort.id}").status_code == 200  # same institution: read only
    assert client.post(f"/courses/cohorts/{cohort.id}/enrol", data={"person": 1}).status_code == 403


def _read_module(trainee, course, module_key: str) -> None:
    module = course.module(module_key)
    for lesson in module.lessons:
        db.session.add(LessonRead(user_id=trainee.id, course_key=course.key, module_key=module.key,
                                  lesson_key=lesson.key))


def _quiz(trainee, course, module_key: str, score: int) -> None:
    db.session.add(QuizAttempt(user_id=trainee.id, course_key=course.key, module_key=module_key, layout={},
                               answers={}, results={}, score=score, submitted_at=datetime(2026, 11, 5)))


def _assignments(trainee, course, module_key: str, status: str = "approved") -> None:
    for assignment in course.module(module_key).assignments:
        db.session.add(AssignmentSubmission(user_id=trainee.id, course_key=course.key, module_key=module_key,
                                            assignment_key=assignment.key, text="Mijn antwoord", status=status))


def test_the_matrix_shows_every_trainee_by_every_module_and_who_falls_behind(client, signed_in, make_cohort,
                                                                           enrolled, courses):
    trainer = signed_in("counsellor", "trainer")
    cohort = make_cohort(trainer=trainer, starts_on=date(2026, 11, 2))
    ahead = enrolled(cohort, display_name="Yara")
    behind = enrolled(cohort, display_name="Bram")
    course = courses["counsellor"]
    _read_module(ahead, course, "online-communiceren")
    _quiz(ahead, course, "online-communiceren", 90)
    _assignments(ahead, course, "online-communiceren")
    _quiz(behind, course, "online-communiceren", 40)
    _assignments(behind, course, "online-communiceren", status="submitted")
    db.session.add(CohortSession(cohort_id=cohort.id, starts_at=datetime(2026, 11, 9, 18, 30)))
    db.session.commit()
    freeze(datetime(2026, 11, 10, 12, 0))
    try:
        page = client.get(f"/courses/cohorts/{cohort.id}").get_data(as_text=True)
        _, rows, expected = services.matrix(db.session.get(Cohort, cohort.id))
    finally:
        freeze(None)
    assert expected == 1
    assert {row.user.display_name: row.behind for row in rows} == {"Yara": False, "Bram": True}
    assert "gelezen 3/3" in page and "toets 90%" in page and "toets 40%" in page and "te beoordelen" in page
    assert "1 cursist loopt achter." in page
    assert page.count("<td class=\"cell") == 2 * len(course.modules)


def test_the_matrix_exports_as_csv(client, signed_in, make_cohort, enrolled, courses):
    trainer = signed_in("counsellor", "trainer")
    cohort = make_cohort(trainer=trainer)
    trainee = enrolled(cohort, display_name="=HYPERLINK(1)")
    _quiz(trainee, courses["counsellor"], "online-communiceren", 80)
    db.session.commit()
    response = client.get(f"/courses/cohorts/{cohort.id}/matrix.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["trainee", "email", "modules_done"] and "online-communiceren:quiz_best" in rows[0]
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][rows[0].index("online-communiceren:quiz_best")] == "80"


def test_the_trainer_approves_or_returns_an_assignment(client, signed_in, make_cohort, enrolled, make_user):
    trainer = make_user("counsellor", "trainer")
    cohort = make_cohort(trainer=trainer)
    trainee = enrolled(cohort, display_name="Noor")
    sign_in_session(client, trainee)
    url = "/courses/counsellor/online-communiceren/assignments/eerste-berichten-bij-twijfel"
    client.post(url, data={"text": "Hoi! <b>welkom</b>"})
    submission = db.session.scalar(select(AssignmentSubmission))

    other = make_user("counsellor", "trainer")
    sign_in_session(client, other)
    assert client.get(f"/courses/reviews/{submission.id}").status_code == 403
    assert "Noor" not in client.get("/courses/reviews").get_data(as_text=True)

    sign_in_session(client, trainer)
    assert "Noor" in client.get("/courses/reviews").get_data(as_text=True)
    page = client.get(f"/courses/reviews/{submission.id}").get_data(as_text=True)
    assert "&lt;b&gt;welkom&lt;/b&gt;" in page and "Let op:" in page  # the guidance for the trainer
    no_comment = client.post(f"/courses/reviews/{submission.id}", data={"send_back": "1", "comments": ""})
    assert "Zeg wat beter kan als je een opdracht teruggeeft." in no_comment.get_data(as_text=True)
    client.post(f"/courses/reviews/{submission.id}", data={"send_back": "1", "comments": "Stel één vraag tegelijk."})
    db.session.refresh(submission)
    assert submission.status == "returned" and submission.reviewer_id == trainer.id

    sign_in_session(client, trainee)
    page = client.get(url).get_data(as_text=True)
    assert "Stel één vraag tegelijk." in page and "Teruggegeven: verbeter het" in page
    client.post(url, data={"text": "Hoi, fijn dat je er bent. Neem de tijd."})
    second = db.session.scalar(select(AssignmentSubmission).where(AssignmentSubmission.id != submission.id))
    sign_in_session(client, trainer)
    client.post(f"/courses/reviews/{second.id}", data={"approve": "1", "comments": ""})
    db.session.refresh(second)
    assert second.status == "approved"
    assert client.post(f"/courses/reviews/{second.id}", data={"send_back": "1", "comments": "x"}).status_code == 422
