"""What people do in a course: lessons read, quiz attempts, assignments handed in, calibration.

Progress is keyed on the course, module and lesson keys from the content files, never on row
ids of loaded content, so that reloading changed lessons keeps everyone's progress.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class CourseItem(db.Model):
    """The catalogue `flask courses load` keeps: one row per module, lesson, quiz or assignment."""

    __tablename__ = "course_items"
    __table_args__ = (UniqueConstraint("course_key", "module_key", "kind", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_key: Mapped[str] = mapped_column(String(40))
    module_key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))  # module | lesson | quiz | assignment | calibration
    item_key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    title_nl: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    digest: Mapped[str] = mapped_column(String(64), default="")
    retired: Mapped[bool] = mapped_column(default=False)  # gone from the files; progress stays
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonRead(db.Model):
    __tablename__ = "lesson_reads"
    __table_args__ = (UniqueConstraint("user_id", "course_key", "module_key", "lesson_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_key: Mapped[str] = mapped_column(String(40))
    module_key: Mapped[str] = mapped_column(String(80))
    lesson_key: Mapped[str] = mapped_column(String(80))
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
    digest: Mapped[str] = mapped_column(String(64), default="")  # the text version that was read


class QuizAttempt(db.Model):
    """One attempt at a module quiz: the order shown, the answers, and the server's grading."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_user_module", "user_id", "course_key", "module_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_key: Mapped[str] = mapped_column(String(40))
    module_key: Mapped[str] = mapped_column(String(80))
    layout: Mapped[dict] = mapped_column(JSON, default=dict)  # question key -> option keys as shown
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    results: Mapped[dict] = mapped_column(JSON, default=dict)  # question key -> true/false
    score: Mapped[int | None]  # percent
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    user = relationship("User")

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class AssignmentSubmission(db.Model):
    """A trainee's text for an assignment; a trainer approves it or returns it with comments."""

    __tablename__ = "assignment_submissions"
    __table_args__ = (Index("ix_assignment_submissions_user", "user_id", "course_key", "module_key",
                            "assignment_key"),)

    STATES = ("submitted", "approved", "returned")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_key: Mapped[str] = mapped_column(String(40))
    module_key: Mapped[str] = mapped_column(String(80))
    assignment_key: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    comments: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User", foreign_keys=[user_id])
    reviewer = relationship("User", foreign_keys=[reviewer_id])


class CalibrationScore(db.Model):
    """A trainer's scores for one calibration transcript, and the distance to the reference."""

    __tablename__ = "calibration_scores"
    __table_args__ = (UniqueConstraint("user_id", "course_key", "transcript_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_key: Mapped[str] = mapped_column(String(40), default="trainer")
    transcript_key: Mapped[str] = mapped_column(String(80))
    rubric_key: Mapped[str] = mapped_column(String(40), default="chat")
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    differences: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion -> |score - reference|
    mean_difference: Mapped[float]
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)
