"""The course files as content: what issue 10 asks of every module, quiz and calibration chat."""

from __future__ import annotations

import pytest

from app.assessment import get_rubric, mean_absolute_difference
from courses.content import LESSON_WORDS, count_words, shared_runs

COURSES = ("counsellor", "trainer")


def test_flask_courses_check_passes(runner):
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 0, result.output
    assert "Course files are valid." in result.output
    assert "counsellor: 8 modules, 24 lessons" in result.output
    assert "trainer: 4 modules, 12 lessons" in result.output


def test_the_counsellor_course_has_at_least_seven_modules_and_the_trainer_course_four(courses):
    assert len(courses["counsellor"].modules) >= 7
    assert len(courses["trainer"].modules) >= 4
    assert courses["counsellor"].certificate == "counsellor" and courses["trainer"].certificate == "trainer"


@pytest.mark.parametrize("course_key", COURSES)
def test_every_module_has_three_lessons_in_both_languages_within_the_word_range(courses, course_key):
    low, high = LESSON_WORDS
    for module in courses[course_key].modules:
        assert len(module.lessons) >= 3, module.key
        for lesson in module.lessons:
            for lang in ("nl", "en"):
                words = count_words(lesson.body[lang])
                assert low <= words <= high, f"{lesson.paths[lang]}: {words} words"


@pytest.mark.parametrize("course_key", COURSES)
def test_every_module_has_a_quiz_of_eight_questions_each_with_feedback(courses, course_key):
    for module in courses[course_key].modules:
        assert module.quiz is not None and len(module.quiz.questions) >= 8, module.key
        for question in module.quiz.questions:
            assert question.feedback["nl"].strip() and question.feedback["en"].strip(), (module.key, question.key)


def test_every_counsellor_module_has_an_assignment(courses):
    for module in courses["counsellor"].modules:
        assert module.assignments, module.key


def test_no_two_lessons_share_a_run_of_more_than_twelve_words(courses):
    for lang in ("nl", "en"):
        texts = {lesson.paths[lang]: lesson.body[lang]
                 for key in COURSES for _, lesson in courses[key].lessons}
        assert shared_runs(texts, 12) == []


def test_shared_runs_are_found():
    one = "een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien"
    assert shared_runs({"a": one + " en meer", "b": "anders: " + one}) != []
    assert shared_runs({"a": one, "b": " ".join(one.split()[:12])}) == []


def test_every_screening_dimension_points_to_lessons(courses):
    dimensions = {d for _, lesson in courses["counsellor"].lessons for d in lesson.suggested_for}
    assert dimensions == {"cultural_empathy", "open_mindedness", "social_initiative", "emotional_stability",
                          "flexibility"}


def test_the_calibration_transcripts_load_and_score_with_the_rubric(courses):
    transcripts = courses["trainer"].calibration
    assert len(transcripts) >= 6
    assert {t.risk for t in transcripts} == {"low", "medium", "high", "acute"}
    for transcript in transcripts:
        rubric = get_rubric(transcript.rubric)
        reference = rubric.validate_scores(transcript.reference_scores)
        assert set(reference) == set(rubric.criterion_keys)
        assert all(ref.reason["nl"] and ref.reason["en"] for ref in transcript.reference.values())
        assert all(line.translation for line in transcript.lines), transcript.key
        assert set(mean_absolute_difference(reference, reference).values()) == {0}
