"""A certificate's life with a controlled clock: reminders, renewal, expiry, revocation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.certification import live_gate
from app.certification.models import Certificate
from app.certification.services import (
    CertificationError,
    issue,
    renew,
    revoke,
    sign_off,
    valid_certificate,
)
from app.extensions import db
from app.timeutil import freeze
from tests.conftest import sign_in_session

START = datetime(2026, 3, 2, 9, 30)


@pytest.fixture
def clock():
    def set_to(moment: datetime) -> datetime:
        freeze(moment)
        return moment

    set_to(START)
    yield set_to
    freeze(None)


@pytest.fixture
def counsellor(clock, make_user, coordinator, certified_trainer, training) -> Certificate:
    """A trainee who met every requirement, signed off and issued at START."""
    trainee = make_user("trainee", display_name="Emre", email="emre@example.org")
    training.meet(trainee)
    sign_off(certified_trainer, trainee, "counsellor")
    return issue(coordinator, trainee, "counsellor")


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_certificate_is_valid_for_two_years(counsellor):
    assert counsellor.issued_at == START
    assert counsellor.expires_at == START + timedelta(days=730)


def test_the_gate_closes_at_the_moment_of_expiry(clock, counsellor):
    holder = counsellor.holder
    just_before = counsellor.expires_at - timedelta(microseconds=1)
    assert live_gate(holder, at=just_before).mode == "supervised"
    at_expiry = live_gate(holder, at=counsellor.expires_at)
    assert (at_expiry.mode, at_expiry.max_chats, at_expiry.reason) == ("no", 0, "certificate_expired")
    clock(counsellor.expires_at)
    assert live_gate(holder).mode == "no"  # the default `at` is the (frozen) clock
    assert not at_expiry.may_start(0)


def test_reminders_go_out_before_expiry_once_each(clock, counsellor, runner, mailbox):
    def mails_to_holder() -> int:
        return sum(1 for message in mailbox.messages if "emre@example.org" in message["To"])

    clock(counsellor.expires_at - timedelta(days=61))
    runner.invoke(args=["certification", "remind"])
    assert mails_to_holder() == 0

    clock(counsellor.expires_at - timedelta(days=59))
    result = runner.invoke(args=["certification", "remind"])
    assert result.exit_code == 0 and "Reminders sent:" in result.output
    assert mails_to_holder() == 1
    message = mailbox.last_to("emre@example.org")
    assert "59" in message["Subject"]
    body = mailbox.body(message)
    assert "Online jongerencounselor" in body and "/certification/" in body  # Dutch, the holder's language
    assert "Je hebt er nu 0" in body  # what renewal still needs
    runner.invoke(args=["certification", "remind"])
    assert mails_to_holder() == 1  # each reminder once

    clock(counsellor.expires_at - timedelta(days=10))
    runner.invoke(args=["certification", "remind"])
    runner.invoke(args=["certification", "remind"])
    assert mails_to_holder() == 2


def test_the_role_goes_after_expiry_once_running_chats_could_finish(clock, counsellor, runner):
    holder = counsellor.holder
    epoch = holder.session_epoch
    clock(counsellor.expires_at + timedelta(hours=1))
    runner.invoke(args=["certification", "remind"])
    db.session.expire_all()
    assert holder.has_role("counsellor")  # the gate already says no; running chats may finish
    assert live_gate(holder).mode == "no"

    clock(counsellor.expires_at + timedelta(hours=13))
    result = runner.invoke(args=["certification", "remind"])
    assert result.exit_code == 0 and "Roles removed after expiry:" in result.output
    db.session.expire_all()
    assert not holder.has_role("counsellor") and holder.session_epoch > epoch
    mine = [e for e in _events("role.revoked") if e.subject_user_id == holder.id]
    assert [e.details["reason"] for e in mine] == [f"certificate {counsellor.id} expired"]
    assert counsellor.lapsed_at is not None
    runner.invoke(args=["certification", "remind"])
    assert len([e for e in _events("certificate.expired") if e.subject_user_id == holder.id]) == 1


def test_renewal_needs_recent_activity(clock, counsellor, coordinator, training):
    holder = counsellor.holder
    clock(counsellor.expires_at - timedelta(days=120))
    with pytest.raises(CertificationError, match="Renewal opens on"):
        renew(coordinator, counsellor)

    now = clock(counsellor.expires_at - timedelta(days=30))
    training.did_activity(holder, now - timedelta(days=400))  # too long ago: does not count
    training.did_activity(holder, now - timedelta(days=100))
    with pytest.raises(CertificationError, match="needs 2 recent activities in the last 12 months; 1 found"):
        renew(coordinator, counsellor)
    assert valid_certificate(holder, "counsellor").id == counsellor.id

    training.did_activity(holder, now - timedelta(days=3))
    renewed = renew(coordinator, counsellor)
    assert renewed.renewal_of_id == counsellor.id and renewed.code != counsellor.code
    assert renewed.expires_at == counsellor.expires_at + timedelta(days=730)
    with pytest.raises(CertificationError, match="renewed already"):
        renew(coordinator, counsellor)

    clock(counsellor.expires_at + timedelta(days=1))
    assert live_gate(holder).mode in ("supervised", "live")  # the renewed certificate carries on
    assert _events("certificate.renewed")[0].details["activities"] == 2


def test_renewal_through_the_certificate_page(clock, client, counsellor, coordinator, training):
    now = clock(counsellor.expires_at - timedelta(days=20))
    training.did_activity(counsellor.holder, now - timedelta(days=5))
    training.did_activity(counsellor.holder, now - timedelta(days=50))
    sign_in_session(client, coordinator)
    page = client.get(f"/certification/certificates/{counsellor.id}?lang=en").get_data(as_text=True)
    assert "Simulations passed: 2" in page and "Renew the certificate" in page
    response = client.post(f"/certification/certificates/{counsellor.id}/renew")
    assert response.status_code == 302
    assert client.post(f"/certification/certificates/{counsellor.id}/renew?lang=en").status_code == 409


def test_revoking_needs_a_reason(client, counsellor, coordinator):
    sign_in_session(client, coordinator)
    for reason in ("", "   ", "no"):
        response = client.post(f"/certification/certificates/{counsellor.id}/revoke?lang=en", data={"reason": reason})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "Give the reason for revoking." in html or "Write at least 10 characters." in html
    db.session.refresh(counsellor)
    assert counsellor.revoked_at is None and _events("certificate.revoked") == []
    with pytest.raises(CertificationError, match="Give the reason"):
        revoke(coordinator, counsellor, " ")


def test_revocation_is_audited_ends_sessions_and_shows_on_verification(
        app, client, socket_client, counsellor, coordinator):
    holder = counsellor.holder
    sign_in_session(client, holder)
    sc = socket_client()
    assert sc.is_connected("/chat")

    coordinator_client = app.test_client()
    sign_in_session(coordinator_client, coordinator)
    response = coordinator_client.post(f"/certification/certificates/{counsellor.id}/revoke",
                                       data={"reason": "Shared a young person's details outside the service."})
    assert response.status_code == 302

    assert not sc.is_connected("/chat")  # the frozen socket session is closed on the server
    assert client.get("/certification/").status_code == 302  # and the login cookie is dead
    db.session.expire_all()
    assert not holder.has_role("counsellor")
    event = _events("certificate.revoked")[0]
    assert event.actor_id == coordinator.id and event.details["reason"].startswith("Shared a young person")
    assert live_gate(holder).reason == "certificate_revoked"

    page = app.test_client().get(f"/verify/{counsellor.code}?lang=en").get_data(as_text=True)
    assert "This certificate was revoked" in page and "Shared a young person" not in page
    data = app.test_client().get(f"/api/verify/{counsellor.code}").get_json()
    assert data["revoked"] is True and data["valid"] is False and data["status"] == "revoked"

    again = coordinator_client.post(f"/certification/certificates/{counsellor.id}/revoke?lang=en",
                                    data={"reason": "Trying a second time for good measure."})
    assert again.status_code == 409 and "revoked already" in again.get_data(as_text=True)


def test_only_coordinators_of_the_institution_revoke(app, make_user, make_institution, counsellor):
    other = make_user("coordinator", institution_obj=make_institution())
    client = app.test_client()
    sign_in_session(client, other)
    response = client.post(f"/certification/certificates/{counsellor.id}/revoke", data={"reason": "x" * 30})
    assert response.status_code == 403
    sign_in_session(client, counsellor.holder)
    assert client.get(f"/certification/certificates/{counsellor.id}").status_code == 200
    stranger = make_user("trainee")
    sign_in_session(client, stranger)
    assert client.get(f"/certification/certificates/{counsellor.id}").status_code == 403
    assert client.get(f"/certification/certificates/{counsellor.id}/certificate.pdf").status_code == 403
