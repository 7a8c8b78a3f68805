"""The rules of the anonymous mail service: writing and picking up a question, the counsellors'
inbox (claim, draft, send, approval), answer times in working days, retention and figures.

Public functions for other parts: `waiting_count()`, `approvals_waiting()`, `mail_figures(since)`
and `purge(now, days)`; see docs/live_help.md, "Mail".
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from flask import current_app
from limits import parse as parse_limit
from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app import audit
from app.audit import AuditEvent
from app.extensions import db, limiter
from app.risk import LEVELS, default_detector, load_detector
from app.timeutil import utcnow
from live_help.mail.models import MailMessage, MailStat, MailThread
from live_help.models import Holiday

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")

# Limits, also in docs/live_help.md.
SUBJECT_MAX = 120
BODY_MAX = 5000
PASSWORD_MIN = 8
PASSWORD_MAX = 200
# Pickup codes: 10 characters without look-alikes (no 0/O, 1/I/L), about 49 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
AGE_GROUPS = ("-12", "12-14", "15-17", "18-21", "22+")
GENDERS = ("girl", "boy", "other")

DEFAULTS = {
    "MAIL_ANSWER_WORKING_DAYS": 3,       # the answer time promised to young people
    "MAIL_APPROVAL_FIRST": 5,            # a counsellor's first answers go past a supervisor
    "LIVE_RETENTION_DAYS": 90,           # threads are deleted after this many days without activity
    "MAIL_RATE_LIMIT": "5 per hour",     # new questions and replies per browser
    "MAIL_PICKUP_LIMIT": "5 per 15 minutes",  # wrong passwords per pickup code
}


class MailError(Exception):
    """A mail action that cannot be done; `code` says which (the route words it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def setting(name: str):
    return current_app.config.get(name, DEFAULTS[name])


def _detector():
    folder = current_app.config.get("RISK_LISTS_DIR")
    return load_detector(folder) if folder else default_detector()


# --- codes, passwords and links ----------------------------------------------------------------
def new_pickup_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str | None) -> str:
    """What a young person types to the stored form: capitals, without spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:CODE_LENGTH + 2]


def show_code(code: str) -> str:
    """ABCDE-FGHJK: easier to copy and to read out."""
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


def hash_link(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_stamp(thread: MailThread) -> str:
    """Kept in the young person's session with the thread id: it stops fitting when the
    thread is deleted (an id may be used again) or its secret changes."""
    secret = thread.password_hash or thread.link_hash
    return hashlib.sha256(f"{thread.id}|{secret}".encode()).hexdigest()[:24]


# --- writing and picking up --------------------------------------------------------------------
@dataclass(frozen=True)
class Written:
    thread: MailThread
    code: str
    link_token: str = ""  # only when the young person chose a secret link


def write_question(subject: str, body: str, *, password: str | None = None, use_link: bool = False,
                   age_group: str = "", gender: str = "", lang: str = "nl") -> Written:
    """A young person's new question. Returns the pickup code (and the secret link token),
    which are shown once and stored only as hashes."""
    subject, body = subject.strip(), body.strip()
    if not subject or not body or len(subject) > SUBJECT_MAX or len(body) > BODY_MAX:
        raise MailError("length")
    if not use_link and (not password or len(password) < PASSWORD_MIN):
        raise MailError("password")
    token = secrets.token_urlsafe(32) if use_link else ""
    now = utcnow()
    risk = _detector().detect(f"{subject}\n{body}")
    stat = MailStat(received_on=now.date(), risk_level=risk.level,
                    age_group=age_group if age_group in AGE_GROUPS else "",
                    gender=gender if gender in GENDERS else "")
    db.session.add(stat)
    db.session.flush()
    for _attempt in range(10):
        code = new_pickup_code()
        if db.session.scalar(select(MailThread.id).where(MailThread.pickup_code == code)) is None:
            break
    thread = MailThread(pickup_code=code, subject=subject, age_group=stat.age_group, gender=stat.gender,
                        lang=lang if lang in ("nl", "en") else "nl",
                        password_hash="" if use_link else generate_password_hash(password or ""),
                        link_hash=hash_link(token) if use_link else "",
                        risk_level=risk.level, risk_categories=list(risk.categories),
                        status="waiting", waiting_since=now, created_at=now, last_activity_at=now,
                        stat_id=stat.id)
    thread.messages.append(MailMessage(author="youth", body=body, status="sent", created_at=now, sent_at=now))
    db.session.add(thread)
    db.session.commit()
    return Written(thread, code, token)


def _pickup_limit():
    return parse_limit(setting("MAIL_PICKUP_LIMIT"))


def _limits_on() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def open_with_password(code: str, password: str) -> MailThread:
    """The thread for this pickup code and password. Wrong passwords are limited per code
    (MAIL_PICKUP_LIMIT), never per address. Raises MailError "limited" or "wrong"."""
    code = normalise_code(code)
    if _limits_on() and not limiter.limiter.test(_pickup_limit(), "mail-pickup", code):
        raise MailError("limited")
    thread = db.session.scalar(select(MailThread).where(MailThread.pickup_code == code)) if code else None
    if thread is not None and thread.password_hash and password and len(password) <= PASSWORD_MAX \
            and check_password_hash(thread.password_hash, password):
        return thread
    if _limits_on():
        limiter.limiter.hit(_pickup_limit(), "mail-pickup", code)
    raise MailError("wrong")


def open_with_link(token: str) -> MailThread | None:
    """The thread of a secret link, or None."""
    if not token or len(token) > 100:
        return None
    digest = hash_link(token)
    thread = db.session.scalar(select(MailThread).where(MailThread.link_hash == digest))
    if thread is None or not hmac.compare_digest(thread.link_hash, digest):
        return None
    return thread


def thread_for_session(thread_id, stamp) -> MailThread | None:
    """The thread a young person opened earlier in this browser session, if it still fits."""
    if not isinstance(thread_id, int) or not isinstance(stamp, str):
        return None
    thread = db.session.get(MailThread, thread_id)
    if thread is None or not hmac.compare_digest(session_stamp(thread), stamp):
        return None
    return thread


def youth_reply(thread: MailThread, body: str) -> MailMessage:
    """The young person writes again: the thread goes back to the inbox."""
    body = body.strip()
    if not body or len(body) > BODY_MAX:
        raise MailError("length")
    now = utcnow()
    message = MailMessage(author="youth", body=body, status="sent", created_at=now, sent_at=now)
    thread.messages.append(message)
    risk = _detector().detect(body)
    if LEVELS.index(risk.level) > LEVELS.index(thread.risk_level):
        thread.risk_level = risk.level
    thread.risk_categories = sorted(set(thread.risk_categories) | set(risk.categories))
    if thread.status != "waiting":
        thread.status = "waiting"
        thread.waiting_since = now
    thread.last_activity_at = now
    stat = db.session.get(MailStat, thread.stat_id) if thread.stat_id else None
    if stat is not None:
        stat.youth_messages += 1
        stat.risk_level = thread.risk_level
    db.session.commit()
    return message


def delete_thread(thread: MailThread) -> None:
    """The young person deletes their question and every answer, for good."""
    stat = db.session.get(MailStat, thread.stat_id) if thread.stat_id else None
    if stat is not None:
        stat.deleted_by_youth = True
    db.session.delete(thread)  # its messages go with it (cascade)
    db.session.commit()


# --- answer times in working days --------------------------------------------------------------
def holidays() -> set[date]:
    """Days off set by a coordinator (live_help.models.Holiday): no working days."""
    return set(db.session.scalars(select(Holiday.day)))


def is_working_day(day: date, days_off: set[date]) -> bool:
    return day.weekday() < 5 and day not in days_off


def add_working_days(day: date, count: int, days_off: set[date]) -> date:
    """The `count`-th working day after `day` (weekends and holidays skipped)."""
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day, days_off):
            count -= 1
    return day


def _end_of_day_utc(day: date) -> datetime:
    """Midnight after `day` in Amsterdam, as naive UTC."""
    local = datetime.combine(day + timedelta(days=1), time(0), AMSTERDAM)
    return local.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class AnswerDue:
    """When an answer is due (the end of the N-th working day after the question came in,
    Amsterdam time) and from when the inbox warns (one working day before that)."""

    due_day: date
    due: datetime        # naive UTC
    warn_from: datetime  # naive UTC

    def state(self, now: datetime) -> str:
        """ok | warning | overdue."""
        if now >= self.due:
            return "overdue"
        if now >= self.warn_from:
            return "warning"
        return "ok"


def answer_due(received_at: datetime, days_off: set[date] | None = None,
               working_days: int | None = None) -> AnswerDue:
    """The promised answer time for a message received at `received_at` (naive UTC)."""
    days_off = holidays() if days_off is None else days_off
    count = max(1, int(setting("MAIL_ANSWER_WORKING_DAYS") if working_days is None else working_days))
    received_day = received_at.replace(tzinfo=UTC).astimezone(AMSTERDAM).date()
    due_day = add_working_days(received_day, count, days_off)
    warn_day = add_working_days(received_day, count - 1, days_off)
    return AnswerDue(due_day, _end_of_day_utc(due_day), _end_of_day_utc(warn_day))


# --- the counsellors' inbox --------------------------------------------------------------------
@dataclass(frozen=True)
class InboxRow:
    thread: MailThread
    waited: timedelta
    due: AnswerDue
    state: str                   # ok | warning | overdue
    pending: MailMessage | None  # the answer being written or waiting for approval


def pending_answer(thread: MailThread) -> MailMessage | None:
    """The counsellor's answer being written or waiting for approval, if any."""
    for message in reversed(thread.messages):
        if message.author == "counsellor" and message.status in ("draft", "approval"):
            return message
    return None


