"""Scored assessments with one rubric: screening samples, simulations and quality review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class Assessment(db.Model):
    """One assessor's scores for one subject (a screening sample answer, a simulation, a chat).

    `subject_type` names what is assessed ("screening_sample", "simulation", "quality_review")
    and `subject_id` its id in the owning feature, so that features need no table here.
    """

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "assessor_id", "round"),
        Index("ix_assessments_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_key: Mapped[str] = mapped_column(String(40))
    rubric_version: Mapped[int] = mapped_column(default=1)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    round: Mapped[int] = mapped_column(default=1)  # e.g. 1 and 2 for two reviewers, 3 for a third
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion key -> level
    comments: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion key -> text
    summary: Mapped[str] = mapped_column(Text, default="")
    passed: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    assessor = relationship("User")

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def mean(self) -> float | None:
        values = [int(v) for v in (self.scores or {}).values()]
        return sum(values) / len(values) if values else None


class Annotation(db.Model):
    """An assessor's remark on one message of a transcript (simulations and quality review)."""

    __tablename__ = "annotations"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User")
