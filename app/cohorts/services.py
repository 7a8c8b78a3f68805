"""Cohort rules: the intake list (filled by screening) and enrolment (by trainers)."""

from __future__ import annotations

from sqlalchemy import select

from app.cohorts.models import Cohort, CohortMember, IntakeEntry
from app.extensions import db
from app.timeutil import utcnow


class CohortError(Exception):
    """A rule refused the request; the message is meant for the user."""


def add_to_intake(user, *, course_key: str = "counsellor", source: str = "screening") -> IntakeEntry:
    """Place an accepted person on the intake list of a course (idempotent; caller commits)."""
    entry = db.session.scalar(select(IntakeEntry).where(IntakeEntry.user_id == user.id,
                                                        IntakeEntry.course_key == course_key))
    if entry is None:
        entry = IntakeEntry(user_id=user.id, course_key=course_key, institution_id=user.institution_id,
                            source=source)
        db.session.add(entry)
    return entry


def waiting_intake(course_key: str, institution_id: int | None = None) -> list[IntakeEntry]:
    query = select(IntakeEntry).where(IntakeEntry.course_key == course_key, IntakeEntry.cohort_id.is_(None))
    if institution_id is not None:
        query = query.where(IntakeEntry.institution_id == institution_id)
    return list(db.session.scalars(query.order_by(IntakeEntry.added_at)))


def enrol(cohort: Cohort, user) -> CohortMember:
    """Enrol someone from the intake list of the cohort's course (caller commits)."""
    entry = db.session.scalar(select(IntakeEntry).where(IntakeEntry.user_id == user.id,
                                                        IntakeEntry.course_key == cohort.course_key))
    if entry is None:
        raise CohortError("not on the intake list for this course")
    existing = db.session.scalar(select(CohortMember).where(CohortMember.cohort_id == cohort.id,
                                                            CohortMember.user_id == user.id))
    if existing is not None:
        return existing
    member = CohortMember(cohort=cohort, user_id=user.id)
    db.session.add(member)
    entry.cohort_id = cohort.id
    entry.enrolled_at = utcnow()
    return member


def cohorts_of(user) -> list[Cohort]:
    """The cohorts a trainee belongs to."""
    return list(db.session.scalars(select(Cohort).join(CohortMember).where(CohortMember.user_id == user.id)))