def inbox(now: datetime | None = None) -> list[InboxRow]:
    """Questions waiting for an answer: risk first (highest level on top), then the longest
    waiting. One list for every institution."""
    now = now or utcnow()
    days_off = holidays()
    threads = db.session.scalars(select(MailThread).where(MailThread.status == "waiting")
                                 .order_by(MailThread.waiting_since))
    rows = []
    for thread in threads:
        due = answer_due(thread.waiting_since, days_off)
        rows.append(InboxRow(thread, now - thread.waiting_since, due, due.state(now), pending_answer(thread)))
    rows.sort(key=lambda r: (-LEVELS.index(r.thread.risk_level if r.thread.risk_level in LEVELS else "none"),
                             r.thread.waiting_since))
    return rows


def waiting_count() -> int:
    """How many questions wait for an answer (for dashboards)."""
    return db.session.scalar(select(func.count()).select_from(MailThread)
                             .where(MailThread.status == "waiting")) or 0


def approvals_waiting() -> int:
    """How many answers wait for a supervisor's approval (for dashboards)."""
    return db.session.scalar(select(func.count()).select_from(MailMessage)
                             .where(MailMessage.status == "approval")) or 0


def record_opened(thread: MailThread, user) -> None:
    """Staff opened a thread: who read which transcript when."""
    audit.record("mail.opened", actor=user, object_type="mail_thread", object_id=thread.id)
    db.session.commit()


