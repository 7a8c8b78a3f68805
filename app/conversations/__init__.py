"""The chat primitive shared by simulations and live help: conversations, messages, the /chat namespace."""

from __future__ import annotations

from flask import Flask

from app.conversations.events import EXTRA_EVENTS_KEY, ChatNamespace, register_chat_event
from app.conversations.models import (
    PHASES,
    ConnectedSocket,
    Conversation,
    ConversationNote,
    Message,
    Participant,
    PhaseMark,
)
from app.conversations.services import (
    NAMESPACE,
    ChatError,
    NewParticipant,
    Sender,
    conversation_room,
    deliver,
    disconnect_user,
    end_conversation,
    history,
    mark_phase,
    phase_timeline,
    post_message,
    start_conversation,
    user_room,
)
from app.signals import sessions_ended


def _on_sessions_ended(user, **_kwargs) -> None:
    disconnect_user(user.id)


def init_app(app: Flask) -> None:
    sessions_ended.connect(_on_sessions_ended, weak=False)


def register_namespace(socketio, app: Flask) -> None:
    socketio.on_namespace(ChatNamespace(NAMESPACE, events_per_10s=app.config["SOCKETIO_EVENTS_PER_10S"],
                                        extra_events=app.extensions.setdefault(EXTRA_EVENTS_KEY, {})))


__all__ = [
    "NAMESPACE", "PHASES", "ChatError", "ChatNamespace", "ConnectedSocket", "Conversation", "ConversationNote",
    "Message", "NewParticipant", "Sender", "conversation_room", "deliver", "register_chat_event", "user_room", "Participant", "PhaseMark", "disconnect_user", "end_conversation", "history",
    "init_app", "mark_phase", "phase_timeline", "post_message", "register_namespace", "start_conversation",
]
