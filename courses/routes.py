"""Course pages: the trainee's course, lessons, quizzes, assignments and calibration; the trainer's
cohorts (matrix, enrolment, sessions, CSV) and reviews. Thin: rules live in courses.services."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.assessment import get_rubric
from app.cohorts import Cohort
from app.content import render_markdown
from app.extensions import db
from app.formtools import choices
from app.permissions import authorize, can, login_required, roles_required
from courses import forms, services
from courses.content import LANGUAGES, lesson_markdown, prompt_markdown
from courses.models import AssignmentSubmission, QuizAttempt
from courses.quiz import AnswerRefused, field_name

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates",
               static_folder="static", static_url_path="/static")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def current_lang() -> str:
    code = str(get_locale() or "nl")[:2]
    return code if code in LANGUAGES else "nl"


@bp.app_template_filter("loc")
def localised(value: dict | None, lang: str | None = None) -> str:
    """`{nl: ..., en: ...}` in the language being read."""
    if not value:
        return ""
    return value.get(lang or current_lang()) or value.get("nl") or ""


@bp.app_template_filter("prompt")
def render_prompt(text: str):
    """An assignment prompt or guidance as safe HTML, each quoted chat line on its own."""
    return render_markdown(prompt_markdown(text or ""))


@bp.app_context_processor
def _course_helpers():
    return {"quiz_field": field_name}


# --- lookups -------------------------------------------------------------------------------
def _course(course_key: str):
    found = services.course(course_key)
    if found is None:
        abort(404)
    authorize("take_course", found)
    return found


def _module(course_key: str, module_key: str):
    the_course = _course(course_key)
    module = the_course.module(module_key)
    if module is None:
        abort(404)
    return the_course, module


def _cohort(cohort_id: int, action: str = "view_cohort") -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    authorize(action, cohort)
    return cohort


def _dimension_labels() -> dict[str, str]:
    return {
        "cultural_empathy": _("Cultural empathy"), "open_mindedness": _("Open-mindedness"),
        "social_initiative": _("Social initiative"), "emotional_stability": _("Emotional stability"),
        "flexibility": _("Flexibility"),
    }


# --- the trainee's side --------------------------------------------------------------------
@bp.route("/")
@login_required
def index():
    mine = [(c, services.progress_for(current_user, c)) for c in services.courses().values()
            if services.may_take(current_user, c)]
    waiting = len(services.submissions_to_review(current_user)) if current_user.has_role("trainer", "admin") else 0
    return render_template("courses/index.html", mine=mine, waiting=waiting)


@bp.route("/<course_key>/")
@login_required
def course(course_key: str):
    the_course = _course(course_key)
    progress = services.progress_for(current_user, the_course)
    suggested = services.suggested_lessons(current_user, the_course)
    suggested_keys: dict[str, list[str]] = {}
    for module_key, lesson_key in suggested:
        suggested_keys.setdefault(module_key, []).append(lesson_key)
    calibration = services.calibration_summary(current_user, the_course.key) if the_course.calibration else None
    return render_template("courses/course.html", course=the_course, progress=progress, suggested_keys=suggested_keys,
                           next=progress.next_step(), calibration=calibration,
                           min_transcripts=services.CALIBRATION_MIN_TRANSCRIPTS,
                           max_mean=services.CALIBRATION_MAX_MEAN)


@bp.route("/<course_key>/<module_key>/")
@login_required
def module(course_key: str, module_key: str):
    the_course, the_module = _module(course_key, module_key)
    progress = services.progress_for(current_user, the_course)
    module_progress = next(m for m in progress.modules if m.module.key == the_module.key)
    return render_template("courses/module.html", course=the_course, module=the_module, mp=module_progress,
                           reads=progress.records.reads, suggested=services.suggested_lessons(current_user, the_course))


@bp.route("/<course_key>/<module_key>/<lesson_key>")
@login_required
def lesson(course_key: str, module_key: str, lesson_key: str):
    the_course, the_module = _module(course_key, module_key)
    the_lesson = the_module.lesson(lesson_key)
    if the_lesson is None:
        abort(404)
    text_lang = request.args.get("text", "")
    text_lang = text_lang if text_lang in LANGUAGES else current_lang()
    body = render_markdown(lesson_markdown(the_lesson.body[text_lang], services.organisations()))
    position = the_module.lessons.index(the_lesson)
    following = the_module.lessons[position + 1] if position + 1 < len(the_module.lessons) else None
    return render_template("courses/lesson.html", course=the_course, module=the_module, lesson=the_lesson,
                           body=body, text_lang=text_lang, following=following, position=position + 1,
                           read=services.is_read(current_user, the_course, the_module, the_lesson),
                           suggested=(the_module.key, the_lesson.key) in services.suggested_lessons(current_user, the_course))


@bp.route("/<course_key>/<module_key>/<lesson_key>/read", methods=["POST"])
@login_required
def mark_read(course_key: str, module_key: str, lesson_key: str):
    the_course, the_module = _module(course_key, module_key)
    the_lesson = the_module.lesson(lesson_key)
    if the_lesson is None:
        abort(404)
    services.mark_read(current_user, the_course, the_module, the_lesson)
    position = the_module.lessons.index(the_lesson)
    if position + 1 < len(the_module.lessons):
        following = the_module.lessons[position + 1]
        return redirect(url_for("courses.lesson", course_key=the_course.key, module_key=the_module.key,
                                lesson_key=following.key))
    flash(_("All lessons of this module read. Next: the quiz."), "success")
    return redirect(url_for("courses.module", course_key=the_course.key, module_key=the_module.key))


@bp.route("/<course_key>/<module_key>/quiz")
@login_required
def quiz(course_key: str, module_key: str):
    the_course, the_module = _module(course_key, module_key)
    if the_module.quiz is None:
        abort(404)
    tries = services.attempts(current_user, the_course, the_module)
    open_attempt = next((a for a in tries if not a.is_submitted), None)
    submitted = [a for a in tries if a.is_submitted]
    return render_template("courses/quiz.html", course=the_course, module=the_module, quiz=the_module.quiz,
                           attempt=open_attempt, submitted=submitted,
                           best=max((a.score or 0 for a in submitted), default=None),
                           left=max(0, the_module.quiz.max_attempts - len(submitted)),
                           refused_questions=())


@bp.route("/<course_key>/<module_key>/quiz/start", methods=["POST"])
@login_required
def quiz_start(course_key: str, module_key: str):
    the_course, the_module = _module(course_key, module_key)
    try:
        services.start_attempt(current_user, the_course, the_module)
    except services.CourseError as error:
        flash(str(error), "error")
    return redirect(url_for("courses.quiz", course_key=the_course.key, module_key=the_module.key))


def _own_attempt(the_course, the_module, attempt_id: int) -> QuizAttempt:
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.course_key != the_course.key or attempt.module_key != the_module.key:
        abort(404)
    if attempt.user_id != current_user.id:
        abort(403)
    return attempt


@bp.route("/<course_key>/<module_key>/quiz/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def quiz_attempt(course_key: str, module_key: str, attempt_id: int):
    the_course, the_module = _module(course_key, module_key)
    if the_module.quiz is None:
        abort(404)
    attempt = _own_attempt(the_course, the_module, attempt_id)
    if request.method == "POST":
        try:
            services.submit_attempt(attempt, the_course, the_module, request.form)
        except AnswerRefused as refused:
            flash(_(refused.message), "error")
            if not refused.tampered:
                return _quiz_again(the_course, the_module, attempt, refused.questions), 422
            return redirect(url_for("courses.quiz", course_key=the_course.key, module_key=the_module.key)), 303
        except services.CourseError as error:
            flash(str(error), "error")
        return redirect(url_for("courses.quiz_attempt", course_key=the_course.key, module_key=the_module.key,
                                attempt_id=attempt.id))
    if not attempt.is_submitted:
        return redirect(url_for("courses.quiz", course_key=the_course.key, module_key=the_module.key))
    submitted = [a for a in services.attempts(current_user, the_course, the_module) if a.is_submitted]
    return render_template("courses/quiz_result.html", course=the_course, module=the_module, quiz=the_module.quiz,
                           attempt=attempt, best=max((a.score or 0 for a in submitted), default=None),
                           left=max(0, the_module.quiz.max_attempts - len(submitted)),
                           pass_mark=the_course.quiz_pass_mark)


def _quiz_again(the_course, the_module, attempt, questions):
    """The open attempt again, with what was filled in, marking the questions to look at."""
    tries = services.attempts(current_user, the_course, the_module)
    submitted = [a for a in tries if a.is_submitted]
    return render_template("courses/quiz.html", course=the_course, module=the_module, quiz=the_module.quiz,
                           attempt=attempt, submitted=submitted,
                           best=max((a.score or 0 for a in submitted), default=None),
                           left=max(0, the_module.quiz.max_attempts - len(submitted)),
                           refused_questions=questions, given=request.form)


@bp.route("/<course_key>/<module_key>/assignments/<assignment_key>", methods=["GET", "POST"])
@login_required
def assignment(course_key: str, module_key: str, assignment_key: str):
    the_course, the_module = _module(course_key, module_key)
    the_assignment = the_module.assignment(assignment_key)
    if the_assignment is None:
        abort(404)
    form = forms.AssignmentForm()
    if form.validate_on_submit():
        try:
            services.hand_in(current_user, the_course, the_module, the_assignment, form.text.data)
        except services.CourseError as error:
            flash(str(error), "error")
        else:
            flash(_("Handed in. Your trainer will read it and approve it or return it with comments."), "success")
            return redirect(url_for("courses.assignment", course_key=the_course.key, module_key=the_module.key,
                                    assignment_key=the_assignment.key))
    history = db.session.scalars(
        db.select(AssignmentSubmission).where(
            AssignmentSubmission.user_id == current_user.id, AssignmentSubmission.course_key == the_course.key,
            AssignmentSubmission.module_key == the_module.key,
            AssignmentSubmission.assignment_key == the_assignment.key,
        ).order_by(AssignmentSubmission.submitted_at.desc(), AssignmentSubmission.id.desc())
    ).all()
    latest = history[0] if history else None
    if latest is not None and latest.status == "returned" and not form.text.data:
        form.text.data = latest.text
    may_hand_in = latest is None or latest.status == "returned"
    return render_template("courses/assignment.html", course=the_course, module=the_module,
                           assignment=the_assignment, form=form, history=history, may_hand_in=may_hand_in)


# --- calibration ---------------------------------------------------------------------------
@bp.route("/<course_key>/calibration")
@login_required
def calibration(course_key: str):
    the_course = _course(course_key)
    if not the_course.calibration:
        abort(404)
    return render_template("courses/calibration.html", course=the_course,
                           scores=services.calibration_scores(current_user, the_course.key),
                           summary=services.calibration_summary(current_user, the_course.key),
                           min_transcripts=services.CALIBRATION_MIN_TRANSCRIPTS,
                           max_mean=services.CALIBRATION_MAX_MEAN)


@bp.route("/<course_key>/calibration/<transcript_key>", methods=["GET", "POST"])
@login_required
def calibration_transcript(course_key: str, transcript_key: str):
    the_course = _course(course_key)
    transcript = the_course.transcript(transcript_key)
    if transcript is None:
        abort(404)
    rubric = get_rubric(transcript.rubric)
    scored = services.calibration_scores(current_user, the_course.key).get(transcript.key)
    status = 200
    if request.method == "POST" and scored is None:
        given = {c.key: request.form.get(f"score-{c.key}", "") for c in rubric.criteria}
        try:
            scored = services.score_transcript(current_user, the_course, transcript, given)
        except services.CourseError as error:
            flash(str(error), "error")
            status = 422
        else:
            return redirect(url_for("courses.calibration_transcript", course_key=the_course.key,
                                    transcript_key=transcript.key))
    elif request.method == "POST":
        flash(_("You have scored this transcript already."), "error")
    return render_template("courses/calibration_transcript.html", course=the_course, transcript=transcript,
                           rubric=rubric, scored=scored,
                           summary=services.calibration_summary(current_user, the_course.key),
                           min_transcripts=services.CALIBRATION_MIN_TRANSCRIPTS,
                           max_mean=services.CALIBRATION_MAX_MEAN, given=request.form), status


# --- the trainer's side --------------------------------------------------------------------
@bp.route("/cohorts")
@roles_required("trainer", "coordinator")
def cohorts():
    return render_template("courses/cohorts.html", cohorts=services.cohorts_for_staff(current_user),
                           courses=services.courses())


@bp.route("/cohorts/new", methods=["GET", "POST"])
@roles_required("trainer")
def cohort_new():
    form = forms.CohortForm()
    form.course.choices = choices((c.key, localised(c.title)) for c in services.courses().values())
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(current_user, name=form.name.data, course_key=form.course.data,
                                            starts_on=form.starts_on.data)
        except services.CourseError as error:
            flash(str(error), "error")
        else:
            flash(_("Cohort created. Now plan its sessions and enrol trainees from the intake list."), "success")
            return redirect(url_for("courses.cohort", cohort_id=cohort.id))
    return render_template("courses/cohort_new.html", form=form)


def _cohort_page(cohort: Cohort, enrol_form=None, session_form=None, status: int = 200):
    the_course, rows, expected = services.matrix(cohort)
    if enrol_form is None:
        enrol_form = forms.EnrolForm()
    intake = services.intake_for(cohort, current_user)
    enrol_form.person.choices = choices([(0, _("Choose…"))] + [
        (entry.user_id, f"{entry.user.display_name} ({entry.user.email})") for entry in intake])
    return render_template("courses/cohort.html", cohort=cohort, course=the_course, rows=rows, expected=expected,
                           enrol_form=enrol_form, session_form=session_form or forms.SessionForm(),
                           intake=intake, may_manage=can(current_user, "manage_cohort", cohort),
                           dimension_labels=_dimension_labels()), status


@bp.route("/cohorts/<int:cohort_id>")
@roles_required("trainer", "coordinator")
def cohort(cohort_id: int):
    return _cohort_page(_cohort(cohort_id))


@bp.route("/cohorts/<int:cohort_id>/enrol", methods=["POST"])
@roles_required("trainer")
def cohort_enrol(cohort_id: int):
    the_cohort = _cohort(cohort_id, "manage_cohort")
    form = forms.EnrolForm()
    if form.validate_on_submit() and form.person.data:
        try:
            member = services.enrol_trainee(the_cohort, form.person.data, current_user)
        except services.CourseError as error:
            flash(str(error), "error")
            return _cohort_page(the_cohort, enrol_form=form, status=422)
        flash(_("%(name)s is enrolled.", name=member.user.display_name), "success")
        return redirect(url_for("courses.cohort", cohort_id=the_cohort.id))
    flash(_("Choose someone from the intake list."), "error")
    return _cohort_page(the_cohort, enrol_form=form, status=422)


@bp.route("/cohorts/<int:cohort_id>/sessions", methods=["POST"])
@roles_required("trainer")
def cohort_session(cohort_id: int):
    the_cohort = _cohort(cohort_id, "manage_cohort")
    form = forms.SessionForm()
    if form.validate_on_submit():
        local = datetime.combine(form.day.data, form.time.data).replace(tzinfo=AMSTERDAM)
        services.add_session(the_cohort, starts_at=local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None),
                             topic=form.topic.data or "")
        flash(_("Session added."), "success")
        return redirect(url_for("courses.cohort", cohort_id=the_cohort.id))
    return _cohort_page(the_cohort, session_form=form, status=422)


@bp.route("/cohorts/<int:cohort_id>/matrix.csv")
@roles_required("trainer", "coordinator")
def cohort_csv(cohort_id: int):
    the_cohort = _cohort(cohort_id)
    the_course, rows, expected = services.matrix(the_cohort)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    modules = the_course.modules if the_course else ()
    header = ["trainee", "email", "modules_done", "expected_by_now", "behind", "last_activity"]
    for m in modules:
        header += [f"{m.key}:read", f"{m.key}:quiz_best", f"{m.key}:quiz_attempts", f"{m.key}:assignments"]
    writer.writerow(header)
    for row in rows:
        line = [_csv_safe(row.user.display_name), row.user.email, row.progress.modules_done, expected,
                "yes" if row.behind else "no",
                row.progress.records.last_activity.isoformat(timespec="minutes") if row.progress.records.last_activity else ""]
        for mp in row.progress.modules:
            line += [f"{mp.read}/{mp.lessons}", "" if mp.best_score is None else mp.best_score, mp.attempts_used,
                     mp.assignment_state]
        writer.writerow(line)
    filename = f"cohort-{the_cohort.id}-progress.csv"
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


def _csv_safe(value: str) -> str:
    """Names typed by people must not run as formulas in a spreadsheet."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@bp.route("/reviews")
@roles_required("trainer")
def reviews():
    return render_template("courses/reviews.html", waiting=services.submissions_to_review(current_user),
                           courses=services.courses())


@bp.route("/reviews/<int:submission_id>", methods=["GET", "POST"])
@roles_required("trainer")
def review(submission_id: int):
    submission = db.session.get(AssignmentSubmission, submission_id)
    if submission is None:
        abort(404)
    authorize("review_assignment", submission)
    the_course = services.course(submission.course_key)
    the_module = the_course.module(submission.module_key) if the_course else None
    the_assignment = the_module.assignment(submission.assignment_key) if the_module else None
    if the_assignment is None:
        abort(404)
    form = forms.ReviewForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.review(current_user, submission, approve=bool(form.approve.data), comments=form.comments.data)
        except services.CourseError as error:
            flash(str(error), "error")
            status = 422
        else:
            flash(_("Approved.") if submission.status == "approved" else _("Returned with your comments."), "success")
            return redirect(url_for("courses.reviews"))
    elif request.method == "POST":
        status = 422
    author = db.session.get(User, submission.user_id)
    return render_template("courses/review.html", submission=submission, course=the_course, module=the_module,
                           assignment=the_assignment, form=form, author=author), status


__all__ = ["bp"]
