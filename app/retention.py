"""Retention: every feature that stores youth data registers a purge here, and
`flask hulpmix purge` runs them all (docs/live_help.md, "Retention")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app

_KEY = "hulpmix.purges"


def register_purge(app: Flask, name: str, purge: Callable[[datetime, int], object]) -> None:
    """`purge(now, days)` deletes what is older than `days` and returns what it did."""
    purges = app.extensions.setdefault(_KEY, {})
    if name in purges:
        raise ValueError(f"a purge named {name!r} is registered already")
    purges[name] = purge


def run_purges(now: datetime, days: int) -> dict[str, object]:
    return {name: purge(now, days) for name, purge in current_app.extensions.get(_KEY, {}).items()}
