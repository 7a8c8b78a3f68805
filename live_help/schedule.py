"""When chat is open: weekly opening hours and holidays that a coordinator manages."""

from __future__ import annotations

import time as _time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from live_help.models import Holiday, OpeningSlot

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CACHE_SECONDS = 30
DEFAULT_HOURS = {0: [("16:00", "22:00")], 1: [("16:00", "22:00")], 2: [("14:00", "22:00")],
                 3: [("16:00", "22:00")], 4: [("16:00", "22:00")], 6: [("19:00", "22:00")]}


@dataclass(frozen=True)
class Schedule:
    slots: dict[int, tuple[tuple[clock, clock], ...]]
    holidays: dict[date, tuple[str, tuple[tuple[clock, clock], ...]]]

    def hours_on(self, day: date) -> tuple[tuple[clock, clock], ...]:
        if day in self.holidays:
            return self.holidays[day][1]
        return self.slots.get(day.weekday(), ())


@dataclass(frozen=True)
class ChatStatus:
    is_open: bool
    closes_at: datetime | None = None      # Amsterdam time, when open
    next_opening: datetime | None = None   # Amsterdam time, when closed
    holiday: str = ""


_cache: dict[str, tuple[float, Schedule]] = {}
_version = [0]


def forget_cached() -> None:
    _cache.clear()
    _version[0] += 1


def schedule_version() -> int:
    """Changes whenever this process drops its cached schedule (and what was drawn from it)."""
    return _version[0]


def current_schedule() -> Schedule:
    """The schedule from the database, kept for half a minute per process."""
    key = str(db.engine.url)
    hit = _cache.get(key)
    if hit and _time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    slots: dict[int, list[tuple[clock, clock]]] = {}
    for slot in db.session.scalars(select(OpeningSlot).order_by(OpeningSlot.weekday, OpeningSlot.opens)):
        slots.setdefault(slot.weekday, []).append((slot.opens, slot.closes))
    holidays = {}
    for holiday in db.session.scalars(select(Holiday)):
        hours = ((holiday.opens, holiday.closes),) if holiday.opens and holiday.closes else ()
        holidays[holiday.day] = (holiday.name, hours)
    schedule = Schedule({k: tuple(v) for k, v in slots.items()}, holidays)
    _cache[key] = (_time.monotonic(), schedule)
    return schedule


def chat_status(now_utc: datetime, schedule: Schedule | None = None) -> ChatStatus:
    """Is chat open at `now_utc` (naive UTC)? If not, when does it open next (within 2 weeks)?"""
    schedule = schedule or current_schedule()
    local = now_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(AMSTERDAM)
    today = local.date()
    holiday = schedule.holidays.get(today, ("", ()))[0]
    for opens, closes in schedule.hours_on(today):
        if opens <= local.time().replace(tzinfo=None) < closes:
            return ChatStatus(True, closes_at=datetime.combine(today, closes, AMSTERDAM), holiday=holiday)
    for offset in range(0, 15):
        day = today + timedelta(days=offset)
        for opens, _closes in schedule.hours_on(day):
            start = datetime.combine(day, opens, AMSTERDAM)
            if start > local:
                return ChatStatus(False, next_opening=start, holiday=holiday)
    return ChatStatus(False, holiday=holiday)


def set_default_hours() -> bool:
    """Opening hours for a new installation; a coordinator changes them. False if set already."""
    if db.session.scalar(select(OpeningSlot.id).limit(1)) is not None:
        return False
    for weekday, ranges in DEFAULT_HOURS.items():
        for opens, closes in ranges:
            db.session.add(OpeningSlot(weekday=weekday, opens=clock.fromisoformat(opens),
                                       closes=clock.fromisoformat(closes)))
    db.session.commit()
    forget_cached()
    return True
