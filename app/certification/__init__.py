"""Certification: the registry of requirements per certificate type (counsellor, trainer).

Features register what they own (screening passed, course completed, simulations passed,
...) from their own `init_app`, in any order; `app` never imports them. Ask
`evaluate(user, "counsellor")` for the full picture or `meets_requirements` for a yes/no.

Three more registries, for the same reason: `register_shadow_prerequisite` (what a trainee
must have done to chat in shadow mode), `register_activity` (recent work that counts for
renewal) and `register_chat_counter` (live help tells how many chats a counsellor did).
On top: certificates, verification, the PDF and `live_gate` (docs/certification.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, current_app

CERTIFICATE_TYPES = ("counsellor", "trainer")
_EXTENSION_KEY = "hulpmix.certification"


@dataclass(frozen=True)
class RequirementResult:
    """A requirement's answer for one user: met or not, what is missing, and the evidence."""

    met: bool
    missing: str = ""
    evidence: tuple[str, ...] = ()
    next_url: str | None = None


@dataclass(frozen=True)
class Requirement:
    certificate_type: str
    key: str
    title: Callable[[], str] | str
    check: Callable[[object], RequirementResult]
    order: int = 100

    @property
    def label(self) -> str:
        return str(self.title() if callable(self.title) else self.title)


@dataclass
class RequirementRegistry:
    requirements: dict[str, dict[str, Requirement]] = field(
        default_factory=lambda: {kind: {} for kind in CERTIFICATE_TYPES}
    )

    def register(self, requirement: Requirement) -> None:
        if requirement.certificate_type not in self.requirements:
            raise ValueError(f"unknown certificate type {requirement.certificate_type!r}")
        existing = self.requirements[requirement.certificate_type]
        if requirement.key in existing:
            raise ValueError(
                f"requirement {requirement.key!r} is registered twice for "
                f"{requirement.certificate_type!r}"
            )
        existing[requirement.key] = requirement

    def for_type(self, certificate_type: str) -> list[Requirement]:
        if certificate_type not in self.requirements:
            raise ValueError(f"unknown certificate type {certificate_type!r}")
        return sorted(self.requirements[certificate_type].values(), key=lambda r: (r.order, r.key))


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION_KEY] = RequirementRegistry()
    app.extensions[_ACTIVITY_KEY] = {}
    app.extensions[_SHADOW_KEY] = {}
    app.extensions[_CHAT_COUNTER_KEY] = None
    from app.certification.setup import init_certification

    init_certification(app)


def registry(app: Flask | None = None) -> RequirementRegistry:
    return (app or current_app).extensions[_EXTENSION_KEY]


def register_requirement(
    app: Flask,
    certificate_type: str,
    key: str,
    title: Callable[[], str] | str,
    check: Callable[[object], RequirementResult],
    *,
    order: int = 100,
) -> None:
    """Called by a feature's init_app: `check(user)` answers whether `user` meets it."""
    registry(app).register(Requirement(certificate_type, key, title, check, order))


def evaluate(user, certificate_type: str) -> list[tuple[Requirement, RequirementResult]]:
    return [(req, req.check(user)) for req in registry().for_type(certificate_type)]


def meets_requirements(user, certificate_type: str) -> bool:
    """True when every registered requirement is met; a type with none registered is not."""
    results = evaluate(user, certificate_type)
    return bool(results) and all(result.met for _, result in results)


# --- shadow mode: what a trainee must have done before chatting as drafts -----------------------
_SHADOW_KEY = "hulpmix.certification.shadow"


def register_shadow_prerequisite(app: Flask, key: str, title: Callable[[], str] | str,
                                 check: Callable[[object], RequirementResult], *, order: int = 100) -> None:
    """Called by a feature's init_app: e.g. courses ("course passed") and simulations ("one
    simulation passed"). A trainee may chat in shadow mode when every one is met."""
    found = app.extensions[_SHADOW_KEY]
    if key in found:
        raise ValueError(f"shadow prerequisite {key!r} is registered twice")
    found[key] = Requirement("counsellor", key, title, check, order)


def evaluate_shadow(user) -> list[tuple[Requirement, RequirementResult]]:
    found = sorted(current_app.extensions[_SHADOW_KEY].values(), key=lambda r: (r.order, r.key))
    return [(req, req.check(user)) for req in found]


# --- activity: recent work that counts for renewal ----------------------------------------------
_ACTIVITY_KEY = "hulpmix.certification.activity"


@dataclass(frozen=True)
class Activity:
    key: str
    title: Callable[[], str] | str
    count: Callable[[object, datetime], int]

    @property
    def label(self) -> str:
        return str(self.title() if callable(self.title) else self.title)


def register_activity(app: Flask, key: str, title: Callable[[], str] | str,
                      count: Callable[[object, datetime], int]) -> None:
    """Called by a feature's init_app: `count(user, since)` answers how many times `user`
    did this activity (a simulation passed, a quality review passed, ...) since `since`
    (naive UTC). Renewal adds up every registered activity."""
    found = app.extensions[_ACTIVITY_KEY]
    if key in found:
        raise ValueError(f"activity {key!r} is registered twice")
    found[key] = Activity(key, title, count)


def count_activities(user, since: datetime) -> list[tuple[Activity, int]]:
    return [(activity, int(activity.count(user, since)))
            for activity in current_app.extensions[_ACTIVITY_KEY].values()]


# --- the chat counter: registered by live help -------------------------------------------------
_CHAT_COUNTER_KEY = "hulpmix.certification.chat_counter"


def register_chat_counter(app: Flask, counter: Callable[[object, datetime | None], int]) -> None:
    """Called once by live help: `counter(user, since)` answers how many live chats `user`
    finished as counsellor since `since` (naive UTC; None: ever)."""
    if app.extensions.get(_CHAT_COUNTER_KEY) is not None:
        raise ValueError("a chat counter is registered already")
    app.extensions[_CHAT_COUNTER_KEY] = counter


def chats_done(user, since: datetime | None = None) -> int:
    """The registered counter's answer; 0 while live help has registered none."""
    counter = current_app.extensions.get(_CHAT_COUNTER_KEY)
    return int(counter(user, since)) if counter is not None else 0


# --- the live gate ------------------------------------------------------------------------------
def live_gate(user, at: datetime | None = None):
    """May `user` take live work now, in which mode and how many chats at once (a `Gate`)."""
    from app.certification.gate import live_gate as decide

    return decide(user, at)


__all__ = [
    "CERTIFICATE_TYPES",
    "Activity",
    "Requirement",
    "RequirementResult",
    "chats_done",
    "count_activities",
    "evaluate",
    "evaluate_shadow",
    "live_gate",
    "meets_requirements",
    "register_activity",
    "register_chat_counter",
    "register_requirement",
    "register_shadow_prerequisite",
    "registry",
]
