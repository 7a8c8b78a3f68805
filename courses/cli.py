"""`flask courses check` and `flask courses load`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.contentfiles import ContentErrors
from courses.content import CONTENT_DIR, ORGANISATIONS_DIR, forget_cached_courses, load_courses

courses_cli = AppGroup("courses", help="Course content: validate and load the files in courses/content/.")


def _read():
    config = current_app.config
    return load_courses(config.get("COURSES_CONTENT_DIR", CONTENT_DIR),
                        organisations_dir=config.get("COURSES_ORGANISATIONS_DIR", ORGANISATIONS_DIR))


@courses_cli.command("check")
def check_command() -> None:
    """Validate every course file; list each problem as file:line and exit 1 if there is any."""
    try:
        found = _read()
    except ContentErrors as errors:
        for error in errors.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"{len(errors.errors)} problem(s) in the course files") from None
    for course in found.values():
        lessons = sum(len(m.lessons) for m in course.modules)
        questions = sum(len(m.quiz.questions) for m in course.modules if m.quiz)
        assignments = sum(len(m.assignments) for m in course.modules)
        click.echo(f"{course.key}: {len(course.modules)} modules, {lessons} lessons, {questions} quiz questions, "
                   f"{assignments} assignments, {len(course.calibration)} calibration transcripts")
    click.echo("Course files are valid.")


@courses_cli.command("load")
def load_command() -> None:
    """Validate, then bring the course catalogue in the database in line with the files (safe to repeat).

    Progress is kept on course, module and lesson keys: a changed lesson keeps everyone's progress.
    """
    from courses.services import load_catalogue

    try:
        found = _read()
    except ContentErrors as errors:
        for error in errors.errors:
            click.echo(str(error), err=True)
        raise click.ClickException("nothing loaded: fix the course files first") from None
    report = load_catalogue(found)
    forget_cached_courses()
    click.echo(f"Loaded {len(found)} courses: {report.added} added, {report.changed} changed, "
               f"{report.unchanged} unchanged, {report.retired} retired.")
