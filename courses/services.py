"""Course rules: who may take a course, progress and completion, quizzes, assignments, cohorts,
calibration, and loading the catalogue. Handlers call these; nothing here renders a page."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import audit
from app.accounts.services import change_roles
from app.assessment import get_rubric, mean_absolute_difference
from app.cohorts import (
    Cohort,
    CohortError,
    CohortMember,
    CohortSession,
    IntakeEntry,
    enrol,
    waiting_intake,
)
from app.cohorts import weakest_dimensions as profile_weakest_dimensions
from app.extensions import db
from app.permissions import policy
from app.timeutil import utcnow
from courses.content import (
    CONTENT_DIR,
    ORGANISATIONS_DIR,
    Assignment,
    CalibrationTranscript,
    Course,
    Lesson,
    Module,
    get_courses,
    load_organisations,
)
from courses.models import (
    AssignmentSubmission,
    CalibrationScore,
    CourseItem,
    LessonRead,
    QuizAttempt,
)
from courses.quiz import AnswerRefused, grade, new_layout, read_answers

# Who may follow a course without being enrolled in a cohort for it.
OPEN_TO_ROLES = {"counsellor": ("trainer",), "trainer": ("counsellor", "trainer")}
CALIBRATION_MIN_TRANSCRIPTS = 3
CALIBRATION_MAX_MEAN = 0.5
MAX_ASSIGNMENT_TEXT = 10_000
MAX_COMMENTS = 4_000


class CourseError(Exception):
    """A rule refused the request; the message is meant for the user."""


# --- content -------------------------------------------------------------------------------
def courses() -> dict[str, Course]:
    config = current_app.config
    return get_courses(config.get("COURSES_CONTENT_DIR", CONTENT_DIR),
                       config.get("COURSES_ORGANISATIONS_DIR", ORGANISATIONS_DIR))


def course(key: str) -> Course | None:
    return courses().get(key)


def organisations() -> dict[str, dict]:
    return load_organisations(Path(current_app.config.get("COURSES_ORGANISATIONS_DIR", ORGANISATIONS_DIR)))


# --- access --------------------------------------------------------------------------------
def cohort_ids_for(user, course_key: str) -> list[int]:
    return list(db.session.scalars(
        select(Cohort.id).join(CohortMember).where(CohortMember.user_id == user.id, Cohort.course_key == course_key)
    ))


def may_take(user, the_course: Course) -> bool:
    """Enrolled in a cohort of this course, or in a role the course is open to (admins always)."""
    if user is None or not user.is_authenticated:
        return False
    if user.has_role("admin", *OPEN_TO_ROLES.get(the_course.key, ())):
        return True
    return bool(cohort_ids_for(user, the_course.key))


@policy("take_course")
def _may_take_course(user, the_course: Course) -> bool:
    return may_take(user, the_course)


@policy("manage_cohort")
def _may_manage_cohort(user, cohort: Cohort) -> bool:
    return user.has_role("admin") or (user.has_role("trainer") and cohort.trainer_id == user.id)


@policy("view_cohort")
def _may_view_cohort(user, cohort: Cohort) -> bool:
    if _may_manage_cohort(user, cohort):
        return True
    return user.has_role("coordinator") and user.institution_id is not None \
        and user.institution_id == cohort.institution_id


@policy("review_assignment")
def _may_review(user, submission: AssignmentSubmission) -> bool:
    """The trainer of a cohort the author is in; without a cohort, a trainer of their institution."""
    if user.has_role("admin"):
        return True
    if not user.has_role("trainer") or user.id == submission.user_id:
        return False
    trainers = set(db.session.scalars(
        select(Cohort.trainer_id).join(CohortMember)
        .where(CohortMember.user_id == submission.user_id, Cohort.course_key == submission.course_key)
    ))
    if trainers:
        return user.id in trainers
    author = submission.user
    return author is not None and author.institution_id is not None and author.institution_id == user.institution_id


# --- progress ------------------------------------------------------------------------------
@dataclass
class Records:
    """Everything one person did in one course, read in a few queries."""

    reads: set[tuple[str, str]] = field(default_factory=set)  # (module, lesson)
    best: dict[str, int] = field(default_factory=dict)  # module -> best quiz score
    attempts: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # module -> submitted
    submissions: dict[tuple[str, str], AssignmentSubmission] = field(default_factory=dict)  # latest
    last_activity: datetime | None = None

    def seen(self, moment: datetime | None) -> None:
        if moment is not None and (self.last_activity is None or moment > self.last_activity):
            self.last_activity = moment


def records_for(user_ids: list[int], course_key: str) -> dict[int, Records]:
    found = {uid: Records() for uid in user_ids}
    if not user_ids:
        return found
    for read in db.session.scalars(select(LessonRead).where(LessonRead.user_id.in_(user_ids),
                                                            LessonRead.course_key == course_key)):
        found[read.user_id].reads.add((read.module_key, read.lesson_key))
        found[read.user_id].seen(read.read_at)
    for attempt in db.session.scalars(select(QuizAttempt).where(
            QuizAttempt.user_id.in_(user_ids), QuizAttempt.course_key == course_key,
            QuizAttempt.submitted_at.is_not(None))):
        rec = found[attempt.user_id]
        rec.attempts[attempt.module_key] += 1
        rec.best[attempt.module_key] = max(rec.best.get(attempt.module_key, 0), attempt.score or 0)
        rec.seen(attempt.submitted_at)
    for sub in db.session.scalars(select(AssignmentSubmission).where(
            AssignmentSubmission.user_id.in_(user_ids), AssignmentSubmission.course_key == course_key)
            .order_by(AssignmentSubmission.submitted_at, AssignmentSubmission.id)):
        found[sub.user_id].submissions[(sub.module_key, sub.assignment_key)] = sub
        found[sub.user_id].seen(sub.submitted_at)
    return found


@dataclass
class ModuleProgress:
    module: Module
    read: int
    lessons: int
    best_score: int | None
    attempts_used: int
    quiz_passed: bool
    assignments: list[tuple[Assignment, AssignmentSubmission | None]]
    assignments_done: bool

    @property
    def done(self) -> bool:
        return self.read == self.lessons and self.quiz_passed and self.assignments_done

    @property
    def approved_count(self) -> int:
        return sum(1 for _, sub in self.assignments if sub is not None and sub.status == "approved")

    @property
    def attempts_left(self) -> int:
        return max(0, (self.module.quiz.max_attempts if self.module.quiz else 0) - self.attempts_used)

    @property
    def assignment_state(self) -> str:
        """none | todo | submitted | returned | approved: the least advanced of the module's assignments."""
        if not self.assignments:
            return "none"
        order = ("todo", "returned", "submitted", "approved")
        states = [sub.status if sub else "todo" for _, sub in self.assignments]
        return min(states, key=order.index)


