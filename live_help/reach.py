"""Reach without tracking: daily unique visitors and page views, no cookies, no stored address.

A visitor is the hash of (today's random salt, address, browser line). The salt and the hashes
of a day are deleted once the day is over, leaving only the two numbers. Counts are gathered
in the process and written in one short transaction every few seconds, so that a page view
costs no database write of its own.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time as _time
from collections import Counter
from datetime import date

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.timeutil import utcnow
from live_help.models import ReachDay, ReachSalt, ReachVisitor, TopicStat

FLUSH_SECONDS = 10.0
FLUSH_PENDING = 500


class Counters:
    """What this process counted since it last wrote: views, visitor hashes, topic reads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.views: Counter[date] = Counter()
        self.visitors: dict[date, set[str]] = {}
        self.reads: Counter[str] = Counter()
        self.salts: dict[date, str] = {}
        self.last_flush = _time.monotonic()

    def pending(self) -> int:
        return sum(self.views.values()) + sum(self.reads.values())

    def take(self):
        with self.lock:
            taken = (self.views, self.visitors, self.reads)
            self.views, self.visitors, self.reads = Counter(), {}, Counter()
            self.last_flush = _time.monotonic()
        return taken


def _salt(counters: Counters, day: date) -> str:
    salt = counters.salts.get(day)
    if salt:
        return salt
    salt = db.session.scalar(select(ReachSalt.salt).where(ReachSalt.day == day))
    if salt is None:
        try:
            db.session.add(ReachSalt(day=day, salt=secrets.token_hex(32)))
            db.session.commit()
        except IntegrityError:  # another worker made today's salt first
            db.session.rollback()
        salt = db.session.scalar(select(ReachSalt.salt).where(ReachSalt.day == day))
    counters.salts = {day: salt}
    return salt


def visitor_hash(salt: str, address: str, user_agent: str) -> str:
    return hashlib.sha256(f"{salt}|{address}|{user_agent}".encode()).hexdigest()


def count_view(counters: Counters, address: str | None, user_agent: str | None) -> None:
    day = utcnow().date()
    digest = visitor_hash(_salt(counters, day), address or "-", (user_agent or "-")[:300])
    with counters.lock:
        counters.views[day] += 1
        counters.visitors.setdefault(day, set()).add(digest)


def count_read(counters: Counters, slug: str) -> None:
    with counters.lock:
        counters.reads[slug] += 1


def due(counters: Counters) -> bool:
    return (counters.pending() >= FLUSH_PENDING
            or (counters.pending() and _time.monotonic() - counters.last_flush >= FLUSH_SECONDS))


def flush(counters: Counters) -> None:
    """Write what was counted, then close the days that are over."""
    views, visitors, reads = counters.take()
    for day, digests in visitors.items():
        for digest in digests:
            try:
                with db.session.begin_nested():
                    db.session.add(ReachVisitor(day=day, digest=digest))
            except IntegrityError:
                pass  # seen earlier today (or by another worker)
    for day, count in views.items():
        _add_views(day, count)
    for slug, count in reads.items():
        changed = db.session.execute(update(TopicStat).where(TopicStat.slug == slug)
                                     .values(reads=TopicStat.reads + count)).rowcount
        if not changed:
            db.session.execute(insert(TopicStat).values(slug=slug, reads=count, helped_yes=0, helped_no=0))
    db.session.commit()
    if reads:
        from live_help.services import forget_most_read

        forget_most_read()
    close_past_days()


def _add_views(day: date, count: int) -> None:
    changed = db.session.execute(update(ReachDay).where(ReachDay.day == day)
                                 .values(page_views=ReachDay.page_views + count)).rowcount
    if not changed:
        try:
            with db.session.begin_nested():
                db.session.add(ReachDay(day=day, visitors=0, page_views=count))
        except IntegrityError:
            db.session.execute(update(ReachDay).where(ReachDay.day == day)
                               .values(page_views=ReachDay.page_views + count))


def close_past_days() -> None:
    """Turn the hashes of past days into a number and delete them, with the day's salt."""
    today = utcnow().date()
    past = list(db.session.scalars(select(ReachVisitor.day).where(ReachVisitor.day < today).distinct()))
    for day in past:
        visitors = db.session.scalar(select(func.count()).select_from(ReachVisitor).where(ReachVisitor.day == day))
        _add_views(day, 0)
        db.session.execute(update(ReachDay).where(ReachDay.day == day).values(visitors=visitors, closed=True))
        db.session.execute(delete(ReachVisitor).where(ReachVisitor.day == day))
    db.session.execute(delete(ReachSalt).where(ReachSalt.day < today))
    db.session.commit()


def figures(days: int = 30) -> list[tuple[date, int, int]]:
    """(day, unique visitors, page views), newest first; today's visitors counted live."""
    close_past_days()
    rows = list(db.session.scalars(select(ReachDay).order_by(ReachDay.day.desc()).limit(days)))
    today = utcnow().date()
    result = []
    for row in rows:
        visitors = row.visitors
        if row.day == today:
            visitors = db.session.scalar(select(func.count()).select_from(ReachVisitor)
                                         .where(ReachVisitor.day == today))
        result.append((row.day, visitors, row.page_views))
    return result
