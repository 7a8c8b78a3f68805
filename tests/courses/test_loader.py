"""The loader names file and line for every problem; `flask courses load` is safe to repeat."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.contentfiles import ContentErrors
from app.extensions import db
from courses.content import forget_cached_courses, load_courses
from courses.models import CourseItem, LessonRead


def _errors(root) -> str:
    with pytest.raises(ContentErrors) as raised:
        load_courses(root)
    return str(raised.value)


def _replace(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_a_missing_lesson_file_is_named_with_the_module_line(content_copy):
    module = content_copy / "counsellor" / "01-online-communiceren"
    (module / "02-tempo-en-stiltes.en.md").unlink()
    line = _line(module / "module.yml", "key: 02-tempo-en-stiltes")
    assert f"{module / 'module.yml'}:{line}: lesson '02-tempo-en-stiltes' has no 02-tempo-en-stiltes.en.md" \
        in _errors(content_copy)


def test_a_quiz_answer_that_names_no_option_is_reported(content_copy):
    quiz = content_copy / "counsellor" / "01-online-communiceren" / "quiz.yml"
    _replace(quiz, "    correct: b\n", "    correct: z\n")
    line = _line(quiz, "key: q1")
    assert f"{quiz}:{line}: question q1: 'correct' must be one option key" in _errors(content_copy)


def test_missing_feedback_and_a_missing_language_are_reported(content_copy):
    quiz = content_copy / "trainer" / "01-volwassenen-leren" / "quiz.yml"
    text = quiz.read_text(encoding="utf-8")
    start = text.index("    feedback:")
    end = text.index("  - key: q2")
    quiz.write_text(text[:start] + text[end:], encoding="utf-8")
    assert "'feedback' is missing (needs nl and en)" in _errors(content_copy)


def test_an_unknown_organisation_and_a_missing_practise_section_are_reported(content_copy):
    lesson = content_copy / "counsellor" / "04-problemen-en-doorverwijzen" / "02-de-sociale-kaart.nl.md"
    text = lesson.read_text(encoding="utf-8").replace("## Oefenen", "## Verder")
    lesson.write_text(text + "\nZie [[org:bestaat-niet]].\n", encoding="utf-8")
    errors = _errors(content_copy)
    assert f"{lesson}:" in errors and "unknown organisation [[org:bestaat-niet]]" in errors
    assert "a lesson ends with the section '## Oefenen'" in errors


def test_broken_yaml_names_the_line(content_copy):
    module = content_copy / "trainer" / "02-rollenspel-simulaties" / "module.yml"
    _replace(module, "lessons:\n", "lessons: [\n")
    assert f"{module}:" in _errors(content_copy) and "invalid YAML" in _errors(content_copy)


def test_a_lesson_outside_the_word_range_is_reported(content_copy):
    lesson = content_copy / "trainer" / "04-coachen-interculturele-groepen" / "01-een-gemengde-groep.en.md"
    lesson.write_text("Too short.\n\n## Practise\n\nWrite.\n", encoding="utf-8")
    assert f"{lesson}:1: 4 words; a lesson has 400-900 words per language" in _errors(content_copy)


def test_a_calibration_reference_must_cover_every_criterion(content_copy):
    path = content_copy / "trainer" / "calibration" / "01-schoolfeest.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  risk:\n")
    end = text.index("  writing:\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert f"{path}" in _errors(content_copy) and "reference has no score for criterion 'risk'" in _errors(content_copy)


def test_check_lists_every_problem_and_fails(app, runner, content_copy):
    (content_copy / "counsellor" / "01-online-communiceren" / "01-chatten-zonder-gezicht.nl.md").unlink()
    app.config["COURSES_CONTENT_DIR"] = content_copy
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 1
    assert "01-chatten-zonder-gezicht.nl.md" in result.output and "problem(s) in the course files" in result.output


def test_load_is_idempotent_and_a_changed_lesson_keeps_progress(app, runner, content_copy, make_user):
    app.config["COURSES_CONTENT_DIR"] = content_copy
    try:
        first = runner.invoke(args=["courses", "load"])
        assert first.exit_code == 0, first.output
        assert "2 courses" in first.output and "0 changed, 0 unchanged" in first.output
        count = db.session.scalar(select(func.count()).select_from(CourseItem))
        again = runner.invoke(args=["courses", "load"])
        assert ", 0 added, 0 changed" in again.output.replace("courses:", "courses,")
        assert db.session.scalar(select(func.count()).select_from(CourseItem)) == count

        trainee = make_user("trainee")
        db.session.add(LessonRead(user_id=trainee.id, course_key="counsellor", module_key="online-communiceren",
                                  lesson_key="01-chatten-zonder-gezicht", digest="old"))
        db.session.commit()
        lesson = content_copy / "counsellor" / "01-online-communiceren" / "01-chatten-zonder-gezicht.nl.md"
        _replace(lesson, "## Oefenen", "Een extra zin die de les beter maakt.\n\n## Oefenen")
        changed = runner.invoke(args=["courses", "load"])
        assert "0 added, 1 changed" in changed.output, changed.output
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(LessonRead)) == 1
        item = db.session.scalar(select(CourseItem).where(CourseItem.item_key == "01-chatten-zonder-gezicht"))
        assert not item.retired
    finally:
        forget_cached_courses()