def module_progress(the_course: Course, module: Module, rec: Records) -> ModuleProgress:
    read = sum(1 for lesson in module.lessons if (module.key, lesson.key) in rec.reads)
    best = rec.best.get(module.key)
    quiz_passed = module.quiz is None or (best is not None and best >= the_course.quiz_pass_mark)
    assignments = [(a, rec.submissions.get((module.key, a.key))) for a in module.assignments]
    if the_course.assignments_approved:
        done = all(sub is not None and sub.status == "approved" for _, sub in assignments)
    else:
        done = all(sub is not None for _, sub in assignments)
    return ModuleProgress(module, read, len(module.lessons), best, rec.attempts.get(module.key, 0),
                          quiz_passed, assignments, done)


@dataclass
class NextStep:
    kind: str  # lesson | quiz | assignment | waiting | done
    module: Module | None = None
    lesson: Lesson | None = None
    assignment: Assignment | None = None


@dataclass
class CourseProgress:
    course: Course
    modules: list[ModuleProgress]
    records: Records

    @property
    def modules_done(self) -> int:
        return sum(1 for m in self.modules if m.done)

    @property
    def complete(self) -> bool:
        return bool(self.modules) and all(m.done for m in self.modules)

    @property
    def percent(self) -> int:
        return (100 * self.modules_done) // len(self.modules) if self.modules else 0

    def next_step(self) -> NextStep:
        """The first thing still to do, in course order."""
        waiting = None
        for progress in self.modules:
            module = progress.module
            for lesson in module.lessons:
                if (module.key, lesson.key) not in self.records.reads:
                    return NextStep("lesson", module, lesson)
            if not progress.quiz_passed and progress.attempts_left:
                return NextStep("quiz", module)
            for assignment, sub in progress.assignments:
                if sub is None or sub.status == "returned":
                    return NextStep("assignment", module, assignment=assignment)
                if sub.status == "submitted" and waiting is None:
                    waiting = NextStep("waiting", module, assignment=assignment)
            if not progress.quiz_passed and waiting is None:
                waiting = NextStep("waiting", module)
        return waiting or NextStep("done")


