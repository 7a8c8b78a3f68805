"""Pass rules from the course file, the certification requirements, calibration, suggestions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.certification import evaluate
from app.cohorts import register_profile_provider
from app.extensions import db
from courses import services
from courses.models import AssignmentSubmission
from tests.conftest import sign_in_session
from tests.courses.test_trainer_pages import _assignments, _quiz, _read_module


def _finish(trainee, course, *, except_module: str = "", score: int = 80, status: str = "approved") -> None:
    for module in course.modules:
        if module.key == except_module:
            continue
        _read_module(trainee, course, module.key)
        _quiz(trainee, course, module.key, score)
        _assignments(trainee, course, module.key, status)
    db.session.commit()


def _requirement(user, certificate: str, key: str):
    return next(result for req, result in evaluate(user, certificate) if req.key == key)


def test_the_course_is_complete_when_every_rule_of_the_course_file_is_met(app, enrolled, courses):
    trainee = enrolled()
    course = courses["counsellor"]
    assert course.quiz_pass_mark == 70 and course.assignments_approved
    _finish(trainee, course)
    progress = services.progress_for(trainee, course)
    assert progress.complete and progress.next_step().kind == "done"
    with app.test_request_context():
        assert _requirement(trainee, "counsellor", "course_completed").met


def test_a_quiz_below_the_pass_mark_leaves_the_course_incomplete(app, enrolled, courses):
    trainee = enrolled()
    course = courses["counsellor"]
    _finish(trainee, course, except_module="risico-en-crisis")
    _read_module(trainee, course, "risico-en-crisis")
    _quiz(trainee, course, "risico-en-crisis", 69)
    _quiz(trainee, course, "risico-en-crisis", 50)  # the best score counts, and 69 is below 70
    _assignments(trainee, course, "risico-en-crisis")
    db.session.commit()
    progress = services.progress_for(trainee, course)
    assert not progress.complete and progress.modules_done == len(course.modules) - 1
    assert progress.next_step().kind == "quiz" and progress.next_step().module.key == "risico-en-crisis"
    with app.test_request_context():
        result = _requirement(trainee, "counsellor", "course_completed")
    assert not result.met and result.missing == "7 van 8 modules afgerond."
    assert result.next_url == "/courses/counsellor/"


def test_an_assignment_that_is_not_approved_leaves_the_course_incomplete(app, enrolled, courses):
    trainee = enrolled()
    course = courses["counsellor"]
    _finish(trainee, course)
    last = db.session.scalar(select(AssignmentSubmission).order_by(AssignmentSubmission.id.desc()))
    last.status = "returned"
    db.session.commit()
    progress = services.progress_for(trainee, course)
    assert not progress.complete and progress.next_step().kind == "assignment"
    assert not services.course_complete(trainee, "counsellor")


def test_calibration_passes_at_a_mean_difference_of_half_a_level(client, signed_in, courses):
    trainer = signed_in("counsellor", "trainer")
    course = courses["trainer"]
    keys = [t.key for t in course.calibration]
    first = course.transcript(keys[0])
    off = dict(first.reference_scores)
    for criterion in list(off)[:4]:  # four of eight criteria one level off: 0.5 for this chat
        off[criterion] = off[criterion] + 1 if off[criterion] < 4 else off[criterion] - 1
    response = client.post(f"/courses/trainer/calibration/{first.key}",
                           data={f"score-{k}": v for k, v in off.items()}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Gemiddeld verschil voor deze chat: 0.50 niveau per criterium." in page
    assert "Je scores en de referentie" in page and "Jij: " in page
    for key in keys[1:3]:
        transcript = course.transcript(key)
        client.post(f"/courses/trainer/calibration/{key}",
                    data={f"score-{k}": v for k, v in transcript.reference_scores.items()})
    summary = services.calibration_summary(trainer)
    assert summary.scored == 3 and summary.mean_difference == pytest.approx(0.5 / 3) and summary.passed
    with client.application.test_request_context():
        assert _requirement(trainer, "trainer", "calibration_passed").met


def test_calibration_needs_three_chats_and_refuses_incomplete_or_repeated_scores(client, signed_in, courses):
    trainer = signed_in("counsellor")
    transcript = courses["trainer"].calibration[0]
    partial = {f"score-{k}": v for k, v in list(transcript.reference_scores.items())[:-1]}
    response = client.post(f"/courses/trainer/calibration/{transcript.key}", data=partial)
    assert response.status_code == 422 and "Kies een niveau voor elk criterium." in response.get_data(as_text=True)
    full = {f"score-{k}": 1 for k in transcript.reference_scores}
    client.post(f"/courses/trainer/calibration/{transcript.key}", data=full)
    again = client.post(f"/courses/trainer/calibration/{transcript.key}",
                        data={f"score-{k}": v for k, v in transcript.reference_scores.items()}, follow_redirects=True)
    assert "Je hebt dit transcript al gescoord." in again.get_data(as_text=True)
    summary = services.calibration_summary(trainer)
    assert summary.scored == 1 and not summary.passed
    with client.application.test_request_context():
        result = _requirement(trainer, "trainer", "calibration_passed")
    assert not result.met


def test_far_off_scores_do_not_pass_calibration(app, make_user, courses):
    trainer = make_user("counsellor")
    course = courses["trainer"]
    for transcript in course.calibration[:3]:
        far = {k: (1 if v >= 3 else 4) for k, v in transcript.reference_scores.items()}
        services.score_transcript(trainer, course, transcript, far)
    summary = services.calibration_summary(trainer)
    assert summary.scored == 3 and summary.mean_difference > 0.5 and not summary.passed


def test_the_trainer_course_is_open_to_counsellors_and_the_counsellor_course_is_not(client, signed_in):
    signed_in("counsellor")
    assert client.get("/courses/trainer/").status_code == 200
    assert client.get("/courses/counsellor/").status_code == 403
    assert client.get("/courses/trainer/calibration").status_code == 200


def test_lessons_for_the_weakest_screening_dimensions_are_marked(app, client, enrolled, courses, monkeypatch):
    monkeypatch.delitem(app.extensions, "hulpmix.profile_provider", raising=False)  # screening's own provider
    trainee = enrolled()
    calls = []

    def provider(user, n):
        calls.append((user.id, n))
        return ["emotional_stability", "flexibility"]

    register_profile_provider(app, provider)
    with pytest.raises(ValueError):
        register_profile_provider(app, lambda user, n: [])
    sign_in_session(client, trainee)
    module = client.get("/courses/counsellor/online-communiceren/").get_data(as_text=True)
    tempo = module.index("Tempo en stiltes")
    assert "Aanbevolen voor jou" in module[tempo:tempo + 400]
    chatten = module.index("Chatten zonder gezicht")
    assert "Aanbevolen voor jou" not in module[chatten:tempo]
    assert calls and calls[0] == (trainee.id, 2)
    expected = {(m.key, lesson.key) for m, lesson in courses["counsellor"].lessons
                if {"emotional_stability", "flexibility"} & set(lesson.suggested_for)}
    assert services.suggested_lessons(trainee, courses["counsellor"]) == expected