def readers(thread: MailThread, limit: int = 20) -> list[AuditEvent]:
    """Who opened this thread, and when: the newest first."""
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mail.opened",
                                                            AuditEvent.object_type == "mail_thread",
                                                            AuditEvent.object_id == str(thread.id),
                                                            # ids may be used again after a deletion
                                                            AuditEvent.at >= thread.created_at)
                                   .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))


def claim(thread_id: int, user) -> bool:
    """Take a waiting question: one conditional UPDATE, so of two counsellors claiming at
    once exactly one wins. True when `user` holds it now (also when they held it already)."""
    now = utcnow()
    won = db.session.execute(
        update(MailThread)
        .where(MailThread.id == thread_id, MailThread.status == "waiting", MailThread.claimed_by_id.is_(None))
        .values(claimed_by_id=user.id, claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if won:
        audit.record("mail.claimed", actor=user, object_type="mail_thread", object_id=thread_id)
    db.session.commit()
    holder = db.session.scalar(select(MailThread.claimed_by_id).where(MailThread.id == thread_id))
    thread = db.session.get(MailThread, thread_id)
    if thread is not None:
        db.session.refresh(thread)
    return holder == user.id


def release(thread: MailThread, user) -> None:
    """Give the question back to the inbox; a draft stays for whoever takes it next."""
    if thread.claimed_by_id != user.id and not user.has_role("admin", "supervisor"):
        raise MailError("not_yours")
    thread.claimed_by_id = None
    thread.claimed_at = None
    audit.record("mail.released", actor=user, object_type="mail_thread", object_id=thread.id)
    db.session.commit()


def _own_claim(thread: MailThread, user) -> None:
    if thread.claimed_by_id != user.id:
        raise MailError("not_yours")


def answers_sent(user) -> int:
    """Answers of `user` that reached a young person, counted in the audit log, so the count
    survives the deletion of old threads."""
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "mail.answered",
                                    AuditEvent.subject_user_id == user.id)) or 0


