"""The rules of the public help side: forum posts and their keys, moderation, reports,
"did this help?", and the opening hours a coordinator manages."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time as _time
from dataclasses import dataclass
from datetime import date, time

from flask import current_app
from sqlalchemy import func, insert, select, update

from app import audit
from app.extensions import db
from app.risk import default_detector, load_detector
from app.timeutil import utcnow
from live_help.models import ForumPost, ForumReport, Holiday, OpeningSlot, TopicStat
from live_help.personal_data import personal_data
from live_help.schedule import forget_cached

NICKNAME_MAX = 40
TITLE_MAX = 120
BODY_MAX = 3000
REPORT_REASONS = ("personal_data", "unkind", "worrying", "spam", "other")
INVITATIONS = ("chat", "mail")


class ForumError(Exception):
    """A forum action that cannot be done, with a message for the visitor."""


def _detector():
    folder = current_app.config.get("RISK_LISTS_DIR")
    return load_detector(folder) if folder else default_detector()


def new_key() -> str:
    return secrets.token_urlsafe(18)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_fits(post: ForumPost, key: str | None) -> bool:
    """Does this secret key belong to this post? Compared in constant time."""
    if not key or not post.key_hash or len(key) > 100:
        return False
    return hmac.compare_digest(post.key_hash, hash_key(key.strip()))


def _screen(post: ForumPost) -> None:
    """Hold a post with its reasons when it has personal data or risk words."""
    text = f"{post.title}\n{post.body}\n{post.nickname}"
    reasons = personal_data(text)
    risk = _detector().detect(text)
    post.risk_level = risk.level
    post.risk_categories = list(risk.categories)
    if risk.is_risk:
        reasons.append("risk")
    post.hold_reasons = reasons
    post.status = "held" if reasons else "pending"


@dataclass(frozen=True)
class Posted:
    post: ForumPost
    key: str


def ask_question(nickname: str, title: str, body: str) -> Posted:
    """A young person's question: waits for a moderator; returns the secret key, once."""
    key = new_key()
    post = ForumPost(nickname=nickname.strip(), title=title.strip(), body=body.strip(), key_hash=hash_key(key))
    _screen(post)
    db.session.add(post)
    db.session.commit()
    return Posted(post, key)


def reply(question: ForumPost, nickname: str, body: str) -> Posted:
    """Another young person's reply to a published question; moderated like a question."""
    if not question.is_question or question.status != "published":
        raise ForumError("closed")
    key = new_key()
    post = ForumPost(question_id=question.id, nickname=nickname.strip(), body=body.strip(), key_hash=hash_key(key))
    _screen(post)
    db.session.add(post)
    db.session.commit()
    return Posted(post, key)


def counsellor_reply(question: ForumPost, user, body: str) -> ForumPost:
    """A moderator answers with a counsellor badge; it appears at once."""
    post = ForumPost(question_id=question.id, nickname=user.display_name[:NICKNAME_MAX], body=body.strip(),
                     counsellor_id=user.id, status="published", moderated_by_id=user.id, moderated_at=utcnow())
    db.session.add(post)
    db.session.commit()
    return post


def edit(post: ForumPost, key: str, title: str, body: str) -> None:
    """The author changes their post with the key; it goes back to the moderators."""
    if not key_fits(post, key):
        raise ForumError("key")
    if post.status in ("deleted", "rejected"):
        raise ForumError("gone")
    if post.is_question:
        post.title = title.strip()
    post.body = body.strip()
    post.updated_at = utcnow()
    if post.status != "invited":
        _screen(post)
    db.session.commit()


def delete_post(post: ForumPost, key: str) -> None:
    """The author removes their post with the key: the text is gone, not only hidden."""
    if not key_fits(post, key):
        raise ForumError("key")
    post.status = "deleted"
    post.title = ""
    post.body = ""
    post.key_hash = ""
    post.updated_at = utcnow()
    db.session.commit()


def moderate(post: ForumPost, moderator, decision: str, note: str = "") -> None:
    """Approve, reject, or turn a worrying post into an invitation to chat or mail."""
    if post.status in ("deleted",) or post.is_counsellor:
        raise ForumError("gone")
    if decision == "approve":
        post.status = "published"
    elif decision == "reject":
        post.status = "rejected"
    elif decision in INVITATIONS:
        post.status = "invited"
        post.invitation = decision
        post.invitation_note = note.strip()
    else:
        raise ForumError("decision")
    post.moderated_by_id = moderator.id
    post.moderated_at = utcnow()
    audit.record(f"forum.{decision}", actor=moderator, object_type="forum_post", object_id=post.id)
    for report in db.session.scalars(select(ForumReport).where(ForumReport.post_id == post.id,
                                                               ForumReport.handled_at.is_(None))):
        report.handled_at = utcnow()
        report.handled_by_id = moderator.id
    db.session.commit()


