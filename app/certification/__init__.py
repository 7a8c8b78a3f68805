"""Certification: the registry of requirements per certificate type (counsellor, trainer).

Features register what they own (screening passed, course completed, simulations passed,
...) from their own `init_app`, in any order; `app` never imports them. Ask
`evaluate(user, "counsellor")` for the full picture or `meets_requirements` for a yes/no.
The certification issue adds certificates, verification, PDF and the live gate on top.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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


__all__ = [
    "CERTIFICATE_TYPES",
    "Requirement",
    "RequirementResult",
    "evaluate",
    "meets_requirements",
    "register_requirement",
    "registry",
]
