"""Screening fixtures: a complete application, reviewers of the same institution, scoring helpers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.assessment import get_rubric
from app.screening import services
from app.screening.instrument import get_instrument
from app.screening.models import FIRST, SECOND, Application

REPLY = "Hoi, fijn dat je ons schrijft. Wat vervelend dat dit gebeurt; vertel eens wat er vanavond speelt?"


def answer_everything(application: Application, *, scale_value: int = 4, best_replies: bool = True) -> None:
    """Fill every step of a draft through the services (as the forms would)."""
    inst = get_instrument()
    services.save_background(application, {
        "languages": [{"language": "Nederlands", "level": "moedertaal"}, {"language": "Arabisch", "level": "goed"}],
        "cultural_background": "Marokkaans-Nederlands", "experience": "Vrijwilliger bij een jongerencentrum.",
        "availability_hours": "4-6", "availability_times": "Avonden", "motivation": "Ik wil jongeren helpen.",
    })
    services.save_scale_answers(application, {item.key: str(scale_value) for item in inst.items})
    services.save_vignette_answers(application, {
        v.key: next(o.key for o in v.options if o.score == (3 if best_replies else 0)) for v in inst.vignettes})
    services.save_sample_answers(application, {s.key: REPLY for s in inst.samples})


def levels(value_or_map) -> dict[str, dict[str, int]]:
    """Scores for every sample: one level for every criterion, or {criterion: level}."""
    keys = [c.key for c in get_rubric("chat").sample_criteria]
    per = value_or_map if isinstance(value_or_map, dict) else {k: value_or_map for k in keys}
    return {s.key: dict(per) for s in get_instrument().samples}


@pytest.fixture
def submitted(make_user) -> Callable[..., Application]:
    """submitted(user=None, **answers) -> a submitted application of an applicant."""

    def make(user=None, **kwargs) -> Application:
        user = user or make_user("applicant")
        application = services.start_application(user)
        answer_everything(application, **kwargs)
        services.submit_application(user, application)
        return application

    return make


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator")


@pytest.fixture
def reviewers(make_user):
    return make_user("counsellor"), make_user("trainer"), make_user("supervisor")


@pytest.fixture
def reviewed(submitted, coordinator, reviewers) -> Callable[..., Application]:
    """reviewed(first=3, second=3) -> an application both reviewers have scored."""

    def make(first=3, second=3, application=None) -> Application:
        application = application or submitted()
        services.assign_reviewer(coordinator, application, FIRST, reviewers[0])
        services.assign_reviewer(coordinator, application, SECOND, reviewers[1])
        services.submit_review(reviewers[0], application.review(FIRST), levels(first))
        services.submit_review(reviewers[1], application.review(SECOND), levels(second))
        return application

    return make
