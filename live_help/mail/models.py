"""Tables of the anonymous mail service: a young person's thread, its messages (questions,
answers, drafts), and anonymous figures that outlive the thread."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

THREAD_STATUSES = ("waiting", "answered")
MESSAGE_STATUSES = ("sent", "draft", "approval")


class MailThread(db.Model):
    """One young person's question and everything written back and forth about it.

    The young person is known only by the hash of a password (with the pickup code) or of a
    secret link; no address, browser or name is stored.
    """

    __tablename__ = "mail_threads"
    __table_args__ = (
        Index("ix_mail_threads_status_waiting", "status", "waiting_since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pickup_code: Mapped[str] = mapped_column(String(12), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    link_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    subject: Mapped[str] = mapped_column(String(120))
    age_group: Mapped[str] = mapped_column(String(10), default="")
    gender: Mapped[str] = mapped_column(String(10), default="")
    lang: Mapped[str] = mapped_column(String(5), default="nl")
    risk_level: Mapped[str] = mapped_column(String(10), default="none")
    risk_categories: Mapped[list] = mapped_column(JSON, default=list)
    # waiting: the young person's last message has no answer yet; answered: it has.
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    waiting_since: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None]
    stat_id: Mapped[int | None] = mapped_column(ForeignKey("mail_stats.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    messages: Mapped[list[MailMessage]] = relationship(back_populates="thread", order_by="MailMessage.id",
                                                       cascade="all, delete-orphan", passive_deletes=True)
    claimed_by = relationship("User", foreign_keys=[claimed_by_id])

    @property
    def sent_messages(self) -> list[MailMessage]:
        """What the young person sees: their own messages and sent (approved) answers."""
        return [m for m in self.messages if m.status == "sent"]

    @property
    def uses_link(self) -> bool:
        return bool(self.link_hash)


class MailMessage(db.Model):
    """A message in a thread: the young person's (always sent) or a counsellor's answer,
    which is a draft, waits for a supervisor's approval, or is sent."""

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("mail_threads.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(10))  # youth | counsellor
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="sent", index=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    thread: Mapped[MailThread] = relationship(back_populates="messages")
    counsellor = relationship("User", foreign_keys=[counsellor_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])

    @property
    def is_youth(self) -> bool:
        return self.author == "youth"


class MailStat(db.Model):
    """Anonymous figures of one thread, kept after the thread is deleted: when it came in,
    whether and how fast it was answered, the risk level and age group. Nothing about who."""

    __tablename__ = "mail_stats"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    risk_level: Mapped[str] = mapped_column(String(10), default="none")
    age_group: Mapped[str] = mapped_column(String(10), default="")
    gender: Mapped[str] = mapped_column(String(10), default="")
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    hours_to_answer: Mapped[float | None] = mapped_column(Float)
    youth_messages: Mapped[int] = mapped_column(Integer, default=1)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    deleted_by_youth: Mapped[bool] = mapped_column(Boolean, default=False)
