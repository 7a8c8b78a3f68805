"""The one /chat Socket.IO namespace. Features hook in through signals, not namespaces.

Every event is documented in docs/chat-protocol.md. Handlers parse, check that the sender
belongs to the conversation, call one service and answer with an acknowledgement:
`{"ok": true, ...}` or `{"ok": false, "error": CODE}`.
"""

from __future__ import annotations

import time
from collections import deque

from flask import request, session
from flask_login import current_user
from flask_socketio import Namespace, emit, join_room

from app.conversations import services
from app.conversations.models import Conversation, Participant
from app.extensions import db

PARTICIPANTS_KEY = "participant_ids"


def _error(code: str, detail: str = "") -> dict:
    return {"ok": False, "error": code, **({"detail": detail} if detail else {})}


def _conversation_id(data) -> int | None:
    if not isinstance(data, dict):
        return None
    value = data.get("conversation_id")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _participant(data) -> tuple[Conversation | None, Participant | None, dict | None]:
    """The conversation named in `data` and the sender's place in it, or an error ack."""
    conversation_id = _conversation_id(data)
    if conversation_id is None:
        return None, None, _error("invalid", "conversation_id is a positive number")
    conversation = db.session.get(Conversation, conversation_id)
    participant = None
    if conversation is not None:
        if current_user.is_authenticated:
            participant = conversation.participant_for(current_user.id)
        if participant is None:
            for pid in session.get(PARTICIPANTS_KEY, []):
                candidate = db.session.get(Participant, pid)
                if candidate is not None and candidate.conversation_id == conversation_id and candidate.left_at is None:
                    participant = candidate
                    break
    if conversation is None or participant is None:
        # Same answer for "does not exist" and "not yours": ids reveal nothing.
        return None, None, _error("forbidden")
    return conversation, participant, None


class ChatNamespace(Namespace):
    """Rooms are joined here from the server-side identity, never from a name a client sends."""

    def __init__(self, namespace: str = services.NAMESPACE, *, events_per_10s: int = 30) -> None:
        super().__init__(namespace)
        self.events_per_10s = events_per_10s
        self._recent: dict[str, deque[float]] = {}

    # Flood control per socket: Flask-Limiter does not see Socket.IO events.
    def trigger_event(self, event, *args):
        if event not in ("connect", "disconnect"):
            sid = args[0]  # the request context is set up later, in super().trigger_event
            window = self._recent.setdefault(sid, deque())
            now = time.monotonic()
            while window and now - window[0] > 10:
                window.popleft()
            if len(window) >= self.events_per_10s:
                return _error("rate_limited", "too many messages at once: wait a few seconds")
            window.append(now)
        return super().trigger_event(event, *args)

    def on_connect(self, auth=None):
        """Sent by every client when it opens the socket. Staff are known by their login;
        a participant without an account (the young person) sends `{"token": ...}`."""
        rooms: list[int] = []
        if current_user.is_authenticated:
            services.remember_socket(request.sid, current_user.id)
            join_room(services.user_room(current_user.id))
            rooms = services.active_conversation_ids(current_user.id)
        token = auth.get("token") if isinstance(auth, dict) else None
        participant = services.participant_by_token(token) if isinstance(token, str) else None
        if participant is not None:
            session[PARTICIPANTS_KEY] = [participant.id]
            rooms.append(participant.conversation_id)
        if not current_user.is_authenticated and participant is None:
            return False
        for conversation_id in rooms:
            join_room(services.conversation_room(conversation_id))
        emit("hello", {"user": current_user.display_name if current_user.is_authenticated else None,
                       "conversations": rooms})
        return None

    def on_disconnect(self, reason=None):
        """Sent by the server when any socket closes."""
        self._recent.pop(request.sid, None)
        if current_user.is_authenticated:
            services.forget_socket(request.sid)

    def on_ping_server(self, data=None):
        """Sent by a client to check its connection; answers with the server's time."""
        return {"ok": True, "at": time.time()}

    def on_join(self, data):
        """Sent by a participant's client to (re)enter a conversation it belongs to, with the
        last message number it has: answers with everything after it."""
        conversation, participant, error = _participant(data)
        if error:
            return error
        join_room(services.conversation_room(conversation.id))
        try:
            messages = services.history(conversation, data.get("after", 0))
        except services.ChatError as exc:
            return _error(exc.code, exc.detail)
        return {"ok": True, "messages": messages, "status": conversation.status, "phase": conversation.phase,
                "side": participant.side, "participant_id": participant.id, "last_seq": conversation.last_seq}

    def on_send(self, data):
        """Sent by a participant's client with `{conversation_id, client_id, body}`; the
        message is stored, then acknowledged with its number."""
        conversation, participant, error = _participant(data)
        if error:
            return error
        try:
            payload, duplicate = services.post_message(participant, data.get("body"), client_id=data.get("client_id"))
        except services.ChatError as exc:
            return _error(exc.code, exc.detail)
        return {"ok": True, "seq": payload["seq"], "id": payload["id"], "at": payload["at"], "duplicate": duplicate}

    def on_sync(self, data):
        """Sent by a client that suspects a gap: everything after message number `after`."""
        conversation, participant, error = _participant(data)
        if error:
            return error
        try:
            return {"ok": True, "messages": services.history(conversation, data.get("after", 0)),
                    "status": conversation.status}
        except services.ChatError as exc:
            return _error(exc.code, exc.detail)

    def on_typing(self, data):
        """Sent by a participant's client while its user types (`{conversation_id, typing}`)."""
        conversation, participant, error = _participant(data)
        if error:
            return error
        if participant.can_write:
            emit("typing", {"conversation_id": conversation.id, "side": participant.side,
                            "typing": bool(data.get("typing"))},
                 to=services.conversation_room(conversation.id), include_self=False)
        return {"ok": True}

    def on_phase(self, data):
        """Sent by the counsellor's console when they mark the phase they are in."""
        conversation, participant, error = _participant(data)
        if error:
            return error
        try:
            services.mark_phase(conversation, participant, str(data.get("phase", "")))
        except services.ChatError as exc:
            return _error(exc.code, exc.detail)
        return {"ok": True}
