"""Reviewers assigned by the coordinator, blind scoring, decisions that make a trainee."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.assessment import Assessment
from app.audit import AuditEvent
from app.cohorts import IntakeEntry
from app.extensions import db
from app.screening import services
from app.screening.models import FIRST, SECOND, THIRD
from tests.conftest import sign_in_session
from tests.screening.conftest import levels


def _form(value_or_map, application) -> dict[str, str]:
    data = {}
    for sample_key, per in levels(value_or_map).items():
        for criterion, level in per.items():
            data[f"score:{sample_key}:{criterion}"] = str(level)
    return data


def test_the_coordinator_assigns_two_reviewers_of_the_same_institution(client, submitted, coordinator, reviewers,
                                                                       make_institution, make_user):
    application = submitted()
    sign_in_session(client, coordinator)
    page = client.get(f"/screening/applications/{application.id}").get_data(as_text=True)
    assert reviewers[0].display_name in page and application.user.display_name in page
    elsewhere = make_user("counsellor", institution_obj=make_institution())
    assert elsewhere.display_name not in page
    assert client.post(f"/screening/applications/{application.id}/reviewers",
                       data={"round": "1", "reviewer": str(reviewers[0].id)}).status_code == 302
    refused = client.post(f"/screening/applications/{application.id}/reviewers",
                          data={"round": "2", "reviewer": str(elsewhere.id)})
    assert refused.status_code == 400
    db.session.expire_all()
    assert [r.reviewer_id for r in application.reviews] == [reviewers[0].id]


def test_the_applicant_never_reviews_their_own_application(submitted, coordinator, make_user):
    staff_applicant = make_user("applicant", "counsellor")
    application = submitted(staff_applicant)
    with pytest.raises(services.ScreeningError, match="beoordelen nooit hun eigen"):
        services.assign_reviewer(coordinator, application, FIRST, staff_applicant)
    with pytest.raises(services.ScreeningError, match="één keer"):
        other = make_user("trainer")
        services.assign_reviewer(coordinator, application, FIRST, other)
        services.assign_reviewer(coordinator, application, SECOND, other)


def test_a_reviewer_cannot_score_their_own_application_even_when_assigned(submitted, coordinator, reviewers):
    application = submitted()
    services.assign_reviewer(coordinator, application, FIRST, reviewers[0])
    review = application.review(FIRST)
    review.reviewer_id = application.user_id  # forced past the assignment rule
    db.session.commit()
    with pytest.raises(services.ScreeningError, match="eigen aanmelding niet"):
        services.submit_review(application.user, review, levels(3))


def test_a_reviewer_who_is_not_assigned_gets_403_and_cannot_score(client, submitted, coordinator, reviewers):
    application = submitted()
    services.assign_reviewer(coordinator, application, FIRST, reviewers[0])
    sign_in_session(client, reviewers[1])
    review_id = application.review(FIRST).id
    assert client.get(f"/screening/reviews/{review_id}").status_code == 403
    assert client.post(f"/screening/reviews/{review_id}", data=_form(3, application)).status_code == 403
    with pytest.raises(services.ScreeningError, match="niet aangewezen"):
        services.submit_review(reviewers[1], application.review(FIRST), levels(3))
    assert db.session.scalars(select(Assessment)).all() == []


def test_scores_out_of_range_or_missing_store_nothing(client, submitted, coordinator, reviewers):
    application = submitted()
    services.assign_reviewer(coordinator, application, FIRST, reviewers[0])
    sign_in_session(client, reviewers[0])
    review_id = application.review(FIRST).id
    data = _form(3, application)
    first_key = next(iter(data))
    response = client.post(f"/screening/reviews/{review_id}", data={**data, first_key: "7"})
    assert response.status_code == 400 and "valt daarbuiten; er is niets opgeslagen" in response.get_data(as_text=True)
    del data[first_key]
    response = client.post(f"/screening/reviews/{review_id}", data=data)
    assert response.status_code == 400 and "ontbreekt; er is niets opgeslagen" in response.get_data(as_text=True)
    response = client.post(f"/screening/reviews/{review_id}", data={**_form(3, application), "score:s99:welcome": "3"})
    assert response.status_code == 400
    assert db.session.scalars(select(Assessment)).all() == []
    db.session.expire_all()
    assert application.review(FIRST).completed_at is None


def test_reviewers_see_each_others_scores_only_when_both_are_in(client, submitted, coordinator, reviewers):
    application = submitted()
    services.assign_reviewer(coordinator, application, FIRST, reviewers[0])
    services.assign_reviewer(coordinator, application, SECOND, reviewers[1])
    sign_in_session(client, reviewers[0])
    first_id, second_id = application.review(FIRST).id, application.review(SECOND).id
    assert client.post(f"/screening/reviews/{first_id}", data=_form(4, application)).status_code == 302
    page = client.get(f"/screening/reviews/{first_id}").get_data(as_text=True)
    assert "Beoordelaar 2" not in page and "zodra die ook binnen zijn" in page
    sign_in_session(client, reviewers[1])
    page = client.get(f"/screening/reviews/{second_id}").get_data(as_text=True)
    assert "<td>4</td>" not in page  # the first reviewer's levels stay hidden
    assert client.post(f"/screening/reviews/{second_id}", data=_form(3, application)).status_code == 302
    page = client.get(f"/screening/reviews/{second_id}").get_data(as_text=True)
    assert "Beoordelaar 1" in page and "<td>4</td>" in page and "<td>3.5</td>" in page
    again = client.post(f"/screening/reviews/{second_id}", data=_form(3, application))
    assert again.status_code == 400 and "Je hebt deze aanmelding al beoordeeld." in again.get_data(as_text=True)


def test_a_third_reviewer_can_only_be_assigned_when_the_first_two_disagree(reviewed, coordinator, make_user):
    application = reviewed(first=3, second=3)
    with pytest.raises(services.ScreeningError):
        services.assign_reviewer(coordinator, application, THIRD, make_user("counsellor"))


def test_accepting_makes_a_trainee_on_the_intake_list_and_tells_the_applicant(client, reviewed, coordinator, mailbox):
    application = reviewed()
    applicant = application.user
    sign_in_session(client, coordinator)
    response = client.post(f"/screening/applications/{application.id}/decision",
                           data={"decision": "accepted", "message": "Welkom! Je start in maart."})
    assert response.status_code == 302
    db.session.expire_all()
    assert applicant.has_role("trainee") and application.status == "accepted"
    entry = db.session.scalar(select(IntakeEntry).where(IntakeEntry.user_id == applicant.id))
    assert entry.course_key == "counsellor" and entry.source == "screening"
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_user_id == applicant.id)))
    assert {"screening.decided", "role.granted"} <= actions
    body = mailbox.body(mailbox.last_to(applicant.email))
    assert "aangenomen" in body and "Welkom! Je start in maart." in body
    sign_in_session(client, applicant)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Je bent aangenomen: welkom als cursist" in page and "Cursist" in page
    assert services.screening_passed(applicant) is not None


def test_a_decision_needs_a_message_and_a_scored_application(client, submitted, reviewed, coordinator):
    pending = submitted()
    with pytest.raises(services.ScreeningError, match="beoordeelde aanmeldingen"):
        services.decide(coordinator, pending, "accepted", "Welkom")
    application = reviewed()
    sign_in_session(client, coordinator)
    response = client.post(f"/screening/applications/{application.id}/decision", data={"decision": "rejected"})
    assert response.status_code == 400 and "Schrijf een bericht aan de sollicitant." in response.get_data(as_text=True)
    response = client.post(f"/screening/applications/{application.id}/decision",
                           data={"decision": "promoted", "message": "x"})
    assert response.status_code == 400
    db.session.expire_all()
    assert application.status == "scored" and not application.user.has_role("trainee")


def test_waitlisted_applicants_can_be_accepted_later(app, reviewed, coordinator, mailbox):
    application = reviewed()
    with app.test_request_context():  # the mail is rendered as in a request
        services.decide(coordinator, application, "waitlisted", "We hebben nu geen plek; we bellen je in het voorjaar.")
        assert "wachtlijst" in mailbox.body(mailbox.last_to(application.user.email))
        services.decide(coordinator, application, "accepted", "Er is plek!")
    assert application.user.has_role("trainee")


def test_coordinators_only_see_their_own_institution(client, submitted, make_user, make_institution):
    application = submitted()
    stranger = make_user("coordinator", institution_obj=make_institution())
    sign_in_session(client, stranger)
    assert client.get(f"/screening/applications/{application.id}").status_code == 403
    assert client.post(f"/screening/applications/{application.id}/decision",
                       data={"decision": "accepted", "message": "x"}).status_code == 403
    assert application.user.display_name not in client.get("/screening/applications").get_data(as_text=True)