def needs_approval(user, gate) -> bool:
    """Shadow and supervised counsellors, and everyone's first MAIL_APPROVAL_FIRST answers,
    go past a supervisor first."""
    return gate.mode in ("shadow", "supervised") or answers_sent(user) < int(setting("MAIL_APPROVAL_FIRST"))


def save_draft(thread: MailThread, user, body: str) -> MailMessage:
    """Write or change the answer to the question you claimed; nobody else sees it yet."""
    _own_claim(thread, user)
    body = body.strip()
    if not body or len(body) > BODY_MAX:
        raise MailError("length")
    pending = pending_answer(thread)
    if pending is not None and pending.status == "approval":
        raise MailError("in_approval")
    now = utcnow()
    if pending is None:
        pending = MailMessage(author="counsellor", counsellor_id=user.id, body=body, status="draft", created_at=now)
        thread.messages.append(pending)
    else:
        pending.body = body
        pending.counsellor_id = user.id
        pending.updated_at = now
    db.session.commit()
    return pending


def send_answer(thread: MailThread, user, body: str, gate) -> MailMessage:
    """Send the answer: to the young person, or first to a supervisor (see needs_approval)."""
    if not gate.allowed:
        raise MailError("gate")
    message = save_draft(thread, user, body)
    if needs_approval(user, gate):
        message.status = "approval"
        message.review_note = ""
        message.updated_at = utcnow()
        audit.record("mail.submitted", actor=user, object_type="mail_thread", object_id=thread.id)
        db.session.commit()
        return message
    _deliver(thread, message, actor=user)
    return message


def _deliver(thread: MailThread, message: MailMessage, actor) -> None:
    now = utcnow()
    message.status = "sent"
    message.sent_at = now
    stat = db.session.get(MailStat, thread.stat_id) if thread.stat_id else None
    if stat is not None:
        stat.answers += 1
        if not stat.answered:
            stat.answered = True
            stat.hours_to_answer = round((now - thread.created_at).total_seconds() / 3600, 2)
    thread.status = "answered"
    thread.claimed_by_id = None
    thread.claimed_at = None
    thread.last_activity_at = now
    counsellor = message.counsellor
    audit.record("mail.answered", actor=actor, subject=counsellor, object_type="mail_thread", object_id=thread.id)
    db.session.commit()