def report(post: ForumPost, reason: str, note: str) -> ForumReport:
    if reason not in REPORT_REASONS:
        raise ForumError("reason")
    entry = ForumReport(post_id=post.id, reason=reason, note=note.strip()[:500])
    db.session.add(entry)
    db.session.commit()
    return entry


def moderation_queue() -> list[ForumPost]:
    """Held posts first (they have reasons), then waiting ones, then reported published ones."""
    waiting = list(db.session.scalars(
        select(ForumPost).where(ForumPost.status.in_(("held", "pending")))
        .order_by(ForumPost.status == "pending", ForumPost.created_at)))
    reported_ids = select(ForumReport.post_id).where(ForumReport.handled_at.is_(None))
    reported = list(db.session.scalars(
        select(ForumPost).where(ForumPost.id.in_(reported_ids), ForumPost.status == "published")
        .order_by(ForumPost.created_at)))
    return waiting + reported


def open_reports(post: ForumPost) -> list[ForumReport]:
    return list(db.session.scalars(select(ForumReport).where(ForumReport.post_id == post.id,
                                                             ForumReport.handled_at.is_(None))))


def published_questions(limit: int = 50) -> list[ForumPost]:
    return list(db.session.scalars(
        select(ForumPost).where(ForumPost.question_id.is_(None), ForumPost.status == "published")
        .order_by(ForumPost.created_at.desc()).limit(limit)))


def queue_size() -> int:
    return db.session.scalar(select(func.count()).select_from(ForumPost)
                             .where(ForumPost.status.in_(("held", "pending")))) or 0


# --- topics -----------------------------------------------------------------------------------
def record_feedback(slug: str, helped: bool) -> None:
    column = TopicStat.helped_yes if helped else TopicStat.helped_no
    changed = db.session.execute(update(TopicStat).where(TopicStat.slug == slug)
                                 .values({column: column + 1})).rowcount
    if not changed:
        db.session.execute(insert(TopicStat).values(slug=slug, reads=0, helped_yes=int(helped),
                                                    helped_no=int(not helped)))
    db.session.commit()


MOST_READ_SECONDS = 60
_most_read_cache: dict[str, tuple[float, list[str]]] = {}


def most_read(known: set[str], limit: int = 5) -> list[str]:
    """The most-read topics; kept for a minute per process, as they change slowly."""
    key = str(db.engine.url)
    hit = _most_read_cache.get(key)
    if hit is None or _time.monotonic() - hit[0] > MOST_READ_SECONDS:
        rows = list(db.session.scalars(select(TopicStat.slug).where(TopicStat.reads > 0)
                                       .order_by(TopicStat.reads.desc(), TopicStat.slug).limit(30)))
        hit = (_time.monotonic(), rows)
        _most_read_cache[key] = hit
    return [slug for slug in hit[1] if slug in known][:limit]


def forget_most_read() -> None:
    _most_read_cache.clear()


def topic_stats() -> list[TopicStat]:
    return list(db.session.scalars(select(TopicStat).order_by(TopicStat.reads.desc())))


# --- opening hours ----------------------------------------------------------------------------
def set_week(hours: dict[int, list[tuple[time, time]]], actor) -> None:
    """Replace the weekly opening hours (per weekday, 0 = Monday)."""
    for slot in db.session.scalars(select(OpeningSlot)):
        db.session.delete(slot)
    for weekday, ranges in hours.items():
        for opens, closes in ranges:
            db.session.add(OpeningSlot(weekday=weekday, opens=opens, closes=closes))
    audit.record("chat.hours_changed", actor=actor)
    db.session.commit()
    forget_cached()


def add_holiday(day: date, name: str, opens: time | None, closes: time | None, actor) -> Holiday:
    holiday = db.session.scalar(select(Holiday).where(Holiday.day == day)) or Holiday(day=day)
    holiday.name, holiday.opens, holiday.closes = name.strip(), opens, closes
    db.session.add(holiday)
    audit.record("chat.holiday_set", actor=actor, day=day.isoformat())
    db.session.commit()
    forget_cached()
    return holiday


def remove_holiday(holiday: Holiday, actor) -> None:
    db.session.delete(holiday)
    audit.record("chat.holiday_removed", actor=actor, day=holiday.day.isoformat())
    db.session.commit()
    forget_cached()
