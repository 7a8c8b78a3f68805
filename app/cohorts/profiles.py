"""The screening profile as training sees it: which dimensions a trainee is weakest in.

Screening owns the profile and registers the answer with `register_profile_provider(app, f)`,
where `f(user, n)` returns up to `n` dimension keys, weakest first (`cultural_empathy`,
`open_mindedness`, `social_initiative`, `emotional_stability`, `flexibility`). Courses and the
trainer's pages ask `weakest_dimensions(user, n)`; with no provider registered the answer is
empty, so nobody imports screening to learn it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

ProfileProvider = Callable[[object, int], list[str]]
_EXTENSION_KEY = "hulpmix.profile_provider"


def register_profile_provider(app: Flask, provider: ProfileProvider) -> None:
    """Called once by screening's init_app; a second provider is a mistake."""
    existing = app.extensions.get(_EXTENSION_KEY)
    if existing is not None and existing is not provider:
        raise ValueError("a screening profile provider is registered already")
    app.extensions[_EXTENSION_KEY] = provider


def weakest_dimensions(user, n: int = 2) -> list[str]:
    """Up to `n` screening dimensions the user scored lowest on, weakest first ([] if unknown)."""
    provider = current_app.extensions.get(_EXTENSION_KEY)
    if provider is None or user is None:
        return []
    return [str(key) for key in (provider(user, n) or [])][:n]
