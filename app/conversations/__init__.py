"""The chat primitive shared by simulations and live help: sockets now, conversations next."""

from __future__ import annotations

from flask import Flask

from app.conversations.events import ChatNamespace
from app.conversations.models import ConnectedSocket
from app.conversations.services import NAMESPACE, disconnect_user
from app.signals import sessions_ended


def _on_sessions_ended(user, **_kwargs) -> None:
    disconnect_user(user.id)


def init_app(app: Flask) -> None:
    sessions_ended.connect(_on_sessions_ended, weak=False)


def register_namespace(socketio, app: Flask) -> None:
    socketio.on_namespace(ChatNamespace(NAMESPACE, events_per_10s=app.config["SOCKETIO_EVENTS_PER_10S"]))


__all__ = ["NAMESPACE", "ChatNamespace", "ConnectedSocket", "disconnect_user", "init_app",
           "register_namespace"]
