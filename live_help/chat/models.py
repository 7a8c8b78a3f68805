"""Live chat with young people: the queue (one ChatRequest per chat), counsellors on duty,
blocks, shadow drafts, evaluations and registrations.

Privacy: nothing here holds an IP address, a user agent or a name of a young person. The
nickname, the browser key hash, drafts and the evaluation comment are youth data and are
cleared by the purge with the transcript; counts, grades, topic codes and risk levels stay
as anonymous statistics (docs/live_help.md, "Retention").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

# waiting: in the queue; offered: pushed to one counsellor, still in the queue;
# active: a counsellor accepted; ended: finished by someone; left: the young person left the
# queue (or lost the connection longer than the grace period); closed: still waiting when
# chat closed; blocked: ended by a block.
OPEN_STATUSES = ("waiting", "offered", "active")
QUEUED_STATUSES = ("waiting", "offered")
RISK_RANK = {"none": 0, "low": 1, "medium": 2, "high": 3, "acute": 4}


class ChatRequest(db.Model):
    __tablename__ = "chat_requests"
    __table_args__ = (Index("ix_chat_requests_status_queued", "status", "queued_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    nickname: Mapped[str] = mapped_column(String(30), default="")
    age_group: Mapped[str] = mapped_column(String(12), default="")
    gender: Mapped[str] = mapped_column(String(12), default="")
    topic: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(8), default="")  # wished counsellor language
    site_language: Mapped[str] = mapped_column(String(2), default="nl")
    risk_level: Mapped[str] = mapped_column(String(8), default="none")
    risk_rank: Mapped[int] = mapped_column(default=0)
    risk_categories: Mapped[list] = mapped_column(JSON, default=list)
    browser_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)  # the place in line (kept on requeue)
    offered_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    offer_expires_at: Mapped[datetime | None]
    passed_by: Mapped[list] = mapped_column(JSON, default=list)  # counsellors who let the offer go
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    supervised: Mapped[bool] = mapped_column(default=False)
    accepted_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str] = mapped_column(String(20), default="")
    youth_sockets: Mapped[int] = mapped_column(default=0)
    youth_lost_at: Mapped[datetime | None]
    transfers: Mapped[int] = mapped_column(default=0)
    requeues: Mapped[int] = mapped_column(default=0)
    purged_at: Mapped[datetime | None]

    counsellor = relationship("User", foreign_keys=[counsellor_id])
    offered_to = relationship("User", foreign_keys=[offered_to_id])
    conversation = relationship("Conversation")
    evaluation: Mapped[ChatEvaluation | None] = relationship(back_populates="request", uselist=False,
                                                             cascade="all, delete-orphan")
    registration: Mapped[ChatRegistration | None] = relationship(back_populates="request", uselist=False,
                                                                 cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def waited_seconds(self) -> float:
        end = self.accepted_at or self.ended_at or utcnow()
        return max(0.0, (end - self.created_at).total_seconds())


class CounsellorDuty(db.Model):
    """Whether a counsellor (or supervisor) is available now; one row per person."""

    __tablename__ = "counsellor_duties"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    available: Mapped[bool] = mapped_column(default=False)
    as_supervisor: Mapped[bool] = mapped_column(default=False)
    since: Mapped[datetime] = mapped_column(default=utcnow)
    lost_at: Mapped[datetime | None]  # every socket closed at this moment

    user = relationship("User")


class YouthBlock(db.Model):
    """A browser that may not start a chat until `until` (keyed on a hash, never an address)."""

    __tablename__ = "youth_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    browser_hash: Mapped[str] = mapped_column(String(64), index=True)
    until: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(500))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("chat_requests.id", ondelete="SET NULL"))
    blocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShadowDraft(db.Model):
    """A reply a trainee in shadow mode wrote; the young person sees it only once a certified
    counsellor approved it (as written or edited)."""

    __tablename__ = "shadow_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("chat_requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|approved|edited|rejected
    final_body: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message_seq: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    author = relationship("User", foreign_keys=[author_id])


class ChatEvaluation(db.Model):
    """What the young person thought of the chat. The comment is youth data (purged); the rest
    is kept for the figures."""

    __tablename__ = "chat_evaluations"

    request_id: Mapped[int] = mapped_column(ForeignKey("chat_requests.id", ondelete="CASCADE"), primary_key=True)
    grade: Mapped[int]
    understood: Mapped[str] = mapped_column(String(10))  # yes | somewhat | no
    helped: Mapped[str] = mapped_column(String(10))
    background: Mapped[str] = mapped_column(String(20), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[ChatRequest] = relationship(back_populates="evaluation")


class ChatRegistration(db.Model):
    """The counsellor's registration at the end: topic codes and risk level, for statistics."""

    __tablename__ = "chat_registrations"

    request_id: Mapped[int] = mapped_column(ForeignKey("chat_requests.id", ondelete="CASCADE"), primary_key=True)
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    topic_codes: Mapped[list] = mapped_column(JSON, default=list)
    risk_level: Mapped[str] = mapped_column(String(8), default="none")
    escalated: Mapped[bool] = mapped_column(default=False)
    debrief: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[ChatRequest] = relationship(back_populates="registration")
