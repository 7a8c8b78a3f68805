"""Courses: the counsellor course and the train-the-trainer track (engine and content files)."""

from __future__ import annotations

from flask import Flask, has_request_context, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.certification import RequirementResult, register_requirement
from app.dashboard import Panel, register_panel
from app.navigation import NavItem, register_nav
from courses import models as _models  # noqa: F401 - tables for migrations
from courses.cli import courses_cli
from courses.routes import bp, localised


def _(message: str, **values) -> str:
    """Translated in a request; in English elsewhere (certification may ask from a command)."""
    return gettext(message, **values) if has_request_context() else message % values if values else message


def _url(endpoint: str, **values) -> str | None:
    return url_for(endpoint, **values) if has_request_context() else None


def _course_requirement(course_key: str):
    def check(user) -> RequirementResult:
        from courses import services

        the_course = services.course(course_key)
        if the_course is None:
            return RequirementResult(False, _("The course files are missing."))
        progress = services.progress_for(user, the_course)
        evidence = tuple(
            f"{localised(mp.module.title)}: {mp.read}/{mp.lessons}, "
            f"{'-' if mp.best_score is None else str(mp.best_score) + '%'}"
            for mp in progress.modules if mp.done
        )
        if progress.complete:
            return RequirementResult(True, evidence=evidence)
        return RequirementResult(
            False, _("%(done)d of %(total)d modules finished.", done=progress.modules_done,
                     total=len(progress.modules)),
            evidence, _url("courses.course", course_key=course_key))

    return check


def _calibration_requirement(user) -> RequirementResult:
    from courses import services

    summary = services.calibration_summary(user, "trainer")
    evidence = ()
    if summary.scored:
        evidence = (_("%(n)d transcripts scored, mean difference %(mean).2f level per criterion",
                      n=summary.scored, mean=summary.mean_difference),)
    if summary.passed:
        return RequirementResult(True, evidence=evidence)
    if summary.scored < services.CALIBRATION_MIN_TRANSCRIPTS:
        missing = _("Score at least %(n)d sample transcripts.", n=services.CALIBRATION_MIN_TRANSCRIPTS)
    else:
        missing = _("The mean difference to the reference must be at most %(max).1f level.",
                    max=services.CALIBRATION_MAX_MEAN)
    return RequirementResult(False, missing, evidence, _url("courses.calibration", course_key="trainer"))


def _course_panel(user) -> Panel | None:
    from courses import services

    mine = [c for c in services.courses().values() if services.may_take(user, c)]
    if not mine:
        if user.has_role("trainee"):
            return Panel(_("Your course"), _("A trainer enrols you in a cohort from the intake list; then your "
                                             "course appears here."), tone="todo", order=20)
        return None
    the_course = next((c for c in mine if c.key == "counsellor"), mine[0]) if not user.has_role("counsellor") \
        else next((c for c in mine if c.key == "trainer"), mine[0])
    progress = services.progress_for(user, the_course)
    if progress.complete:
        return Panel(localised(the_course.title), _("Completed: every module is finished."),
                     _("Open the course"), url_for("courses.course", course_key=the_course.key), tone="done", order=20)
    return Panel(
        localised(the_course.title),
        _("%(done)d of %(total)d modules finished.", done=progress.modules_done, total=len(progress.modules)),
        _("Continue"), url_for("courses.course", course_key=the_course.key), tone="todo", order=20)


def _review_panel(user) -> Panel | None:
    if not user.has_role("trainer"):
        return None
    from courses import services

    waiting = len(services.submissions_to_review(user))
    return Panel(_("Your cohorts"),
                 _("%(n)d assignments wait for your review.", n=waiting) if waiting
                 else _("Follow your trainees' progress and enrol new ones from the intake list."),
                 _("Open cohorts"), url_for("courses.cohorts"), tone="todo" if waiting else "default", order=25)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(courses_cli)
    register_nav(app, NavItem("courses.index", lambda: _l("Courses"), "roles",
                              ("trainee", "trainer", "counsellor", "coordinator"), order=20))
    register_nav(app, NavItem("courses.cohorts", lambda: _l("Cohorts"), "roles", ("trainer", "coordinator"),
                              order=21))
    register_panel(app, _course_panel)
    register_panel(app, _review_panel)
    register_requirement(app, "counsellor", "course_completed", lambda: _l("Counsellor course completed"),
                         _course_requirement("counsellor"), order=20)
    register_requirement(app, "trainer", "trainer_course_completed",
                         lambda: _l("Train-the-trainer course completed"), _course_requirement("trainer"), order=20)
    register_requirement(app, "trainer", "calibration_passed", lambda: _l("Calibration passed"),
                         _calibration_requirement, order=21)


__all__ = ["bp", "init_app"]