def progress_for(user, the_course: Course, rec: Records | None = None) -> CourseProgress:
    rec = rec if rec is not None else records_for([user.id], the_course.key)[user.id]
    return CourseProgress(the_course, [module_progress(the_course, m, rec) for m in the_course.modules], rec)


def suggested_lessons(user, the_course: Course, n: int = 2) -> set[tuple[str, str]]:
    """(module, lesson) keys that help with the user's weakest screening dimensions."""
    weakest = set(profile_weakest_dimensions(user, n))
    if not weakest:
        return set()
    return {(m.key, lesson.key) for m, lesson in the_course.lessons if weakest & set(lesson.suggested_for)}


def mark_read(user, the_course: Course, module: Module, lesson: Lesson) -> LessonRead:
    """Record that a lesson was read (once per lesson key; the text version is refreshed)."""
    read = db.session.scalar(select(LessonRead).where(
        LessonRead.user_id == user.id, LessonRead.course_key == the_course.key,
        LessonRead.module_key == module.key, LessonRead.lesson_key == lesson.key))
    if read is None:
        read = LessonRead(user_id=user.id, course_key=the_course.key, module_key=module.key,
                          lesson_key=lesson.key, read_at=utcnow())
        db.session.add(read)
    read.digest = lesson.digest
    db.session.commit()
    return read


def is_read(user, the_course: Course, module: Module, lesson: Lesson) -> bool:
    return db.session.scalar(select(func.count()).select_from(LessonRead).where(
        LessonRead.user_id == user.id, LessonRead.course_key == the_course.key,
        LessonRead.module_key == module.key, LessonRead.lesson_key == lesson.key)) > 0


def course_complete(user, course_key: str) -> bool:
    the_course = course(course_key)
    return the_course is not None and progress_for(user, the_course).complete


# --- quizzes -------------------------------------------------------------------------------
def attempts(user, the_course: Course, module: Module) -> list[QuizAttempt]:
    return list(db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.course_key == the_course.key,
        QuizAttempt.module_key == module.key).order_by(QuizAttempt.started_at, QuizAttempt.id)))


def open_attempt(user, the_course: Course, module: Module) -> QuizAttempt | None:
    return next((a for a in attempts(user, the_course, module) if not a.is_submitted), None)


def start_attempt(user, the_course: Course, module: Module) -> QuizAttempt:
    """A new attempt with freshly shuffled options, unless one is open or none are left."""
    if module.quiz is None:
        raise CourseError(_("This module has no quiz."))
    existing = open_attempt(user, the_course, module)
    if existing is not None:
        return existing
    used = sum(1 for a in attempts(user, the_course, module) if a.is_submitted)
    if used >= module.quiz.max_attempts:
        raise CourseError(_("You have used all %(n)d attempts for this quiz.", n=module.quiz.max_attempts))
    attempt = QuizAttempt(user_id=user.id, course_key=the_course.key, module_key=module.key,
                          layout=new_layout(module.quiz), started_at=utcnow())
    db.session.add(attempt)
    db.session.commit()
    return attempt


