"""Every /chat event, for every role, on an own and a foreign conversation.

The events are read from the namespace class, so an event added later must be added to
SAMPLES below or this test fails."""

from __future__ import annotations

import pytest

from app.accounts.models import ROLES
from app.conversations import ChatNamespace, NewParticipant, start_conversation
from app.extensions import db
from tests.conftest import sign_in_session

LIFECYCLE = {"connect", "disconnect"}
# Events that concern no conversation, and may be used by any connected client.
UNSCOPED = {"ping_server": {}}
SAMPLES = {
    "join": lambda cid: {"conversation_id": cid, "after": 0},
    "send": lambda cid: {"conversation_id": cid, "client_id": "auth-1", "body": "hoi"},
    "sync": lambda cid: {"conversation_id": cid, "after": 0},
    "typing": lambda cid: {"conversation_id": cid, "typing": True},
    "phase": lambda cid: {"conversation_id": cid, "phase": "welcome"},
}


def _events() -> set[str]:
    return {name[3:] for name in dir(ChatNamespace) if name.startswith("on_")} - LIFECYCLE


def test_every_event_has_a_sample_in_this_test():
    assert _events() == set(SAMPLES) | set(UNSCOPED)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_its_own_conversation_and_never_a_foreign_one(app, make_user, socket_client, role):
    user, other_a, other_b = make_user(role), make_user("trainee"), make_user("trainer")
    own, _ = start_conversation("simulation", [NewParticipant("counsellor", user.display_name, user_id=user.id),
                                               NewParticipant("youth", "Amira", user_id=other_b.id)])
    foreign, _ = start_conversation("simulation", [NewParticipant("counsellor", other_a.display_name, user_id=other_a.id),
                                                   NewParticipant("youth", "Amira", user_id=other_b.id)])
    db.session.commit()
    http = app.test_client()
    sign_in_session(http, user)
    sc = socket_client(http)
    assert sc.is_connected("/chat")
    for event, make in SAMPLES.items():
        mine = sc.emit(event, make(own.id), namespace="/chat", callback=True)
        assert mine["ok"] is True, (event, mine)
        theirs = sc.emit(event, make(foreign.id), namespace="/chat", callback=True)
        assert theirs == {"ok": False, "error": "forbidden"}, (event, theirs)
    for event, data in UNSCOPED.items():
        assert sc.emit(event, data, namespace="/chat", callback=True)["ok"] is True


def test_anonymous_visitors_cannot_connect_without_a_token(app, socket_client):
    assert not socket_client(app.test_client()).is_connected("/chat")
