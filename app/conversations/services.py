"""Conversation rules: store a message, then acknowledge it; number messages per conversation;
ignore repeated client ids; deliver to the room; resume after a reconnect. And socket
bookkeeping: remember a signed-in user's sockets so the server can close them."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Integer, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.conversations.models import (
    PHASES,
    ConnectedSocket,
    Conversation,
    Message,
    Participant,
    PhaseMark,
)
from app.extensions import db, socketio
from app.signals import conversation_ended, message_stored
from app.timeutil import utcnow

NAMESPACE = "/chat"
MAX_MESSAGE_LENGTH = 2000
HISTORY_LIMIT = 1000


class ChatError(Exception):
    """A refused chat action; `code` is what the client gets in its acknowledgement."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


# --- rooms and sockets -------------------------------------------------------------------
def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def conversation_room(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def remember_socket(sid: str, user_id: int) -> None:
    db.session.merge(ConnectedSocket(sid=sid, user_id=user_id, namespace=NAMESPACE))
    db.session.commit()


def forget_socket(sid: str) -> None:
    db.session.execute(delete(ConnectedSocket).where(ConnectedSocket.sid == sid))
    db.session.commit()


def disconnect_user(user_id: int) -> int:
    """Close every socket of this user, on whichever worker it lives (through the queue)."""
    sids = list(db.session.scalars(select(ConnectedSocket.sid).where(ConnectedSocket.user_id == user_id)))
    for sid in sids:
        socketio.emit("session_ended", {"reason": "signed_out"}, to=sid, namespace=NAMESPACE)
        socketio.server.disconnect(sid, namespace=NAMESPACE)
    db.session.execute(delete(ConnectedSocket).where(ConnectedSocket.user_id == user_id))
    db.session.commit()
    return len(sids)


# --- conversations -----------------------------------------------------------------------
@dataclass(frozen=True)
class NewParticipant:
    side: str
    display_name: str
    user_id: int | None = None
    is_bot: bool = False
    can_write: bool = True
    with_token: bool = False  # a participant without an account gets a resume token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_conversation(kind: str, people: list[NewParticipant]) -> tuple[Conversation, dict[int, str]]:
    """Create a conversation; returns it and the resume tokens of token participants by index."""
    conversation = Conversation(kind=kind, status="active")
    tokens: dict[int, str] = {}
    for index, person in enumerate(people):
        token_hash = None
        if person.with_token:
            tokens[index] = secrets.token_urlsafe(32)
            token_hash = hash_token(tokens[index])
        conversation.participants.append(Participant(
            user_id=person.user_id, side=person.side, display_name=person.display_name[:60],
            is_bot=person.is_bot, can_write=person.can_write, resume_token_hash=token_hash))
    db.session.add(conversation)
    db.session.flush()
    return conversation, tokens


def participant_by_token(token: str | None) -> Participant | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(Participant).where(Participant.resume_token_hash == hash_token(token),
                                                       Participant.left_at.is_(None)))


def message_payload(message: Message | dict, author: str = "") -> dict:
    """What clients receive for a message (the same shape live and in history)."""
    row = message if isinstance(message, dict) else {
        "id": message.id, "seq": message.seq, "conversation_id": message.conversation_id,
        "client_id": message.client_id, "side": message.side, "kind": message.kind,
        "body": message.body, "created_at": message.created_at, "participant_id": message.participant_id,
    }
    created = row["created_at"]
    return {
        "conversation_id": row["conversation_id"], "id": row["id"], "seq": row["seq"],
        "client_id": row["client_id"], "side": row["side"], "kind": row["kind"], "body": row["body"],
        "author": author, "participant_id": row["participant_id"],
        "at": created.isoformat(timespec="milliseconds") + "Z",
    }


def clean_body(body: object) -> str:
    if not isinstance(body, str):
        raise ChatError("invalid", "a message is text")
    text = body.replace("\r\n", "\n").strip()
    if not text:
        raise ChatError("empty", "an empty message is not sent")
    limit = current_app.config.get("CHAT_MAX_MESSAGE_LENGTH", MAX_MESSAGE_LENGTH)
    if len(text) > limit:
        raise ChatError("too_long", f"at most {limit} characters")
    return text


