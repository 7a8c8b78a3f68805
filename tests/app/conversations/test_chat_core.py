"""The conversation core through real Socket.IO test clients: no message lost, none doubled."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.conversations import Message, NewParticipant, start_conversation
from app.extensions import db
from tests.conftest import sign_in_session


@pytest.fixture
def pair(app, make_user, socket_client):
    """A trainee (counsellor side) and a trainer (youth side) in one conversation, both connected."""
    trainee, trainer = make_user("trainee"), make_user("trainer")
    conversation, _ = start_conversation("simulation", [
        NewParticipant("counsellor", trainee.display_name, user_id=trainee.id),
        NewParticipant("youth", "Amira", user_id=trainer.id),
    ])
    db.session.commit()
    clients = {}
    for name, user in (("counsellor", trainee), ("youth", trainer)):
        http = app.test_client()
        sign_in_session(http, user)
        clients[name] = socket_client(http)
        clients[name].get_received("/chat")
    return conversation.id, clients, (trainee, trainer)


def send(sc, conversation_id, body, client_id):
    return sc.emit("send", {"conversation_id": conversation_id, "body": body, "client_id": client_id},
                   namespace="/chat", callback=True)


def event_args(packet):
    # Flask-SocketIO's test client keeps a server emit's single argument as is, and a
    # handler's emit as a list.
    args = packet["args"]
    return args[0] if isinstance(args, list) else args


def messages(sc):
    return [event_args(p) for p in sc.get_received("/chat") if p["name"] == "message"]


def test_two_participants_exchange_messages_in_order(pair):
    cid, clients, _ = pair
    ack = send(clients["counsellor"], cid, "Hoi, welkom bij Hulpmix. Wat wil je vertellen?", "c-1")
    assert ack["ok"] and ack["seq"] == 1 and not ack["duplicate"]
    assert send(clients["youth"], cid, "hoi.. mn ouders snappen me nie", "y-1")["seq"] == 2
    got = messages(clients["youth"])
    assert [(m["seq"], m["side"]) for m in got] == [(1, "counsellor"), (2, "youth")]
    assert got[0]["body"].startswith("Hoi, welkom")


def test_a_resent_message_is_stored_once_and_acknowledged_again(pair):
    cid, clients, _ = pair
    first = send(clients["counsellor"], cid, "Ben je er nog?", "same-id")
    again = send(clients["counsellor"], cid, "Ben je er nog?", "same-id")
    assert again["duplicate"] and again["seq"] == first["seq"] and again["id"] == first["id"]
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1
    assert len(messages(clients["youth"])) == 1


def test_a_reconnecting_client_gets_exactly_what_it_missed(app, pair, socket_client):
    cid, clients, (trainee, _) = pair
    send(clients["counsellor"], cid, "Eerste bericht", "c-1")
    seen = messages(clients["counsellor"])[-1]["seq"]
    clients["counsellor"].disconnect("/chat")
    for n in range(3):
        send(clients["youth"], cid, f"gemist {n}", f"y-{n}")
    http = app.test_client()
    sign_in_session(http, trainee)
    back = socket_client(http)
    joined = back.emit("join", {"conversation_id": cid, "after": seen}, namespace="/chat", callback=True)
    assert [m["body"] for m in joined["messages"]] == ["gemist 0", "gemist 1", "gemist 2"]
    # The message it had sent before the drop, resent because no ack arrived: not doubled.
    assert send(back, cid, "Eerste bericht", "c-1")["duplicate"] is True
    assert db.session.scalar(select(func.count()).select_from(Message)) == 4


def test_outsiders_cannot_read_write_or_join(app, pair, make_user, socket_client):
    cid, _, _ = pair
    outsider = make_user("trainee")
    http = app.test_client()
    sign_in_session(http, outsider)
    sc = socket_client(http)
    for event, data in (("join", {"conversation_id": cid}), ("send", {"conversation_id": cid, "body": "hoi", "client_id": "x"}),
                        ("sync", {"conversation_id": cid}), ("typing", {"conversation_id": cid, "typing": True}),
                        ("phase", {"conversation_id": cid, "phase": "welcome"})):
        assert sc.emit(event, data, namespace="/chat", callback=True) == {"ok": False, "error": "forbidden"}
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


@pytest.mark.parametrize("payload, error", [
    ("not a dict", "invalid"),
    ({"conversation_id": "1", "body": "x"}, "invalid"),
    ({"conversation_id": True, "body": "x"}, "invalid"),
    ({"body": "x"}, "invalid"),
])
def test_malformed_payloads_get_an_error_ack(pair, payload, error):
    _, clients, _ = pair
    assert clients["counsellor"].emit("send", payload, namespace="/chat", callback=True)["error"] == error


def test_message_limits_are_explained(pair):
    cid, clients, _ = pair
    assert send(clients["counsellor"], cid, "x" * 2001, "long")["error"] == "too_long"
    assert send(clients["counsellor"], cid, "   ", "blank")["error"] == "empty"
    assert send(clients["counsellor"], cid, 42, "number")["error"] == "invalid"
    assert send(clients["counsellor"], cid, "ok", "bad id with spaces")["error"] == "invalid"
    assert send(clients["counsellor"], cid, "x" * 2000, "max")["ok"]


def test_a_flood_is_slowed_down_and_nothing_is_half_stored(app, pair):
    cid, clients, _ = pair
    acks = [send(clients["counsellor"], cid, f"bericht {n}", f"f-{n}") for n in range(app.config["SOCKETIO_EVENTS_PER_10S"] + 5)]
    stored = [a for a in acks if a["ok"]]
    refused = [a for a in acks if not a["ok"]]
    assert refused and all(a["error"] == "rate_limited" for a in refused)
    assert db.session.scalar(select(func.count()).select_from(Message)) == len(stored)
    assert [a["seq"] for a in stored] == list(range(1, len(stored) + 1))


def test_typing_reaches_the_other_side_only(pair):
    cid, clients, _ = pair
    clients["youth"].emit("typing", {"conversation_id": cid, "typing": True}, namespace="/chat", callback=True)
    events = [event_args(e) for e in clients["counsellor"].get_received("/chat") if e["name"] == "typing"]
    assert events == [{"conversation_id": cid, "side": "youth", "typing": True}]
    assert not [e for e in clients["youth"].get_received("/chat") if e["name"] == "typing"]


def test_the_counsellor_marks_phases_and_the_youth_side_cannot(pair):
    cid, clients, _ = pair
    assert clients["counsellor"].emit("phase", {"conversation_id": cid, "phase": "welcome"}, namespace="/chat", callback=True)["ok"]
    assert clients["youth"].emit("phase", {"conversation_id": cid, "phase": "goal"}, namespace="/chat", callback=True)["error"] == "forbidden"
    assert clients["counsellor"].emit("phase", {"conversation_id": cid, "phase": "dance"}, namespace="/chat", callback=True)["error"] == "invalid"


def test_an_ended_conversation_takes_no_more_messages(pair):
    from app.conversations import Conversation, end_conversation

    cid, clients, _ = pair
    end_conversation(db.session.get(Conversation, cid), by="trainer")
    assert send(clients["counsellor"], cid, "nog iets", "late")["error"] == "ended"
    assert any(e["name"] == "ended" for e in clients["counsellor"].get_received("/chat"))


def test_a_participant_without_account_connects_with_its_resume_token(app, socket_client, make_user):
    counsellor = make_user("counsellor")
    conversation, tokens = start_conversation("live", [
        NewParticipant("counsellor", "Shanice", user_id=counsellor.id),
        NewParticipant("youth", "Anoniem", with_token=True),
    ])
    db.session.commit()
    youth = socket_client(app.test_client(), auth={"token": tokens[1]})
    assert youth.is_connected("/chat")
    assert send(youth, conversation.id, "hallo?", "y-1")["ok"]
    stranger = socket_client(app.test_client(), auth={"token": "guessed-token"})
    assert not stranger.is_connected("/chat")


def test_a_message_changes_only_the_conversations_counter(pair):
    """The write path's statement names its parameters apart from the conversation's columns:
    a message may not rewrite the conversation's kind or start time."""
    from app.conversations import Conversation

    cid, clients, _ = pair
    before = db.session.get(Conversation, cid)
    kind, created = before.kind, before.created_at
    assert send(clients["youth"], cid, "hoi", "y-k")["ok"]
    db.session.expire_all()
    after = db.session.get(Conversation, cid)
    assert (after.kind, after.created_at, after.last_seq) == (kind, created, 1)
    stored = db.session.scalar(select(Message).where(Message.conversation_id == cid))
    assert (stored.kind, stored.side, stored.body, stored.client_id) == ("text", "youth", "hoi", "y-k")
