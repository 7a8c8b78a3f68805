"""From requirements to a certificate: progress, pipeline, trainer sign-off, coordinator issue."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from app.audit import AuditEvent
from app.certification import evaluate, meets_requirements
from app.certification.models import Certificate, SignOff
from app.certification.services import certificates_of
from app.extensions import db
from tests.conftest import sign_in_session


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_each_requirement_answers_met_or_missing_with_evidence(app, make_user, training):
    trainee = make_user("trainee")
    assert [r.met for _req, r in evaluate(trainee, "counsellor")] == [False, False, False]
    training.meet(trainee, "screening")
    results = dict((req.key, result) for req, result in evaluate(trainee, "counsellor"))
    assert results["screening"].met and results["screening"].evidence
    assert not results["course"].met and results["course"].missing and results["course"].next_url
    assert not meets_requirements(trainee, "counsellor")
    training.meet(trainee, "course", "simulations")
    assert meets_requirements(trainee, "counsellor")


def test_the_trainee_sees_every_requirement_with_evidence_and_the_next_step(client, signed_in, training):
    trainee = signed_in("trainee")
    training.meet(trainee, "screening")
    html = client.get("/certification/?lang=en").get_data(as_text=True)
    assert "Screening passed" in html and "Counsellor course completed" in html and "Three simulations passed" in html
    assert "evidence for" in html  # the met one shows its evidence
    assert "1 of 3 met" in html
    assert 'href="/next/course"' in html  # the first missing requirement links to what to do
    dutch = client.get("/certification/?lang=nl").get_data(as_text=True)
    assert "nog niet" in dutch and "Volgende stap" in dutch


def test_the_trainee_sees_when_everything_is_met(client, signed_in, training):
    trainee = signed_in("trainee")
    training.meet(trainee)
    html = client.get("/certification/?lang=en").get_data(as_text=True)
    assert "3 of 3 met" in html and "Your trainer signs off" in html


def test_the_pipeline_shows_who_is_how_far_and_what_blocks_them(client, make_user, coordinator, training):
    ready = make_user("trainee", display_name="Ready")
    halfway = make_user("trainee", display_name="Halfway")
    training.meet(ready)
    training.meet(halfway, "screening")
    sign_in_session(client, coordinator)
    html = client.get("/certification/pipeline?lang=en").get_data(as_text=True)
    assert "2 people in training" in html
    assert "Full Name" in html and "1 of 3" in html and "3 of 3" in html
    assert "Counsellor course completed" in html  # what blocks Halfway
    assert "waiting for a trainer" in html

    response = client.get("/certification/pipeline.csv")
    assert response.mimetype == "text/csv"
    rows = {row["display_name"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    assert rows["Ready"]["stage"] == "awaiting_signoff" and rows["Ready"]["requirements_met"] == "3"
    assert rows["Halfway"]["stage"] == "in_training"
    assert "Counsellor course completed" in rows["Halfway"]["blocking"]


def test_the_pipeline_is_scoped_to_the_institution(client, make_user, make_institution, coordinator, training):
    elsewhere = make_user("trainee", display_name="Elsewhere", institution_obj=make_institution())
    sign_in_session(client, coordinator)
    assert "Elsewhere" not in client.get("/certification/pipeline?lang=en").get_data(as_text=True)
    assert client.get(f"/certification/people/{elsewhere.id}/counsellor").status_code == 403


def test_a_trainer_signs_off_and_a_coordinator_issues(app, client, make_user, coordinator, certified_trainer, training):
    trainee = make_user("trainee", display_name="Emre")
    trainee.full_name = "Emre Yıldız"
    db.session.commit()
    training.meet(trainee)

    sign_in_session(client, certified_trainer)
    response = client.post(f"/certification/people/{trainee.id}/counsellor/sign-off", data={"note": "Ready."})
    assert response.status_code == 302
    assert _count(SignOff) == 1

    sign_in_session(client, coordinator)
    response = client.post(f"/certification/people/{trainee.id}/counsellor/issue")
    assert response.status_code == 302
    certificate = db.session.scalar(select(Certificate).where(Certificate.holder_id == trainee.id))
    assert certificate.holder_name == "Emre Yıldız"
    assert certificate.signoff.trainer_name == certified_trainer.name_for_certificate
    assert certificate.issued_by_id == coordinator.id
    assert (certificate.expires_at - certificate.issued_at).days == 730
    assert len(certificate.code) == 24
    db.session.refresh(trainee)
    assert trainee.has_role("counsellor")
    assert {"certificate.signed_off", "certificate.issued", "role.granted"} <= set(_actions())

    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "Emre Yıldız" in page and f"/verify/{certificate.code}" in page


def test_issuing_twice_is_refused_and_changes_nothing(client, make_user, coordinator, certified_trainer, training):
    trainee = make_user("trainee")
    training.meet(trainee)
    sign_in_session(client, certified_trainer)
    client.post(f"/certification/people/{trainee.id}/counsellor/sign-off")
    sign_in_session(client, coordinator)
    assert client.post(f"/certification/people/{trainee.id}/counsellor/issue").status_code == 302
    before = _count(Certificate), len(_actions())
    again = client.post(f"/certification/people/{trainee.id}/counsellor/issue?lang=en")
    assert again.status_code == 409
    assert "already holds a valid certificate" in again.get_data(as_text=True)
    assert (_count(Certificate), len(_actions())) == before


def test_issuing_without_a_sign_off_is_refused(client, make_user, coordinator, training):
    trainee = make_user("trainee")
    training.meet(trainee)
    sign_in_session(client, coordinator)
    response = client.post(f"/certification/people/{trainee.id}/counsellor/issue?lang=en")
    assert response.status_code == 409
    assert "must sign off before" in response.get_data(as_text=True)
    assert _count(Certificate) == 0


def test_issuing_with_requirements_unmet_names_what_is_missing(client, make_user, coordinator, certified_trainer, training):
    trainee = make_user("trainee")
    training.meet(trainee)
    sign_in_session(client, certified_trainer)
    client.post(f"/certification/people/{trainee.id}/counsellor/sign-off")
    training.unmeet(trainee, "simulations")  # e.g. a simulation result was withdrawn
    sign_in_session(client, coordinator)
    response = client.post(f"/certification/people/{trainee.id}/counsellor/issue?lang=en")
    assert response.status_code == 409
    assert "Still missing: Three simulations passed" in response.get_data(as_text=True)
    assert certificates_of(trainee) == []
    db.session.refresh(trainee)
    assert not trainee.has_role("counsellor")


def test_sign_off_is_refused_with_requirements_unmet(client, make_user, certified_trainer, training):
    trainee = make_user("trainee")
    training.meet(trainee, "screening")
    sign_in_session(client, certified_trainer)
    response = client.post(f"/certification/people/{trainee.id}/counsellor/sign-off?lang=en")
    assert response.status_code == 409
    assert "Not all requirements are met" in response.get_data(as_text=True)
    assert _count(SignOff) == 0


def test_only_a_certified_trainer_may_sign_off(client, make_user, training):
    trainee = make_user("trainee")
    training.meet(trainee)
    uncertified = make_user("trainer")
    sign_in_session(client, uncertified)
    response = client.post(f"/certification/people/{trainee.id}/counsellor/sign-off?lang=en")
    assert response.status_code == 409
    assert "valid trainer certificate" in response.get_data(as_text=True)
    assert _count(SignOff) == 0


def test_the_trainer_certificate_needs_the_trainer_track_and_a_counsellor_certificate(
        client, make_user, coordinator, certified_trainer, founding, training):
    candidate = make_user("counsellor")
    training.meet(candidate, "ttt_course", "calibration")
    results = {req.key: result.met for req, result in evaluate(candidate, "trainer")}
    assert results == {"counsellor_certificate": False, "ttt_course": True, "calibration": True}
    sign_in_session(client, certified_trainer)
    refused = client.post(f"/certification/people/{candidate.id}/trainer/sign-off?lang=en")
    assert "Valid counsellor certificate" in refused.get_data(as_text=True)

    founding(candidate, "counsellor")
    assert client.post(f"/certification/people/{candidate.id}/trainer/sign-off").status_code == 302
    sign_in_session(client, coordinator)
    assert client.post(f"/certification/people/{candidate.id}/trainer/issue").status_code == 302
    db.session.refresh(candidate)
    assert candidate.has_role("trainer")


def test_founding_staff_need_a_written_reason_in_the_audit_log(client, make_user, coordinator):
    staff = make_user("supervisor", display_name="Marieke")
    sign_in_session(client, coordinator)
    page = client.get("/certification/founding?lang=en")
    assert page.status_code == 200 and staff.email in page.get_data(as_text=True)
    short = client.post("/certification/founding?lang=en",
                        data={"person": staff.id, "certificate_type": "counsellor", "reason": "old hand"})
    assert short.status_code == 400 and "Write at least 20 characters" in short.get_data(as_text=True)
    trainer_first = client.post("/certification/founding?lang=en", data={
        "person": staff.id, "certificate_type": "trainer", "reason": "Trainer of counsellors at GGzE since 2006."})
    assert "register this person as a founding counsellor first" in trainer_first.get_data(as_text=True)
    assert certificates_of(staff) == []

    ok = client.post("/certification/founding", data={
        "person": staff.id, "certificate_type": "counsellor", "reason": "Counsellor at GGzE since 2006, before Hulpmix."})
    assert ok.status_code == 302
    certificate = certificates_of(staff)[0]
    assert certificate.founding and certificate.signoff is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.founding_registered"))
    assert event.details["reason"].startswith("Counsellor at GGzE") and event.actor_id == coordinator.id
    db.session.refresh(staff)
    assert staff.has_role("counsellor")


def test_a_coordinator_cannot_register_or_issue_to_themselves(client, coordinator, training):
    from app.certification.services import CertificationError, register_founding

    try:
        register_founding(coordinator, coordinator, "counsellor", "I was here first, since the year 2004.")
    except CertificationError as error:
        assert "yourself" in str(error)
    else:
        raise AssertionError("self-registration was accepted")
    assert _count(Certificate) == 0


def test_the_data_export_lists_the_certificates(client, make_user, founding):
    from app.accounts.services import export_user_data

    person = make_user("supervisor")
    founding(person)
    data = export_user_data(person)
    assert data["certificates"][0]["certificate_type"] == "counsellor"
    assert data["certificates"][0]["founding"] is True


def test_deleting_the_account_deletes_the_certificates(client, make_user, founding):
    from app.accounts.services import delete_account

    person = make_user("supervisor")
    code = founding(person).code
    delete_account(person)
    assert _count(Certificate) == 0
    assert client.get(f"/api/verify/{code}").status_code == 404


def test_the_dutch_catalogue_of_certification_is_complete():
    from babel.messages.pofile import read_po

    from tests.conftest import ROOT

    with (ROOT / "app/certification/translations/nl/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    assert [m.id for m in catalog if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))] == []


def test_signing_off_twice_is_refused(client, make_user, certified_trainer, training):
    trainee = make_user("trainee")
    training.meet(trainee)
    sign_in_session(client, certified_trainer)
    assert client.post(f"/certification/people/{trainee.id}/counsellor/sign-off").status_code == 302
    again = client.post(f"/certification/people/{trainee.id}/counsellor/sign-off?lang=en")
    assert again.status_code == 409 and "signed off already" in again.get_data(as_text=True)
    assert _count(SignOff) == 1


def test_a_trainer_cannot_sign_off_themselves(client, certified_trainer, training):
    training.meet(certified_trainer, "ttt_course", "calibration")
    sign_in_session(client, certified_trainer)
    response = client.post(f"/certification/people/{certified_trainer.id}/trainer/sign-off?lang=en")
    assert response.status_code == 409
    assert "You cannot sign off your own certificate." in response.get_data(as_text=True)
    assert _count(SignOff) == 0
