"""Every live-help /chat event, for each role and for a young person's socket: staff events
refuse young people and roles without live work; the gate refuses work it does not allow;
a young person's events only ever touch their own chat."""

from __future__ import annotations

import pytest

from app.accounts.models import ROLES
from tests.conftest import sign_in_session
from tests.live_chat.conftest import start, youth_socket

pytestmark = pytest.mark.usefixtures("open_all_day")

YOUTH_EVENTS = {"live_status", "live_leave"}
STAFF_EVENTS = {"live_hello", "live_duty", "live_accept", "live_decline", "live_escalate", "live_whisper",
                "live_draft", "live_draft_decide"}


def _samples(request_id: int) -> dict[str, dict]:
    return {"live_hello": {}, "live_duty": {"available": True}, "live_accept": {"request_id": request_id},
            "live_decline": {"request_id": request_id}, "live_escalate": {"request_id": request_id},
            "live_whisper": {"request_id": request_id, "body": "let op"},
            "live_draft": {"request_id": request_id, "body": "hoi"},
            "live_draft_decide": {"draft_id": 987654, "action": "approve"}}


def test_every_live_event_is_in_this_test(app):
    from live_help.chat.events import EVENTS

    assert set(EVENTS) == YOUTH_EVENTS | STAFF_EVENTS


def test_a_young_persons_socket_gets_no_staff_event(app, socket_client):
    request, token = start("Nieuwsgierig")
    ys = youth_socket(app, socket_client, token)
    for event, data in _samples(request.id).items():
        assert ys.emit(event, data, namespace="/chat", callback=True)["ok"] is False, event


@pytest.mark.parametrize("role", ROLES)
def test_no_role_without_a_certificate_may_take_a_chat(app, socket_client, make_user, role):
    request, _token = start("Wacht")
    user = make_user(role)
    http = app.test_client()
    sign_in_session(http, user)
    sc = socket_client(http)
    answers = {event: sc.emit(event, data, namespace="/chat", callback=True)
               for event, data in _samples(request.id).items()}
    assert answers["live_accept"]["ok"] is False
    assert answers["live_accept"]["error"] in ("forbidden", "not_allowed")
    for event in ("live_escalate", "live_whisper", "live_draft", "live_draft_decide"):
        assert answers[event]["ok"] is False, (role, event)
    if role == "supervisor":
        assert answers["live_duty"] == {"ok": True, "available": True, "as_supervisor": True}
    else:
        assert answers["live_duty"]["ok"] is False
    # Staff events never answer a young person's status; a staff socket has no youth chat.
    assert sc.emit("live_status", {}, namespace="/chat", callback=True) == {"ok": False, "error": "forbidden"}


def test_malformed_live_payloads_get_invalid_not_an_error(app, socket_client, counsellor):
    from tests.live_chat.conftest import staff_socket

    sc = staff_socket(app, socket_client, counsellor("Sanne"))
    for payload in (None, [], "x", {"request_id": "1"}, {"request_id": True}, {"request_id": -3}):
        answer = sc.emit("live_accept", payload, namespace="/chat", callback=True)
        assert answer["ok"] is False and answer["error"] == "invalid", payload