def clean_client_id(client_id: object) -> str | None:
    if client_id is None:
        return None
    if not isinstance(client_id, str) or not 1 <= len(client_id) <= 64 or not client_id.replace("-", "").isalnum():
        raise ChatError("invalid", "client_id is 1-64 letters, digits or dashes")
    return client_id


@dataclass(frozen=True)
class Sender:
    """What the write path needs to know of a participant; kept per socket so that a message
    costs no membership look-up (the UPDATE below still checks the participant is in)."""

    id: int
    conversation_id: int
    side: str
    display_name: str
    can_write: bool
    conversation_kind: str

    @classmethod
    def of(cls, participant: Participant) -> Sender:
        return cls(participant.id, participant.conversation_id, participant.side, participant.display_name,
                   participant.can_write, participant.conversation.kind)


def post_message(participant: Participant | Sender, body: object, *, client_id: object = None,
                 kind: str = "text") -> tuple[dict, bool]:
    """Store a message, numbered, in one short transaction; returns (payload, duplicate).

    Two statements: the conversation's counter goes up (only while it is open and the sender
    still takes part), then the row goes in. A repeated client id from the same participant
    breaks the unique constraint, the transaction rolls back (the counter too) and the stored
    message comes back unchanged. Raises ChatError (ended, empty, too_long, invalid, read_only,
    forbidden).
    """
    sender = participant if isinstance(participant, Sender) else Sender.of(participant)
    text = clean_body(body)
    cid = clean_client_id(client_id)
    if not sender.can_write:
        raise ChatError("read_only", "observers read along without writing")
    conversation_id = sender.conversation_id
    now = utcnow()
    row = {"conversation_id": conversation_id, "participant_id": sender.id, "client_id": cid,
           "side": sender.side, "kind": kind, "body": text, "created_at": now}
    params = {"p_" + key: value for key, value in row.items()}
    statements = _write_statements()
    try:
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            # One round trip: the counter and the row in one statement.
            stored = connection.execute(statements.counter_and_row, params).first()
            seq, row["id"] = (stored.seq, stored.id) if stored is not None else (None, None)
        else:
            seq = connection.execute(statements.counter, params).scalar()
            if seq is not None:
                row["id"] = connection.execute(statements.row, {**params, "p_seq": seq}).scalar()
        if seq is None:
            db.session.rollback()
            if cid is not None and (existing := _existing(conversation_id, sender.id, cid)) is not None:
                return message_payload(existing, sender.display_name), True
            still_in = db.session.scalar(select(_member(sender.id)))
            raise ChatError("ended" if still_in else "forbidden", "this conversation has ended" if still_in else "")
        row["seq"] = seq
        db.session.commit()
    except IntegrityError:
        # This client id was stored before (a resend after a lost acknowledgement).
        db.session.rollback()
        existing = _existing(conversation_id, sender.id, cid) if cid else None
        if existing is None:
            raise
        return message_payload(existing, sender.display_name), True
    payload = message_payload(row, sender.display_name)
    deliver(payload)
    message_stored.send(participant, payload=payload, conversation_kind=sender.conversation_kind)
    return payload, False


def _member(participant_id: int):
    return select(Participant.id).where(Participant.id == participant_id, Participant.left_at.is_(None)).exists()


@dataclass(frozen=True)
class _WriteStatements:
    counter: object          # UPDATE ... RETURNING last_seq
    row: object              # INSERT ... RETURNING id
    counter_and_row: object  # both in one statement (PostgreSQL)


_statements: list[_WriteStatements] = []


