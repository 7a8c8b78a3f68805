"""The chat primitive: conversations, their participants and numbered messages; and the
open sockets of signed-in users, so the server can close them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

PHASES = ("welcome", "clarify", "goal", "work", "close")
SIDES = ("counsellor", "youth", "observer", "supervisor")


class ConnectedSocket(db.Model):
    """One row per open /chat socket of a signed-in user (young people have none here)."""

    __tablename__ = "connected_sockets"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    namespace: Mapped[str] = mapped_column(String(32), default="/chat")
    connected_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conversation(db.Model):
    """A chat between a counsellor side and a youth side, in a simulation or for real."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "simulation" | "live"
    status: Mapped[str] = mapped_column(String(20), default="active")  # waiting | active | ended
    last_seq: Mapped[int] = mapped_column(default=0)  # the newest message's number
    phase: Mapped[str | None] = mapped_column(String(20))  # the phase the counsellor marked last
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str] = mapped_column(String(20), default="")

    participants: Mapped[list[Participant]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="Participant.id")
    phase_marks: Mapped[list[PhaseMark]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="PhaseMark.id")

    @property
    def is_open(self) -> bool:
        return self.status != "ended"

    def participant_for(self, user_id: int | None) -> Participant | None:
        if user_id is None:
            return None
        for participant in self.participants:
            if participant.user_id == user_id and participant.left_at is None:
                return participant
        return None


class Participant(db.Model):
    """Someone in a conversation, on one side. Young people and scripted youths have no user."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    side: Mapped[str] = mapped_column(String(20))  # counsellor | youth | observer | supervisor
    display_name: Mapped[str] = mapped_column(String(60))
    # A hash of the resume token of a participant without an account (the young person).
    resume_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    is_bot: Mapped[bool] = mapped_column(default=False)
    can_write: Mapped[bool] = mapped_column(default=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]

    conversation: Mapped[Conversation] = relationship(back_populates="participants")


class Message(db.Model):
    """One message, numbered per conversation (`seq`), with the client's own id for dedup."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
        UniqueConstraint("conversation_id", "participant_id", "client_id", name="uq_messages_client_id"),
        Index("ix_messages_conversation_seq", "conversation_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    seq: Mapped[int]
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    client_id: Mapped[str | None] = mapped_column(String(64))
    side: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), default="text")  # text | system
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PhaseMark(db.Model):
    """The counsellor marked (or the scripted youth's analysis suggested) a phase at a moment."""

    __tablename__ = "phase_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(20))
    at_seq: Mapped[int] = mapped_column(default=0)  # the last message number when it was marked
    suggested: Mapped[bool] = mapped_column(default=False)
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="phase_marks")


class ConversationNote(db.Model):
    """Private notes on a conversation, seen only by staff (the trainer's or counsellor's own)."""

    __tablename__ = "conversation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
