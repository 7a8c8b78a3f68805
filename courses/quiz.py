"""The quiz engine (Flask-free): shuffling, reading a submitted form, and grading on the server.

Answers are read against the layout the server stored for the attempt; anything that names a
question or option this quiz does not have is refused as a whole, so nothing is counted.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from courses.content import Question, Quiz, normalise_answer

FIELD_PREFIX = "q-"
MAX_SHORT_ANSWER = 200


def N_(message: str) -> str:  # noqa: N802 - the gettext marker: extracted here, translated where shown
    return message


class AnswerRefused(Exception):
    """The submission cannot be graded; `message` (English, translated where shown) is for the person."""

    def __init__(self, message: str, *, tampered: bool = False, questions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.tampered = tampered
        self.questions = questions


def new_layout(quiz: Quiz, rng: random.Random | None = None) -> dict[str, list[str]]:
    """Per question, the options in the order this attempt shows them (true/false and short: none)."""
    rng = rng or random.SystemRandom()
    layout: dict[str, list[str]] = {}
    for question in quiz.questions:
        keys = list(question.option_keys)
        if question.type in ("single", "multiple", "ordering"):
            rng.shuffle(keys)
            if question.type == "ordering" and len(keys) > 1 and tuple(keys) == question.correct:
                keys.append(keys.pop(0))  # never show the answer as the starting order
        layout[question.key] = keys
    return layout


def field_name(question: Question, option_key: str | None = None) -> str:
    return f"{FIELD_PREFIX}{question.key}" + (f"-{option_key}" if option_key else "")


def _getlist(form: Any, name: str) -> list[str]:
    if hasattr(form, "getlist"):
        return [str(v) for v in form.getlist(name)]
    value = form.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def read_answers(quiz: Quiz, layout: Mapping[str, list[str]], form: Any) -> dict[str, Any]:
    """The answers in a submitted form; raises AnswerRefused (tampered or incomplete)."""
    known = {field_name(q) for q in quiz.questions}
    known |= {field_name(q, o) for q in quiz.questions if q.type == "ordering" for o in q.option_keys}
    foreign = sorted(name for name in form if str(name).startswith(FIELD_PREFIX) and name not in known)
    if foreign:
        raise AnswerRefused(N_("This answer does not belong to this quiz, so nothing was counted."), tampered=True)
    answers: dict[str, Any] = {}
    unanswered: list[str] = []
    for question in quiz.questions:
        allowed = set(layout.get(question.key) or question.option_keys)
        values = [v for v in _getlist(form, field_name(question)) if v != ""]
        if question.type == "single":
            if len(values) > 1 or (values and values[0] not in allowed):
                raise AnswerRefused(N_("An answer names an option that does not exist, so nothing was counted."),
                                    tampered=True)
            if values:
                answers[question.key] = values[0]
        elif question.type == "multiple":
            if any(v not in allowed for v in values) or len(set(values)) != len(values):
                raise AnswerRefused(N_("An answer names an option that does not exist, so nothing was counted."),
                                    tampered=True)
            if values:
                answers[question.key] = sorted(values)
        elif question.type == "truefalse":
            if len(values) > 1 or (values and values[0] not in ("true", "false")):
                raise AnswerRefused(N_("A true/false answer can only be true or false, so nothing was counted."),
                                    tampered=True)
            if values:
                answers[question.key] = values[0] == "true"
        elif question.type == "ordering":
            places: dict[str, int] = {}
            for option in question.option_keys:
                raw = _getlist(form, field_name(question, option))
                if not raw or raw[0] == "":
                    continue
                try:
                    place = int(raw[0])
                except ValueError:
                    place = 0
                if len(raw) > 1 or not 1 <= place <= len(question.option_keys):
                    raise AnswerRefused(N_("A place in an ordering question does not exist, so nothing was counted."),
                                        tampered=True)
                places[option] = place
            if len(places) == len(question.option_keys):
                if len(set(places.values())) != len(places):
                    raise AnswerRefused(N_("Give every step in an ordering question its own place."),
                                        questions=(question.key,))
                answers[question.key] = sorted(places, key=places.__getitem__)
        else:
            text = values[0].strip() if values else ""
            if len(text) > MAX_SHORT_ANSWER:
                raise AnswerRefused(N_("A short answer is at most 200 characters."), questions=(question.key,))
            if text:
                answers[question.key] = text
        if question.key not in answers:
            unanswered.append(question.key)
    if unanswered:
        raise AnswerRefused(N_("Answer every question before you submit."), questions=tuple(unanswered))
    return answers


def is_correct(question: Question, answer: Any) -> bool:
    if question.type == "single":
        return answer == question.correct
    if question.type == "multiple":
        return isinstance(answer, list) and set(answer) == set(question.correct)
    if question.type == "truefalse":
        return answer is question.correct
    if question.type == "ordering":
        return isinstance(answer, list) and tuple(answer) == tuple(question.correct)
    accepted = {a for answers in question.accepted.values() for a in answers}
    return normalise_answer(str(answer)) in accepted


def grade(quiz: Quiz, answers: Mapping[str, Any]) -> tuple[dict[str, bool], int]:
    """Per question right or wrong, and the score in percent (rounded down: 69.9 is not 70)."""
    results = {q.key: is_correct(q, answers.get(q.key)) for q in quiz.questions}
    total = len(quiz.questions)
    score = (100 * sum(results.values())) // total if total else 0
    return results, score
