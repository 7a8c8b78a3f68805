"""The /chat socket: only signed-in accounts connect; logging out closes their sockets."""

from __future__ import annotations

from sqlalchemy import select

from app.conversations.models import ConnectedSocket
from app.extensions import db


def test_anonymous_sockets_are_refused(socket_client):
    sc = socket_client()
    assert not sc.is_connected("/chat")


def test_a_signed_in_user_connects_and_is_greeted(socket_client, signed_in):
    user = signed_in("counsellor")
    sc = socket_client()
    assert sc.is_connected("/chat")
    received = sc.get_received("/chat")
    assert received[0]["name"] == "hello" and received[0]["args"][0]["user"] == user.display_name
    assert db.session.scalar(select(ConnectedSocket.user_id)) == user.id
    assert sc.emit("ping_server", {}, namespace="/chat", callback=True)["ok"] is True


def test_logout_disconnects_the_users_sockets_on_the_server(app, client, socket_client, signed_in):
    signed_in("counsellor")
    sc = socket_client()
    assert sc.is_connected("/chat")
    client.post("/logout")
    assert not sc.is_connected("/chat")
    assert db.session.scalar(select(ConnectedSocket)) is None


def test_a_flood_of_events_is_refused_with_a_clear_error(app, socket_client, signed_in):
    signed_in("counsellor")
    sc = socket_client()
    limit = app.config["SOCKETIO_EVENTS_PER_10S"]
    answers = [sc.emit("ping_server", {}, namespace="/chat", callback=True) for _ in range(limit + 3)]
    assert all(a["ok"] for a in answers[:limit])
    assert answers[-1]["ok"] is False and answers[-1]["error"] == "rate_limited"
