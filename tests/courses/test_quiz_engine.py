"""Grading of every question type on the server, shuffling, and refusing tampered answers."""

from __future__ import annotations

import random

import pytest
from werkzeug.datastructures import MultiDict

from courses.content import Option, Question, Quiz, normalise_answer
from courses.quiz import AnswerRefused, grade, is_correct, new_layout, read_answers

T = {"nl": "x", "en": "x"}
OPTS = tuple(Option(k, T) for k in "abcd")
SINGLE = Question("q1", "single", T, T, OPTS, "b")
MULTIPLE = Question("q2", "multiple", T, T, OPTS, ("a", "c"))
TRUEFALSE = Question("q3", "truefalse", T, T, (), False)
ORDERING = Question("q4", "ordering", T, T, OPTS, ("c", "a", "d", "b"))
SHORT = Question("q5", "short", T, T, (), None, {"nl": ("veilig thuis", "veiligthuis"), "en": ("safe at home",)})
QUIZ = Quiz(3, (SINGLE, MULTIPLE, TRUEFALSE, ORDERING, SHORT))
RIGHT = MultiDict([("q-q1", "b"), ("q-q2", "a"), ("q-q2", "c"), ("q-q3", "false"),
                   ("q-q4-c", "1"), ("q-q4-a", "2"), ("q-q4-d", "3"), ("q-q4-b", "4"), ("q-q5", " Véilig  THUIS ")])


def _form(**changes) -> MultiDict:
    form = MultiDict(RIGHT)
    for key, value in changes.items():
        name = key.replace("_", "-")
        form.setlist(name, value if isinstance(value, list) else [value])
    return form


def test_single_choice_is_right_only_with_the_keyed_option():
    assert is_correct(SINGLE, "b") and not is_correct(SINGLE, "a")


def test_multiple_choice_needs_exactly_the_right_set():
    assert is_correct(MULTIPLE, ["c", "a"])
    assert not is_correct(MULTIPLE, ["a"]) and not is_correct(MULTIPLE, ["a", "b", "c"])


def test_true_false():
    assert is_correct(TRUEFALSE, False) and not is_correct(TRUEFALSE, True)


def test_ordering_needs_the_whole_order():
    assert is_correct(ORDERING, ["c", "a", "d", "b"]) and not is_correct(ORDERING, ["a", "c", "d", "b"])


@pytest.mark.parametrize("typed", ["veilig thuis", "Veilig Thuis", "  veilig   thuis ", "VÉILIG THÜIS", "veiligthuis",
                                   "Safe at home.", "veilig thuis!"])
def test_short_answers_ignore_case_accents_and_spaces(typed):
    assert is_correct(SHORT, typed)


@pytest.mark.parametrize("typed", ["veilig", "kindertelefoon", "veilig thuis 113"])
def test_short_answers_that_are_not_accepted(typed):
    assert not is_correct(SHORT, typed)


def test_normalise_answer():
    assert normalise_answer("  Çava  Bién ") == "cava bien"


def test_a_full_form_is_read_and_graded_on_the_server():
    answers = read_answers(QUIZ, {}, RIGHT)
    assert answers["q4"] == ["c", "a", "d", "b"] and answers["q2"] == ["a", "c"] and answers["q3"] is False
    results, score = grade(QUIZ, answers)
    assert all(results.values()) and score == 100


def test_the_score_is_rounded_down():
    answers = read_answers(QUIZ, {}, _form(q_q1="a"))
    results, score = grade(QUIZ, answers)
    assert results["q1"] is False and score == 80
    three = Quiz(3, (SINGLE, TRUEFALSE, SHORT))
    assert grade(three, {"q1": "b", "q3": False, "q5": "nee"})[1] == 66


@pytest.mark.parametrize("changes", [
    {"q_q1": "z"},                           # an option that does not exist
    {"q_q2": ["a", "zz"]},                   # same, in a multiple-choice question
    {"q_q3": "maybe"},                       # true/false that is neither
    {"q_q4_c": "9"},                         # a place that does not exist
    {"q_q99": "a"},                          # a question from another quiz
    {"q_q4_z": "1"},                         # an option of an ordering question that does not exist
])
def test_tampered_answers_are_refused_as_a_whole(changes):
    with pytest.raises(AnswerRefused) as refused:
        read_answers(QUIZ, {}, _form(**changes))
    assert refused.value.tampered
    assert "nothing was counted" in refused.value.message


def test_an_option_not_in_this_attempts_layout_is_refused():
    layout = {"q1": ["a", "b", "c"]}
    with pytest.raises(AnswerRefused):
        read_answers(QUIZ, layout, _form(q_q1="d"))


def test_unanswered_questions_and_a_double_place_are_named():
    form = _form()
    del form["q-q5"]
    with pytest.raises(AnswerRefused) as refused:
        read_answers(QUIZ, {}, form)
    assert refused.value.questions == ("q5",) and not refused.value.tampered
    with pytest.raises(AnswerRefused) as refused:
        read_answers(QUIZ, {}, _form(q_q4_a="1"))
    assert refused.value.questions == ("q4",)


def test_options_are_shuffled_per_attempt_and_ordering_never_starts_solved():
    layouts = [new_layout(QUIZ, random.Random(seed)) for seed in range(20)]
    assert len({tuple(layout["q1"]) for layout in layouts}) > 1
    assert all(sorted(layout["q1"]) == ["a", "b", "c", "d"] for layout in layouts)
    assert all(tuple(layout["q4"]) != ORDERING.correct for layout in layouts)
    assert all(layout["q3"] == [] and layout["q5"] == [] for layout in layouts)
