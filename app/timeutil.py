"""Time in one place: stored in UTC, compared in UTC; tests can set the clock."""

from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def utcnow() -> datetime:
    """Now, in UTC, as a naive datetime (how SQLite and our columns store it)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC).replace(tzinfo=None)


def freeze(moment: datetime | None) -> None:
    """Set (or with None, release) the clock; used by tests of expiry and timeouts."""
    global _frozen
    _frozen = moment.replace(tzinfo=None) if moment is not None and moment.tzinfo else moment