def _write_statements() -> _WriteStatements:
    """The write path's statements, built once with bound parameters: Core on the tables,
    because building (and cache-keying) a statement per message costs more than running it.
    Parameters are named `p_<column>`: a parameter named like a column of the UPDATE's table
    would become one more SET."""
    if _statements:
        return _statements[0]
    conversations, messages, participants = Conversation.__table__, Message.__table__, Participant.__table__
    member = select(participants.c.id).where(participants.c.id == bindparam("p_participant_id"),
                                             participants.c.left_at.is_(None)).exists()
    counter = (update(conversations)
               .where(conversations.c.id == bindparam("p_conversation_id"), conversations.c.status != "ended", member)
               .values(last_seq=conversations.c.last_seq + 1).returning(conversations.c.last_seq))
    columns = ["participant_id", "client_id", "side", "kind", "body", "created_at"]
    row = insert(messages).values({name: bindparam("p_" + name) for name in ["conversation_id", "seq", *columns]}) \
        .returning(messages.c.id)
    bumped = counter.cte("bumped")
    both = insert(messages).from_select(
        ["conversation_id", "seq", *columns],
        select(bindparam("p_conversation_id", type_=Integer), bumped.c.last_seq,
               *(bindparam("p_" + name, type_=messages.c[name].type) for name in columns)),
    ).returning(messages.c.id, messages.c.seq)
    _statements.append(_WriteStatements(counter, row, both))
    return _statements[0]


def _existing(conversation_id: int, participant_id: int, client_id: str) -> Message | None:
    return db.session.scalar(select(Message).where(
        Message.conversation_id == conversation_id, Message.participant_id == participant_id,
        Message.client_id == client_id))


def deliver(payload: dict) -> None:
    socketio.emit("message", payload, to=conversation_room(payload["conversation_id"]), namespace=NAMESPACE)


def history(conversation: Conversation, after_seq: object = 0, limit: int = HISTORY_LIMIT) -> list[dict]:
    """Messages after `after_seq`, in order: what a reconnecting client missed."""
    try:
        after = max(0, int(after_seq or 0))
    except (TypeError, ValueError):
        raise ChatError("invalid", "after is a message number") from None
    names = {p.id: p.display_name for p in conversation.participants}
    rows = db.session.scalars(select(Message).where(Message.conversation_id == conversation.id, Message.seq > after)
                              .order_by(Message.seq).limit(limit))
    return [message_payload(m, "" if m.side == "system" else names.get(m.participant_id, "")) for m in rows]


def mark_phase(conversation: Conversation, participant: Participant | None, phase: str, *,
               suggested: bool = False) -> PhaseMark:
    if phase not in PHASES:
        raise ChatError("invalid", f"phase is one of {', '.join(PHASES)}")
    if not conversation.is_open:
        raise ChatError("ended", "this conversation has ended")
    if participant is not None and participant.side != "counsellor":
        raise ChatError("forbidden", "only the counsellor marks phases")
    mark = PhaseMark(conversation=conversation, phase=phase, at_seq=conversation.last_seq, suggested=suggested,
                     marked_by=participant.id if participant else None)
    if not suggested:
        conversation.phase = phase
    db.session.add(mark)
    db.session.commit()
    socketio.emit("phase", {"conversation_id": conversation.id, "phase": phase, "suggested": suggested,
                            "at_seq": mark.at_seq}, to=conversation_room(conversation.id), namespace=NAMESPACE)
    return mark


def end_conversation(conversation: Conversation, by: str) -> None:
    if not conversation.is_open:
        return
    conversation.status = "ended"
    conversation.ended_at = utcnow()
    conversation.ended_by = by
    db.session.commit()
    socketio.emit("ended", {"conversation_id": conversation.id, "by": by},
                  to=conversation_room(conversation.id), namespace=NAMESPACE)
    conversation_ended.send(conversation, by=by)


def phase_timeline(conversation: Conversation) -> list[dict]:
    """The phases in the order they were marked, with the message number where each began."""
    return [{"phase": m.phase, "at_seq": m.at_seq, "suggested": m.suggested, "at": m.created_at}
            for m in conversation.phase_marks]


def active_conversation_ids(user_id: int) -> list[int]:
    return list(db.session.scalars(
        select(Participant.conversation_id).join(Conversation)
        .where(Participant.user_id == user_id, Participant.left_at.is_(None), Conversation.status != "ended")))
