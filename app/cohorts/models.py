"""Cohorts: a trainer with a group of trainees, and the intake list they are enrolled from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class Cohort(db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    course_key: Mapped[str] = mapped_column(String(40))  # a course in courses/content/
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="SET NULL"))
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    starts_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution = relationship("Institution")
    trainer = relationship("User", foreign_keys=[trainer_id])
    members: Mapped[list[CohortMember]] = relationship(back_populates="cohort", cascade="all, delete-orphan",
                                                       order_by="CohortMember.id")
    sessions: Mapped[list[CohortSession]] = relationship(back_populates="cohort", cascade="all, delete-orphan",
                                                         order_by="CohortSession.starts_at")

    @property
    def trainees(self):
        return [member.user for member in self.members]


class CohortMember(db.Model):
    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="members")
    user = relationship("User")


class CohortSession(db.Model):
    """A planned meeting of a cohort (online or in person), in order of time."""

    __tablename__ = "cohort_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]  # UTC
    topic: Mapped[str] = mapped_column(String(200), default="")

    cohort: Mapped[Cohort] = relationship(back_populates="sessions")


class IntakeEntry(db.Model):
    """An accepted applicant waiting to be enrolled in a cohort (one entry per person and course)."""

    __tablename__ = "intake_entries"
    __table_args__ = (UniqueConstraint("user_id", "course_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_key: Mapped[str] = mapped_column(String(40), default="counsellor")
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(40), default="screening")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    enrolled_at: Mapped[datetime | None]

    user = relationship("User")
    cohort = relationship("Cohort")
