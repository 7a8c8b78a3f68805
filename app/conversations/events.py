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
from app.signals import chat_socket_closed, chat_socket_opened

PARTICIPANTS_KEY = "participant_ids"
SENDERS_KEY = "senders"  # conversation id -> Sender fields, remembered per socket after a check
EXTRA_EVENTS_KEY = "hulpmix.chat_events"


def register_chat_event(app, name: str, handler) -> None:
    """Let a feature answer one more /chat event; `handler(data)` runs like an `on_` method
    (request context, `current_user`, `request.sid`) and returns the acknowledgement."""
    events = app.extensions.setdefault(EXTRA_EVENTS_KEY, {})
    if name in events or hasattr(ChatNamespace, "on_" + name):
        raise ValueError(f"the /chat event {name!r} exists already")
    events[name] = handler


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


def _sender(data) -> tuple[services.Sender | None, dict | None]:
    """The sender for a message, from this socket's memory when it checked before; the write
    itself verifies that the participant has not left since."""
    conversation_id = _conversation_id(data)
    if conversation_id is None:
        return None, _error("invalid", "conversation_id is a positive number")
    known = session.get(SENDERS_KEY, {}).get(str(conversation_id))
    if known is not None:
        return services.Sender(**known), None
    conversation, participant, error = _participant(data)
    if error:
        return None, error
    sender = services.Sender.of(participant)
    if not sender.can_write:
        return sender, None  # read-only places are checked every time: they may become writers
    session.setdefault(SENDERS_KEY, {})[str(conversation_id)] = {
        "id": sender.id, "conversation_id": sender.conversation_id, "side": sender.side,
        "display_name": sender.display_name, "can_write": sender.can_write,
        "conversation_kind": sender.conversation_kind}
    return sender, None


def forget_sender(conversation_id: int) -> None:
    """Drop what this socket remembers of its place in a conversation (after a change of role)."""
    session.get(SENDERS_KEY, {}).pop(str(conversation_id), None)


class ChatNamespace(Namespace):
    """Rooms are joined here from the server-side identity, never from a name a client sends."""

    def __init__(self, namespace: str = services.NAMESPACE, *, events_per_10s: int = 30,
                 extra_events: dict | None = None) -> None:
        super().__init__(namespace)
        self.extra_events = extra_events if extra_events is not None else {}
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
            handler = self.extra_events.get(event)
            if handler is not None:
                return self.socketio._handle_event(handler, event, self.namespace, *args)
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
        chat_socket_opened.send(current_user._get_current_object() if current_user.is_authenticated else None,
                                sid=request.sid, participant_ids=list(session.get(PARTICIPANTS_KEY, [])))
        emit("hello", {"user": current_user.display_name if current_user.is_authenticated else None,
                       "conversations": rooms})
        return None

    def on_disconnect(self, reason=None):
        """Sent by the server when any socket closes."""
        self._recent.pop(request.sid, None)
        if current_user.is_authenticated:
            services.forget_socket(request.sid)
        chat_socket_closed.send(current_user._get_current_object() if current_user.is_authenticated else None,
                                sid=request.sid, participant_ids=list(session.get(PARTICIPANTS_KEY, [])))

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
        for attempt in (1, 2):
            sender, error = _sender(data)
            if error:
                return error
            try:
                payload, duplicate = services.post_message(sender, data.get("body"),
                                                           client_id=data.get("client_id"))
                break
            except services.ChatError as exc:
                if exc.code == "forbidden" and attempt == 1:
                    forget_sender(sender.conversation_id)  # it left or rejoined: check afresh
                    continue
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
