"""Certification fixtures: requirements, shadow prerequisites, activities and a chat counter
that tests control, and certified staff to sign off and issue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from app.certification import (
    RequirementResult,
    register_activity,
    register_chat_counter,
    register_requirement,
    register_shadow_prerequisite,
    registry,
)
from app.certification.models import Certificate
from app.certification.services import register_founding
from app.extensions import db

COUNSELLOR_REQUIREMENTS = {"screening": "Screening passed", "course": "Counsellor course completed",
                           "simulations": "Three simulations passed"}
TRAINER_REQUIREMENTS = {"ttt_course": "Train-the-trainer course completed", "calibration": "Calibration exercise passed"}


@dataclass
class Training:
    """What each person has done, as the features would answer it."""

    met: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    activities: list[tuple[int, datetime]] = field(default_factory=list)
    chats: dict[int, int] = field(default_factory=dict)

    def meet(self, user, *keys: str) -> None:
        for key in keys or (*COUNSELLOR_REQUIREMENTS, "shadow_course", "shadow_simulation"):
            self.met[key].add(user.id)

    def unmeet(self, user, key: str) -> None:
        self.met[key].discard(user.id)

    def check(self, key: str, label: str) -> Callable[[object], RequirementResult]:
        def answer(user) -> RequirementResult:
            if user.id in self.met[key]:
                return RequirementResult(True, evidence=(f"{label}: evidence for {user.display_name}",))
            return RequirementResult(False, missing=f"Do this: {label.lower()}", next_url=f"/next/{key}")

        return answer

    def did_activity(self, user, at: datetime) -> None:
        self.activities.append((user.id, at))

    def count_activity(self, user, since: datetime) -> int:
        return sum(1 for user_id, at in self.activities if user_id == user.id and at >= since)


@pytest.fixture
def training(app) -> Training:
    return register_training(app)


def register_training(app) -> Training:
    """Replace the features' requirements (screening, courses, simulations register real
    ones) by requirements the test controls; certification's own requirement stays."""
    state = Training()
    found = registry(app).requirements
    found["counsellor"].clear()
    for key in [key for key in found["trainer"] if key != "counsellor_certificate"]:
        del found["trainer"][key]
    # Shadow prerequisites and renewal activities of the features make way for the test's own.
    app.extensions["hulpmix.certification.shadow"] = {}
    app.extensions["hulpmix.certification.activity"] = {}
    for order, (key, label) in enumerate(COUNSELLOR_REQUIREMENTS.items()):
        register_requirement(app, "counsellor", key, label, state.check(key, label), order=10 + order)
    for order, (key, label) in enumerate(TRAINER_REQUIREMENTS.items()):
        register_requirement(app, "trainer", key, label, state.check(key, label), order=10 + order)
    register_shadow_prerequisite(app, "shadow_course", "Course passed", state.check("shadow_course", "Course passed"))
    register_shadow_prerequisite(app, "shadow_simulation", "One simulation passed",
                                 state.check("shadow_simulation", "One simulation passed"))
    register_activity(app, "simulations_passed", "Simulations passed", state.count_activity)
    app.extensions.pop("hulpmix.certification.chat_counter", None)  # live help's own counter
    register_chat_counter(app, lambda user, since: state.chats.get(user.id, 0))
    return state


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", display_name="Hodan", email="hodan@example.org")


@pytest.fixture
def founding(coordinator) -> Callable[..., Certificate]:
    def register(person, certificate_type: str = "counsellor") -> Certificate:
        return register_founding(coordinator, person, certificate_type,
                                 "Counsellor at this institution since 2005, trained before Hulpmix.")

    return register


@pytest.fixture
def certified_trainer(make_user, founding):
    trainer = make_user("trainer", display_name="Karim", email="karim@example.org")
    founding(trainer, "counsellor")
    founding(trainer, "trainer")
    db.session.refresh(trainer)
    return trainer


@pytest.fixture(autouse=True)
def request_context(app):
    """Services called directly format dates and messages in a language: give them a request."""
    with app.test_request_context("/?lang=en"):
        yield