def approval_queue() -> list[MailMessage]:
    """Answers waiting for a supervisor, oldest first."""
    return list(db.session.scalars(select(MailMessage).where(MailMessage.status == "approval")
                                   .order_by(MailMessage.updated_at, MailMessage.id)))


def _reviewable(message: MailMessage, supervisor) -> None:
    if message.status != "approval":
        raise MailError("not_waiting")
    if message.counsellor_id == supervisor.id:
        raise MailError("own_answer")


def approve(message: MailMessage, supervisor, body: str | None = None) -> None:
    """A supervisor approves (perhaps after editing): the answer goes to the young person."""
    _reviewable(message, supervisor)
    if body is not None:
        body = body.strip()
        if not body or len(body) > BODY_MAX:
            raise MailError("length")
        message.body = body
    message.reviewed_by_id = supervisor.id
    _deliver(message.thread, message, actor=supervisor)


def return_answer(message: MailMessage, supervisor, note: str) -> None:
    """A supervisor sends the answer back to its writer with a comment; it is a draft again."""
    _reviewable(message, supervisor)
    note = note.strip()
    if not note:
        raise MailError("note")
    message.status = "draft"
    message.review_note = note[:2000]
    message.reviewed_by_id = supervisor.id
    message.updated_at = utcnow()
    thread = message.thread
    if thread.claimed_by_id is None and message.counsellor_id is not None:
        thread.claimed_by_id = message.counsellor_id
        thread.claimed_at = utcnow()
    audit.record("mail.returned", actor=supervisor, subject=message.counsellor, object_type="mail_thread",
                 object_id=thread.id)
    db.session.commit()


# --- retention and figures ---------------------------------------------------------------------
def purge(now: datetime | None = None, days: int | None = None) -> int:
    """Delete threads (question and every message) without activity for `days` days
    (default LIVE_RETENTION_DAYS, 90). Their anonymous figures in mail_stats stay.
    Returns the number of threads deleted."""
    now = now or utcnow()
    days = int(setting("LIVE_RETENTION_DAYS") if days is None else days)
    cutoff = now - timedelta(days=days)
    old = select(MailThread.id).where(MailThread.last_activity_at < cutoff)
    ids = list(db.session.scalars(old))
    if not ids:
        return 0
    db.session.execute(delete(MailMessage).where(MailMessage.thread_id.in_(ids)))
    db.session.execute(delete(MailThread).where(MailThread.id.in_(ids)))
    audit.record("mail.purged", object_type="mail_thread", count=len(ids), days=days)
    db.session.commit()
    for obj in [o for o in db.session if isinstance(o, (MailThread, MailMessage))]:
        db.session.expunge(obj)
    return len(ids)


@dataclass(frozen=True)
class MailFigures:
    """Anonymous figures of the questions received since a day."""

    received: int
    answered: int
    deleted_by_youth: int
    median_hours_to_answer: float | None
    by_risk_level: dict[str, int] = field(default_factory=dict)
    by_age_group: dict[str, int] = field(default_factory=dict)
    waiting: int = 0


def mail_figures(since: date | datetime) -> MailFigures:
    """Received, answered, median hours to the first answer, per risk level and age group,
    for questions received on or after `since`; and how many wait now."""
    day = since.date() if isinstance(since, datetime) else since
    stats = list(db.session.scalars(select(MailStat).where(MailStat.received_on >= day)))
    hours = [s.hours_to_answer for s in stats if s.hours_to_answer is not None]
    return MailFigures(
        received=len(stats),
        answered=sum(1 for s in stats if s.answered),
        deleted_by_youth=sum(1 for s in stats if s.deleted_by_youth),
        median_hours_to_answer=round(median(hours), 1) if hours else None,
        by_risk_level=dict(Counter(s.risk_level for s in stats)),
        by_age_group=dict(Counter(s.age_group or "unknown" for s in stats)),
        waiting=waiting_count(),
    )