def submit_attempt(attempt: QuizAttempt, the_course: Course, module: Module, form) -> QuizAttempt:
    """Grade a submitted form on the server; a refused form changes nothing."""
    if attempt.is_submitted:
        raise CourseError(_("This attempt was submitted already; its result is below."))
    quiz = module.quiz
    if quiz is None or attempt.course_key != the_course.key or attempt.module_key != module.key:
        raise CourseError(_("This attempt does not belong to this quiz."))
    used = db.session.scalar(select(func.count()).select_from(QuizAttempt).where(
        QuizAttempt.user_id == attempt.user_id, QuizAttempt.course_key == the_course.key,
        QuizAttempt.module_key == module.key, QuizAttempt.submitted_at.is_not(None)))
    if used >= quiz.max_attempts:
        raise CourseError(_("You have used all %(n)d attempts for this quiz.", n=quiz.max_attempts))
    answers = read_answers(quiz, attempt.layout or {}, form)
    results, score = grade(quiz, answers)
    # Claim the attempt in the same statement that checks it is open: a double submit counts once.
    claimed = db.session.execute(
        QuizAttempt.__table__.update()
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(answers=answers, results=results, score=score, submitted_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise CourseError(_("This attempt was submitted already; its result is below."))
    db.session.commit()
    db.session.refresh(attempt)
    return attempt


# --- assignments ---------------------------------------------------------------------------
def latest_submission(user, the_course: Course, module: Module, assignment: Assignment) -> AssignmentSubmission | None:
    return db.session.scalar(select(AssignmentSubmission).where(
        AssignmentSubmission.user_id == user.id, AssignmentSubmission.course_key == the_course.key,
        AssignmentSubmission.module_key == module.key, AssignmentSubmission.assignment_key == assignment.key,
    ).order_by(AssignmentSubmission.submitted_at.desc(), AssignmentSubmission.id.desc()).limit(1))


def hand_in(user, the_course: Course, module: Module, assignment: Assignment, text: str) -> AssignmentSubmission:
    text = (text or "").strip()
    if not text:
        raise CourseError(_("Write your answer before you hand it in."))
    if len(text) > MAX_ASSIGNMENT_TEXT:
        raise CourseError(_("Your answer is longer than %(n)d characters.", n=MAX_ASSIGNMENT_TEXT))
    latest = latest_submission(user, the_course, module, assignment)
    if latest is not None and latest.status == "submitted":
        raise CourseError(_("You handed this in already; your trainer has not reviewed it yet."))
    if latest is not None and latest.status == "approved":
        raise CourseError(_("This assignment is approved already."))
    submission = AssignmentSubmission(user_id=user.id, course_key=the_course.key, module_key=module.key,
                                      assignment_key=assignment.key, text=text, submitted_at=utcnow())
    db.session.add(submission)
    db.session.commit()
    return submission


def review(reviewer, submission: AssignmentSubmission, *, approve: bool, comments: str) -> AssignmentSubmission:
    comments = (comments or "").strip()
    if submission.status != "submitted":
        raise CourseError(_("This hand-in was reviewed already."))
    if not approve and not comments:
        raise CourseError(_("Say what to improve when you return an assignment."))
    if len(comments) > MAX_COMMENTS:
        raise CourseError(_("Comments are at most %(n)d characters.", n=MAX_COMMENTS))
    submission.status = "approved" if approve else "returned"
    submission.comments = comments
    submission.reviewer_id = reviewer.id
    submission.reviewed_at = utcnow()
    db.session.commit()
    return submission


def submissions_to_review(reviewer) -> list[AssignmentSubmission]:
    """Hand-ins waiting for this trainer: from their cohorts (admins: all)."""
    query = select(AssignmentSubmission).where(AssignmentSubmission.status == "submitted") \
        .order_by(AssignmentSubmission.submitted_at)
    found = list(db.session.scalars(query))
    from app.permissions import can

    return [s for s in found if can(reviewer, "review_assignment", s)]


# --- cohorts -------------------------------------------------------------------------------
def cohorts_for_staff(user) -> list[Cohort]:
    query = select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    if not user.has_role("admin"):
        if user.has_role("coordinator"):
            query = query.where((Cohort.trainer_id == user.id) | (Cohort.institution_id == user.institution_id))
        else:
            query = query.where(Cohort.trainer_id == user.id)
    return list(db.session.scalars(query))


def create_cohort(trainer, *, name: str, course_key: str, starts_on: date) -> Cohort:
    name = (name or "").strip()
    if not name:
        raise CourseError(_("Give the cohort a name."))
    if course(course_key) is None:
        raise CourseError(_("Choose one of the courses."))
    cohort = Cohort(name=name[:120], course_key=course_key, institution_id=trainer.institution_id,
                    trainer_id=trainer.id, starts_on=starts_on)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def add_session(cohort: Cohort, *, starts_at: datetime, topic: str) -> CohortSession:
    session = CohortSession(cohort=cohort, starts_at=starts_at, topic=(topic or "").strip()[:200])
    db.session.add(session)
    db.session.commit()
    return session


def intake_for(cohort: Cohort, viewer) -> list[IntakeEntry]:
    """Who may be enrolled: the waiting intake list of the course (staff: their institution)."""
    institution = None if viewer.has_role("admin") else viewer.institution_id
    return waiting_intake(cohort.course_key, institution) if institution or viewer.has_role("admin") else []


def enrol_trainee(cohort: Cohort, user_id: int, viewer) -> CohortMember:
    """Enrol someone from the intake list; anyone else (not screened, not accepted) is refused."""
    from app.accounts.models import User

    person = db.session.get(User, user_id) if user_id else None
    if person is None or person.id not in {entry.user_id for entry in intake_for(cohort, viewer)}:
        already = person is not None and db.session.scalar(select(CohortMember.id).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == person.id))
        if already:
            raise CourseError(_("%(name)s is in this cohort already.", name=person.display_name))
        raise CourseError(_("Only people on the intake list can be enrolled: they have passed the screening and "
                            "were accepted. This person is not on the list for this course."))
    try:
        member = enrol(cohort, person)
    except CohortError:
        db.session.rollback()
        raise CourseError(_("Only people on the intake list can be enrolled: they have passed the screening and "
                            "were accepted. This person is not on the list for this course.")) from None
    audit.record("cohort.enrolled", actor=viewer, subject=person, object_type="cohort", object_id=cohort.id,
                 course=cohort.course_key)
    db.session.commit()
    if cohort.course_key == "counsellor" and not person.has_role("trainee"):
        change_roles(viewer, person, add={"trainee"}, reason=f"enrolled in cohort {cohort.id}")
    return member


def expected_modules(cohort: Cohort, module_count: int, now: datetime | None = None) -> int:
    """How many modules a trainee should have finished by now: one per session held so far, or,
    with no sessions planned, one per week since the start date."""
    now = now or utcnow()
    if cohort.sessions:
        held = sum(1 for s in cohort.sessions if s.starts_at <= now)
    else:
        start = datetime.combine(cohort.starts_on, datetime.min.time())
        held = max(0, (now - start).days // 7) if now >= start else 0
    return min(held, module_count)


@dataclass
class MatrixRow:
    user: object
    progress: CourseProgress
    behind: bool
    weakest: list[str]


def matrix(cohort: Cohort, now: datetime | None = None) -> tuple[Course | None, list[MatrixRow], int]:
    the_course = course(cohort.course_key)
    if the_course is None:
        return None, [], 0
    people = [m.user for m in cohort.members]
    recs = records_for([p.id for p in people], the_course.key)
    expected = expected_modules(cohort, len(the_course.modules), now)
    rows = []
    for person in people:
        progress = progress_for(person, the_course, recs[person.id])
        rows.append(MatrixRow(person, progress, progress.modules_done < expected,
                              profile_weakest_dimensions(person, 2)))
    return the_course, rows, expected


# --- calibration ---------------------------------------------------------------------------
def calibration_scores(user, course_key: str = "trainer") -> dict[str, CalibrationScore]:
    return {s.transcript_key: s for s in db.session.scalars(select(CalibrationScore).where(
        CalibrationScore.user_id == user.id, CalibrationScore.course_key == course_key))}


def score_transcript(user, the_course: Course, transcript: CalibrationTranscript, scores: dict) -> CalibrationScore:
    """Store a trainer's scores for a transcript (once) with their distance to the reference."""
    rubric = get_rubric(transcript.rubric)
    try:
        clean = rubric.validate_scores(scores)
    except ValueError:
        raise CourseError(_("Choose a level for every criterion.")) from None
    if transcript.key in calibration_scores(user, the_course.key):
        raise CourseError(_("You have scored this transcript already."))
    differences = mean_absolute_difference(clean, transcript.reference_scores)
    entry = CalibrationScore(user_id=user.id, course_key=the_course.key, transcript_key=transcript.key,
                             rubric_key=rubric.key, scores=clean, differences=differences,
                             mean_difference=sum(differences.values()) / len(differences), scored_at=utcnow())
    db.session.add(entry)
    db.session.commit()
    return entry


@dataclass
class CalibrationSummary:
    scored: int
    mean_difference: float | None

    @property
    def passed(self) -> bool:
        return (self.scored >= CALIBRATION_MIN_TRANSCRIPTS and self.mean_difference is not None
                and self.mean_difference <= CALIBRATION_MAX_MEAN + 1e-9)


def calibration_summary(user, course_key: str = "trainer") -> CalibrationSummary:
    """Mean absolute difference per criterion, averaged over every transcript scored."""
    scores = list(calibration_scores(user, course_key).values())
    if not scores:
        return CalibrationSummary(0, None)
    return CalibrationSummary(len(scores), sum(s.mean_difference for s in scores) / len(scores))


# --- loading the catalogue -----------------------------------------------------------------
def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass
class LoadReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: int = 0


def load_catalogue(found: dict[str, Course]) -> LoadReport:
    """Bring course_items in line with the files; safe to repeat. Progress is keyed on keys and
    is never touched: a changed lesson keeps everyone's reads, a removed one is only retired."""
    report = LoadReport()
    existing = {(i.course_key, i.module_key, i.kind, i.item_key): i for i in db.session.scalars(select(CourseItem))}
    wanted: dict[tuple[str, str, str, str], tuple[int, dict[str, str], str]] = {}
    for the_course in found.values():
        for m_index, module in enumerate(the_course.modules):
            wanted[(the_course.key, module.key, "module", module.key)] = (m_index, module.title, module.folder)
            for l_index, lesson in enumerate(module.lessons):
                wanted[(the_course.key, module.key, "lesson", lesson.key)] = (l_index, lesson.title, lesson.digest)
            for a_index, assignment in enumerate(module.assignments):
                wanted[(the_course.key, module.key, "assignment", assignment.key)] = (
                    a_index, assignment.title, _digest(assignment.prompt["nl"], assignment.prompt["en"], assignment.guidance["nl"],
                            assignment.guidance["en"]))
            if module.quiz is not None:
                wanted[(the_course.key, module.key, "quiz", "quiz")] = (
                    0, module.title, f"{len(module.quiz.questions)}/{module.quiz.max_attempts}")
        for t_index, transcript in enumerate(the_course.calibration):
            wanted[(the_course.key, "calibration", "calibration", transcript.key)] = (
                t_index, transcript.title, ",".join(f"{k}={v}" for k, v in sorted(transcript.reference_scores.items())))
    now = utcnow()
    for key, (position, title, digest) in wanted.items():
        item = existing.get(key)
        if item is None:
            db.session.add(CourseItem(course_key=key[0], module_key=key[1], kind=key[2], item_key=key[3],
                                      position=position, title_nl=title["nl"][:200], title_en=title["en"][:200],
                                      digest=digest, loaded_at=now, changed_at=now))
            report.added += 1
            continue
        new = (position, title["nl"][:200], title["en"][:200], digest, False)
        old = (item.position, item.title_nl, item.title_en, item.digest, item.retired)
        if new != old:
            item.position, item.title_nl, item.title_en, item.digest, item.retired = new
            item.changed_at = now
            report.changed += 1
        else:
            report.unchanged += 1
        item.loaded_at = now
    for key, item in existing.items():
        if key not in wanted and not item.retired:
            item.retired = True
            item.changed_at = now
            report.retired += 1
    db.session.commit()
    return report


__all__ = [
    "AnswerRefused", "CourseError", "add_session", "calibration_summary", "course", "course_complete",
    "courses", "create_cohort", "enrol_trainee", "hand_in", "load_catalogue", "mark_read", "matrix",
    "progress_for", "review", "score_transcript", "start_attempt", "submit_attempt",
]
