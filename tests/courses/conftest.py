"""Course fixtures: the loaded courses, a cohort with enrolled trainees, answer forms for quizzes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from app.cohorts import Cohort, add_to_intake, enrol
from app.extensions import db
from courses.content import CONTENT_DIR, Quiz, get_courses
from courses.quiz import field_name


@pytest.fixture(scope="session")
def courses():
    """The real course files, loaded once (the YAML parser is slow)."""
    return get_courses()


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A copy of courses/content to break or change in a test."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


@pytest.fixture
def make_cohort(make_user) -> Callable[..., Cohort]:
    def make(course_key: str = "counsellor", trainer=None, starts_on: date | None = None) -> Cohort:
        trainer = trainer or make_user("counsellor", "trainer")
        cohort = Cohort(name="Voorjaar Rotterdam", course_key=course_key, trainer_id=trainer.id,
                        institution_id=trainer.institution_id, starts_on=starts_on or date(2026, 11, 2))
        db.session.add(cohort)
        db.session.commit()
        return cohort

    return make


@pytest.fixture
def enrolled(make_user, make_cohort) -> Callable[..., object]:
    """enrolled(cohort=None) -> a trainee on the intake list, enrolled in the (new) cohort."""

    def make(cohort: Cohort | None = None, **kwargs):
        cohort = cohort or make_cohort()
        trainee = make_user("applicant", "trainee", **kwargs)
        add_to_intake(trainee, course_key=cohort.course_key)
        enrol(cohort, trainee)
        db.session.commit()
        return trainee

    return make


def answer_form(quiz: Quiz, *, wrong: set[str] = frozenset()) -> dict:
    """A form with the right answer to every question, except the question keys in `wrong`."""
    form: dict = {}
    for q in quiz.questions:
        bad = q.key in wrong
        name = field_name(q)
        if q.type == "single":
            form[name] = next(k for k in q.option_keys if k != q.correct) if bad else q.correct
        elif q.type == "multiple":
            form[name] = [q.correct[0]] if bad and len(q.correct) > 1 else (
                [k for k in q.option_keys if k not in q.correct][:1] if bad else list(q.correct))
        elif q.type == "truefalse":
            form[name] = str(not q.correct if bad else q.correct).lower()
        elif q.type == "ordering":
            order = list(reversed(q.correct)) if bad else list(q.correct)
            for place, key in enumerate(order, start=1):
                form[field_name(q, key)] = str(place)
        else:
            form[name] = "iets heel anders" if bad else q.accepted["nl"][0].upper()
    return form
