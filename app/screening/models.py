"""Screening applications, the written sample answers and the reviewers assigned to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

DRAFT, SUBMITTED, SCORED = "draft", "submitted", "scored"
ACCEPTED, WAITLISTED, REJECTED, WITHDRAWN = "accepted", "waitlisted", "rejected", "withdrawn"
STATUSES = (DRAFT, SUBMITTED, SCORED, ACCEPTED, WAITLISTED, REJECTED, WITHDRAWN)
DECISIONS = (ACCEPTED, WAITLISTED, REJECTED)
# Still open: the applicant may withdraw; a coordinator may (re)decide a waitlisted one.
OPEN = (DRAFT, SUBMITTED, SCORED, WAITLISTED)
# Rounds of review: two independent reviewers, and a third when they disagree.
FIRST, SECOND, THIRD = 1, 2, 3
SUBJECT_TYPE = "screening_sample"  # Assessment.subject_type for a written sample answer


class Application(db.Model):
    """One attempt at the screening by one applicant: answers, automatic scores, decision."""

    __tablename__ = "screening_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="SET NULL"),
                                                       index=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    background: Mapped[dict] = mapped_column(JSON, default=dict)  # question key -> answer
    scale_answers: Mapped[dict] = mapped_column(JSON, default=dict)  # item key -> 1..5
    vignette_answers: Mapped[dict] = mapped_column(JSON, default=dict)  # vignette key -> option key
    scale_scores: Mapped[dict] = mapped_column(JSON, default=dict)  # dimension -> mean 1..5
    vignette_score: Mapped[int | None]
    vignette_max: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    scored_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_message: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None]

    user = relationship("User", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    institution = relationship("Institution")
    sample_answers: Mapped[list[SampleAnswer]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="SampleAnswer.id")
    reviews: Mapped[list[Review]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Review.round")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_decided(self) -> bool:
        return self.status in DECISIONS

    def sample_answer(self, key: str) -> SampleAnswer | None:
        return next((answer for answer in self.sample_answers if answer.sample_key == key), None)

    def review(self, round_: int) -> Review | None:
        return next((review for review in self.reviews if review.round == round_), None)


class SampleAnswer(db.Model):
    """The applicant's free reply to one written chat sample, and its final rubric scores."""

    __tablename__ = "screening_sample_answers"
    __table_args__ = (UniqueConstraint("application_id", "sample_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("screening_applications.id", ondelete="CASCADE"),
                                                index=True)
    sample_key: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text, default="")
    # criterion key -> the median of the reviewers' levels, once the reviews settle it
    final_scores: Mapped[dict | None] = mapped_column(JSON)

    application: Mapped[Application] = relationship(back_populates="sample_answers")


class Review(db.Model):
    """A reviewer assigned by a coordinator to score an application's written samples."""

    __tablename__ = "screening_reviews"
    __table_args__ = (UniqueConstraint("application_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("screening_applications.id", ondelete="CASCADE"),
                                                index=True)
    round: Mapped[int] = mapped_column(default=FIRST)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    application: Mapped[Application] = relationship(back_populates="reviews")
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None
