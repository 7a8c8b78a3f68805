"""The rules of live chat: starting a chat, the queue (risk first, then waiting time, with a
language wish honoured for a while), offers to counsellors, accepting (one wins), ending,
transfer, requeue after a lost counsellor, blocks, supervision and shadow drafts.

Every rule that changes who has a chat is one conditional UPDATE, so two workers or two
counsellors racing each other cannot give a chat to two people. Socket.IO messages go out
after the commit. `tick(now)` does what time alone decides (offers that run out, young
people who left, counsellors who lost their connection, closing time); a background task
calls it every few seconds, tests call it directly.
"""

from __future__ import annotations

import hashlib
import secrets
import time as _time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, case, delete, func, or_, select, text, update

from app import audit
from app.accounts.models import User, UserLanguage
from app.certification import live_gate
from app.conversations import (
    ChatError,
    Conversation,
    ConversationNote,
    Message,
    NewParticipant,
    Participant,
    Sender,
    conversation_room,
    end_conversation,
    post_message,
    start_conversation,
    user_room,
)
from app.conversations.services import NAMESPACE, clean_body, hash_token
from app.extensions import db, socketio
from app.risk import default_detector, load_detector
from app.timeutil import utcnow
from live_help.chat.models import (
    OPEN_STATUSES,
    QUEUED_STATUSES,
    RISK_RANK,
    ChatRequest,
    CounsellorDuty,
    ShadowDraft,
    YouthBlock,
)

STAFF_ROOM = "live:staff"
SUPERVISOR_ROOM = "live:supervisors"
WORK_MODES = ("live", "supervised")

DEFAULTS = {
    "LIVE_OFFER_SECONDS": 30,           # an offer waits this long for "accept", then moves on
    "LIVE_GRACE_SECONDS": 60,           # a lost connection longer than this leaves the queue / requeues
    "LIVE_LANGUAGE_EXTRA_WAIT": 180,    # seconds a language wish may add to the wait
    "LIVE_HANDLING_MINUTES": 25,        # assumed chat length until there are recent chats
    "LIVE_MAX_WAITING": 1000,           # beyond this the queue refuses new chats (mail instead)
    "LIVE_STARTS_PER_BROWSER": 3,       # new chats per browser per hour
    "LIVE_BLOCK_HOURS": 24,
    "LIVE_RETENTION_DAYS": 90,
    "LIVE_TICK_SECONDS": 2.0,
    "LIVE_BROADCAST_SECONDS": 1.0,      # waiting-room figures at most this often
    "LIVE_QUEUE_LOOP": True,            # run tick() in a background task (off in tests)
    "LIVE_NICKNAME_MAX": 30,
}


def setting(name: str):
    return current_app.config.get(name, DEFAULTS[name])


class LiveError(Exception):
    """A refused live-help action; `code` goes into the acknowledgement, `message` to people."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message or code


def _emit(event: str, data: dict, to: str) -> None:
    socketio.emit(event, data, to=to, namespace=NAMESPACE)


def _detector():
    folder = current_app.config.get("RISK_LISTS_DIR")
    return load_detector(folder) if folder else default_detector()


def hash_browser(key: str) -> str:
    return hashlib.sha256(("browser:" + key).encode()).hexdigest()


# --- starting a chat -----------------------------------------------------------------------
@dataclass(frozen=True)
class StartForm:
    nickname: str = ""
    age_group: str = ""
    gender: str = ""
    topic: str = ""
    language: str = ""
    first_message: str = ""
    site_language: str = "nl"


def open_request_for_browser(browser_hash: str) -> ChatRequest | None:
    return db.session.scalar(select(ChatRequest).where(
        ChatRequest.browser_hash == browser_hash, ChatRequest.status.in_(OPEN_STATUSES)).limit(1))


def blocked_until(browser_hash: str, now: datetime) -> datetime | None:
    return db.session.scalar(select(func.max(YouthBlock.until)).where(
        YouthBlock.browser_hash == browser_hash, YouthBlock.until > now))


def start_chat(form: StartForm, browser_key: str, now: datetime | None = None) -> tuple[ChatRequest, str]:
    """Put a young person in the queue; returns the request and their resume token.

    Raises LiveError: closed, blocked, busy (queue full), too_many (starts from this browser)."""
    from live_help.schedule import chat_status

    now = now or utcnow()
    browser_hash = hash_browser(browser_key)
    until = blocked_until(browser_hash, now)
    if until is not None:
        raise LiveError("blocked", _("You cannot start a chat from this browser for now. You can still send a mail."))
    if not chat_status(now).is_open:
        raise LiveError("closed", _("Chat is closed now. You can send a mail: a counsellor answers within three working days."))
    hour_ago = now - timedelta(hours=1)
    recent = db.session.scalar(select(func.count()).select_from(ChatRequest).where(
        ChatRequest.browser_hash == browser_hash, ChatRequest.created_at > hour_ago)) or 0
    if recent >= setting("LIVE_STARTS_PER_BROWSER"):
        raise LiveError("too_many", _("You started several chats in the last hour. Wait a while, or send a mail."))
    waiting = db.session.scalar(select(func.count()).select_from(ChatRequest).where(
        ChatRequest.status.in_(QUEUED_STATUSES))) or 0
    if waiting >= setting("LIVE_MAX_WAITING"):
        raise LiveError("busy", _("It is very busy right now. Try again later, or send a mail."))
    risk = _detector().detect(f"{form.topic}\n{form.first_message}")
    nickname = form.nickname.strip()[: setting("LIVE_NICKNAME_MAX")]
    conversation, tokens = start_conversation("live", [
        NewParticipant("youth", nickname or _("Young person"), with_token=True)])
    request = ChatRequest(
        conversation_id=conversation.id, status="waiting", nickname=nickname, age_group=form.age_group,
        gender=form.gender, topic=form.topic, language=form.language, site_language=form.site_language,
        risk_level=risk.level, risk_rank=RISK_RANK[risk.level], risk_categories=list(risk.categories),
        browser_hash=browser_hash, created_at=now, queued_at=now)
    db.session.add(request)
    db.session.commit()
    if form.first_message.strip():
        youth = conversation.participants[0]
        post_message(youth, form.first_message, client_id=f"start-{request.id}")
    if risk.is_risk and RISK_RANK[risk.level] >= RISK_RANK["high"]:
        alert_supervisors(request, "start")
    queue_changed(now)
    return request, tokens[0]


def request_for_token(token: str | None) -> tuple[ChatRequest | None, Participant | None]:
    if not token or len(token) > 200:
        return None, None
    participant = db.session.scalar(select(Participant).where(Participant.resume_token_hash == hash_token(token)))
    if participant is None:
        return None, None
    request = db.session.scalar(select(ChatRequest).where(ChatRequest.conversation_id == participant.conversation_id))
    return request, participant


# --- the queue -----------------------------------------------------------------------------
def queue_order():
    return (ChatRequest.risk_rank.desc(), ChatRequest.queued_at, ChatRequest.id)


def waiting_requests(limit: int | None = None) -> list[ChatRequest]:
    query = select(ChatRequest).where(ChatRequest.status.in_(QUEUED_STATUSES)).order_by(*queue_order())
    return list(db.session.scalars(query.limit(limit) if limit else query))


def running_chats(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(ChatRequest).where(
        ChatRequest.counsellor_id == user_id, ChatRequest.status == "active")) or 0


_handling_cache: dict[str, tuple[float, float]] = {}


def average_handling_minutes(now: datetime) -> float:
    """Mean length of the chats that ended in the last 14 days (at least 5), else the default."""
    key = str(db.engine.url)
    hit = _handling_cache.get(key)
    if hit and _time.monotonic() - hit[0] < 60:
        return hit[1]
    rows = db.session.execute(select(ChatRequest.accepted_at, ChatRequest.ended_at).where(
        ChatRequest.status == "ended", ChatRequest.accepted_at.is_not(None),
        ChatRequest.ended_at > now - timedelta(days=14)).limit(2000)).all()
    minutes = [(b - a).total_seconds() / 60 for a, b in rows if a and b and b > a]
    value = sum(minutes) / len(minutes) if len(minutes) >= 5 else float(setting("LIVE_HANDLING_MINUTES"))
    _handling_cache[key] = (_time.monotonic(), value)
    return value


def forget_handling_cache() -> None:
    _handling_cache.clear()


def on_duty_count() -> int:
    return db.session.scalar(select(func.count()).select_from(CounsellorDuty).where(
        CounsellorDuty.available.is_(True), CounsellorDuty.as_supervisor.is_(False))) or 0


@dataclass(frozen=True)
class Figures:
    on_duty: int
    waiting: int
    expected_minutes: int  # for someone joining the line now

    def as_dict(self) -> dict:
        return {"on_duty": self.on_duty, "waiting": self.waiting, "expected_minutes": self.expected_minutes}


def expected_minutes(position: int, on_duty: int, handling: float) -> int:
    """Position times the recent average handling time, divided by counsellors on duty."""
    if position <= 0:
        return 0
    return max(1, round(position * handling / max(1, on_duty)))


def figures(now: datetime | None = None) -> Figures:
    now = now or utcnow()
    waiting = db.session.scalar(select(func.count()).select_from(ChatRequest).where(
        ChatRequest.status.in_(QUEUED_STATUSES))) or 0
    duty = on_duty_count()
    return Figures(duty, waiting, expected_minutes(waiting + 1, duty, average_handling_minutes(now)))


def _languages(user_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {uid: set() for uid in user_ids}
    if user_ids:
        for uid, code in db.session.execute(select(UserLanguage.user_id, UserLanguage.code)
                                            .where(UserLanguage.user_id.in_(user_ids))):
            found[uid].add(code)
    return found


def _dispatch_lock() -> bool:
    """One dispatcher at a time across workers (PostgreSQL; SQLite serialises writers anyway).
    Not waiting for it: a waiting dispatcher would hold a pooled connection, and a burst of
    starts would empty the pool. What another worker misses, its next tick offers."""
    if db.engine.dialect.name == "postgresql":
        return bool(db.session.execute(text("SELECT pg_try_advisory_xact_lock(74201)")).scalar())
    return True


_gates: dict[int, tuple[float, object]] = {}
GATE_CACHE_SECONDS = 10.0


def _cached_gate(user, now: datetime):
    """The gate for offering (not for accepting, which asks it afresh): kept 10 s per
    counsellor and process, so a dispatch with 125 counsellors on duty costs no 125 look-ups."""
    hit = _gates.get(user.id)
    moment = _time.monotonic()
    if hit is not None and moment - hit[0] < GATE_CACHE_SECONDS:
        return hit[1]
    gate = live_gate(user, now)
    _gates[user.id] = (moment, gate)
    return gate


def forget_gates() -> None:
    _gates.clear()


_dispatching = {"running": False, "again": False}


def dispatch(now: datetime | None = None) -> list[tuple[int, int]]:
    """Offer waiting chats to free counsellors: risk first, then waiting time. A wished
    language goes to a counsellor who speaks it; only after LIVE_LANGUAGE_EXTRA_WAIT
    seconds may anyone take it. Returns the (request id, counsellor id) offers made.

    Within a worker, calls that arrive while one runs are folded into it: the running one goes
    round once more, so a burst of starts costs a few rounds, not one per start."""
    if _dispatching["running"]:
        _dispatching["again"] = True
        return []
    _dispatching["running"] = True
    offers: list[tuple[int, int]] = []
    try:
        while True:
            _dispatching["again"] = False
            offers += _dispatch_round(now or utcnow())
            if not _dispatching["again"]:
                return offers
    finally:
        _dispatching["running"] = False


def _dispatch_round(now: datetime) -> list[tuple[int, int]]:
    if not _dispatch_lock():
        db.session.rollback()
        return []
    duties = list(db.session.scalars(select(CounsellorDuty).where(
        CounsellorDuty.available.is_(True), CounsellorDuty.as_supervisor.is_(False),
        CounsellorDuty.lost_at.is_(None))))
    if not duties:
        db.session.rollback()
        return []
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([d.user_id for d in duties])))}
    load: dict[int, int] = {d.user_id: 0 for d in duties}
    # One statement, so one snapshot: counted in two, a chat accepted in between (offered ->
    # active) would be in neither, and a full counsellor would get one more offer.
    owner = case((ChatRequest.status == "active", ChatRequest.counsellor_id), else_=ChatRequest.offered_to_id)
    for uid, count in db.session.execute(
            select(owner, func.count()).where(or_(
                and_(ChatRequest.status == "active", ChatRequest.counsellor_id.in_(list(load))),
                and_(ChatRequest.status == "offered", ChatRequest.offered_to_id.in_(list(load))))).group_by(owner)):
        load[uid] += count
    capacity: dict[int, int] = {}
    for duty in duties:
        user = users.get(duty.user_id)
        gate = _cached_gate(user, now) if user is not None else None
        if gate is not None and gate.mode in WORK_MODES:
            capacity[duty.user_id] = gate.max_chats - load[duty.user_id]
    free = {uid for uid, left in capacity.items() if left > 0}
    if not free:
        db.session.rollback()
        return []
    speaks = _languages(list(free))
    extra = timedelta(seconds=setting("LIVE_LANGUAGE_EXTRA_WAIT"))
    offers: list[tuple[int, int]] = []
    expires = now + timedelta(seconds=setting("LIVE_OFFER_SECONDS"))
    for request in db.session.scalars(select(ChatRequest).where(ChatRequest.status == "waiting")
                                      .order_by(*queue_order()).limit(500)):
        if not free:
            break
        candidates = [uid for uid in free if uid not in (request.passed_by or [])]
        if not candidates:
            continue
        if request.language:
            speakers = [uid for uid in candidates if request.language in speaks.get(uid, ())]
            if speakers:
                candidates = speakers
            elif now - request.queued_at < extra:
                continue  # wait a little longer for someone who speaks the language
        chosen = min(candidates, key=lambda uid: (-capacity[uid], uid))
        made = db.session.execute(
            update(ChatRequest).where(ChatRequest.id == request.id, ChatRequest.status == "waiting")
            .values(status="offered", offered_to_id=chosen, offer_expires_at=expires)
            .execution_options(synchronize_session=False)).rowcount
        if made:
            offers.append((request.id, chosen))
            capacity[chosen] -= 1
            if capacity[chosen] <= 0:
                free.discard(chosen)
    db.session.commit()
    for request_id, uid in offers:
        _emit("live_offer", offer_payload(db.session.get(ChatRequest, request_id), expires), user_room(uid))
    return offers


def topic_titles(key: str) -> dict[str, str]:
    """The category's title in both languages (clients pick the page's language)."""
    from live_help.rendering import help_content

    category = help_content().category(key) if key else None
    if category is None:
        return {"nl": "Iets anders" if key == "other" else key, "en": "Something else" if key == "other" else key}
    return dict(category.title)


def offer_payload(request: ChatRequest, expires: datetime | None = None) -> dict:
    return {"request_id": request.id, "nickname": request.nickname, "age_group": request.age_group,
            "topic": request.topic, "topic_titles": topic_titles(request.topic), "language": request.language,
            "risk_level": request.risk_level,
            "waited_seconds": int(request.waited_seconds),
            "expires_at": (expires or request.offer_expires_at or utcnow()).isoformat(timespec="seconds") + "Z"}


# --- accepting, declining ------------------------------------------------------------------
def check_gate(user, *, running: int | None = None, now: datetime | None = None):
    """The certification gate, asked for every action that starts or accepts work."""
    gate = live_gate(user, now)
    if gate.mode not in WORK_MODES:
        raise LiveError("not_allowed", gate.message)
    running = running_chats(user.id) if running is None else running
    if not gate.may_start(running):
        raise LiveError("at_limit", _("You have %(n)d chats open, the most you may have at once.", n=gate.max_chats))
    return gate


def _lock_duty(user_id: int) -> CounsellorDuty:
    duty = db.session.scalar(select(CounsellorDuty).where(CounsellorDuty.user_id == user_id).with_for_update())
    if duty is None:
        duty = CounsellorDuty(user_id=user_id, available=False)
        db.session.add(duty)
        db.session.flush()
    return duty


def accept(user, request_id: int, now: datetime | None = None) -> ChatRequest:
    """Take a waiting chat. One conditional UPDATE decides: if two counsellors accept at the
    same moment, exactly one gets it; the other hears `taken`."""
    now = now or utcnow()
    _lock_duty(user.id)  # one accept at a time per counsellor, so the limit holds
    try:
        gate = check_gate(user, now=now)
    except LiveError:
        db.session.rollback()
        decline(user, request_id, now)  # an offer this person cannot take goes on at once
        raise
    won = db.session.execute(
        update(ChatRequest).where(ChatRequest.id == request_id, ChatRequest.status.in_(QUEUED_STATUSES))
        .values(status="active", counsellor_id=user.id, accepted_at=now, offered_to_id=None,
                offer_expires_at=None, supervised=gate.mode == "supervised")
        .execution_options(synchronize_session=False)).rowcount
    if not won:
        db.session.rollback()
        raise LiveError("taken", _("Another counsellor has taken this chat, or the young person left."))
    request = db.session.get(ChatRequest, request_id)
    db.session.refresh(request)
    conversation = db.session.get(Conversation, request.conversation_id)
    _join_as_counsellor(conversation, user)
    db.session.commit()
    _after_accept(request, user)
    return request


def _join_as_counsellor(conversation: Conversation, user) -> Participant:
    existing = conversation.participant_for(user.id)
    if existing is not None and existing.side == "counsellor" and existing.can_write:
        return existing
    if existing is not None:
        existing.left_at = utcnow()
    participant = Participant(conversation=conversation, user_id=user.id, side="counsellor",
                              display_name=user.display_name[:60], can_write=True)
    db.session.add(participant)
    db.session.flush()
    return participant


def _system(request: ChatRequest, text_nl: str, text_en: str) -> None:
    """A line from Hulpmix in the young person's language, stored in the transcript."""
    conversation = db.session.get(Conversation, request.conversation_id)
    if conversation is None or not conversation.is_open:
        return
    youth = next((p for p in conversation.participants if p.side == "youth"), None)
    if youth is None:
        return
    body = text_nl if request.site_language == "nl" else text_en
    post_message(Sender(youth.id, conversation.id, "system", "", True, "live"), body, kind="system")


def _after_accept(request: ChatRequest, user) -> None:
    _system(request, f"{user.display_name} is er nu voor je. Je kunt beginnen met typen.",
            f"{user.display_name} is here for you now. You can start typing.")
    _emit("live_accepted", {"request_id": request.id, "conversation_id": request.conversation_id,
                            "counsellor": user.display_name}, conversation_room(request.conversation_id))
    _emit("live_chat_started", {"request_id": request.id}, user_room(user.id))
    if request.supervised:
        assign_reader(request)
    queue_changed()


def decline(user, request_id: int, now: datetime | None = None, *, expired: bool = False) -> bool:
    """Let an offer go: back in line at the same place; not offered to this person again."""
    request = db.session.get(ChatRequest, request_id)
    if request is None or request.status != "offered" or request.offered_to_id != user.id:
        return False
    passed = list(request.passed_by or [])
    if user.id not in passed:
        passed.append(user.id)
    changed = db.session.execute(
        update(ChatRequest).where(ChatRequest.id == request_id, ChatRequest.status == "offered",
                                  ChatRequest.offered_to_id == user.id)
        .values(status="waiting", offered_to_id=None, offer_expires_at=None, passed_by=passed)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if changed:
        _emit("live_offer_gone", {"request_id": request_id, "expired": expired}, user_room(user.id))
        queue_changed(now)
    return bool(changed)


# --- duty ------------------------------------------------------------------------------------
def set_duty(user, available: bool, now: datetime | None = None) -> CounsellorDuty:
    """Go on or off duty. Going on asks the gate; supervisors without live work go on duty to
    supervise only."""
    now = now or utcnow()
    duty = _lock_duty(user.id)
    _gates.pop(user.id, None)
    if available:
        gate = live_gate(user, now)
        if gate.mode in WORK_MODES:
            duty.as_supervisor = False
        elif user.has_role("supervisor"):
            duty.as_supervisor = True
        elif gate.mode == "shadow":
            duty.as_supervisor = False
        else:
            db.session.rollback()
            raise LiveError("not_allowed", gate.message)
    duty.available = available
    duty.since = now
    duty.lost_at = None
    db.session.commit()
    if not available:
        for request_id in list(db.session.scalars(select(ChatRequest.id).where(
                ChatRequest.status == "offered", ChatRequest.offered_to_id == user.id))):
            decline(user, request_id, now)
    queue_changed(now)
    return duty


def duty_of(user_id: int) -> CounsellorDuty | None:
    return db.session.get(CounsellorDuty, user_id)


# --- connections -----------------------------------------------------------------------------
def youth_connected(conversation_id: int) -> None:
    db.session.execute(update(ChatRequest).where(ChatRequest.conversation_id == conversation_id)
                       .values(youth_sockets=ChatRequest.youth_sockets + 1, youth_lost_at=None)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def youth_disconnected(conversation_id: int, now: datetime | None = None) -> None:
    """The last socket of the young person closed: the grace period starts."""
    now = now or utcnow()
    db.session.execute(update(ChatRequest).where(ChatRequest.conversation_id == conversation_id)
                       .values(youth_sockets=func.max(ChatRequest.youth_sockets - 1, 0)
                               if db.engine.dialect.name == "sqlite" else func.greatest(ChatRequest.youth_sockets - 1, 0))
                       .execution_options(synchronize_session=False))
    db.session.execute(update(ChatRequest).where(
        ChatRequest.conversation_id == conversation_id, ChatRequest.youth_sockets == 0,
        ChatRequest.status.in_(OPEN_STATUSES)).values(youth_lost_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()


def staff_connected(user_id: int) -> None:
    db.session.execute(update(CounsellorDuty).where(CounsellorDuty.user_id == user_id).values(lost_at=None)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def staff_disconnected(user_id: int, now: datetime | None = None) -> None:
    """Called when one of a staff member's sockets closed; if none is left, the grace starts."""
    from app.conversations import ConnectedSocket

    left = db.session.scalar(select(func.count()).select_from(ConnectedSocket).where(ConnectedSocket.user_id == user_id))
    if not left:
        db.session.execute(update(CounsellorDuty).where(CounsellorDuty.user_id == user_id, CounsellorDuty.lost_at.is_(None))
                           .values(lost_at=now or utcnow()).execution_options(synchronize_session=False))
        db.session.commit()


# --- ending, leaving, requeueing -------------------------------------------------------------
def end_chat(request: ChatRequest, by: str, now: datetime | None = None, *, status: str = "ended") -> None:
    """End an open chat (counsellor, young person, supervisor or system)."""
    now = now or utcnow()
    changed = db.session.execute(
        update(ChatRequest).where(ChatRequest.id == request.id, ChatRequest.status.in_(OPEN_STATUSES))
        .values(status=status, ended_at=now, ended_by=by, offered_to_id=None, offer_expires_at=None)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    db.session.refresh(request)
    if not changed:
        return
    conversation = db.session.get(Conversation, request.conversation_id) if request.conversation_id else None
    if conversation is not None:
        end_conversation(conversation, by=by)
    _emit("live_ended", {"request_id": request.id, "conversation_id": request.conversation_id, "by": by,
                         "status": status}, conversation_room(request.conversation_id))
    if request.counsellor_id:
        _emit("live_ended", {"request_id": request.id, "by": by}, user_room(request.counsellor_id))
    queue_changed(now)


def requeue(request: ChatRequest, now: datetime | None = None) -> bool:
    """The counsellor's connection was lost too long: the young person goes back to the front
    of the queue (their original place, before everyone who came later)."""
    now = now or utcnow()
    old = request.counsellor_id
    changed = db.session.execute(
        update(ChatRequest).where(ChatRequest.id == request.id, ChatRequest.status == "active",
                                  ChatRequest.counsellor_id == old)
        .values(status="waiting", counsellor_id=None, accepted_at=None, requeues=ChatRequest.requeues + 1,
                passed_by=[old] if old else [])
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.rollback()
        return False
    conversation = db.session.get(Conversation, request.conversation_id)
    for participant in conversation.participants:
        if participant.user_id == old and participant.left_at is None:
            participant.left_at = now
    db.session.commit()
    db.session.refresh(request)
    _system(request, "De verbinding met je counselor is verbroken. Je staat weer vooraan in de rij; "
                     "een andere counselor neemt het zo over.",
            "The connection with your counsellor was lost. You are back at the front of the line; "
            "another counsellor will take over soon.")
    _emit("live_requeued", {"request_id": request.id, "conversation_id": request.conversation_id},
          conversation_room(request.conversation_id))
    if old:
        _emit("live_ended", {"request_id": request.id, "by": "system"}, user_room(old))
    queue_changed(now)
    return True


def leave(request: ChatRequest, now: datetime | None = None) -> None:
    """The young person leaves (the queue or the chat)."""
    end_chat(request, "youth", now, status="left" if request.status in QUEUED_STATUSES else "ended")


# --- time ------------------------------------------------------------------------------------
def tick(now: datetime | None = None) -> dict[str, int]:
    """What time alone decides; safe to run in every worker at once."""
    from live_help.schedule import chat_status

    now = now or utcnow()
    done = {"offers_expired": 0, "youth_left": 0, "requeued": 0, "closed": 0}
    for request in list(db.session.scalars(select(ChatRequest).where(
            ChatRequest.status == "offered", ChatRequest.offer_expires_at < now))):
        user = db.session.get(User, request.offered_to_id) if request.offered_to_id else None
        if user is not None and decline(user, request.id, now, expired=True):
            done["offers_expired"] += 1
            # Someone who lets an offer run out is probably away: off duty, with a word why.
            db.session.execute(update(CounsellorDuty).where(CounsellorDuty.user_id == user.id)
                               .values(available=False).execution_options(synchronize_session=False))
            db.session.commit()
            _emit("live_duty", {"available": False, "reason": "offer_expired"}, user_room(user.id))
    grace = now - timedelta(seconds=setting("LIVE_GRACE_SECONDS"))
    for request in list(db.session.scalars(select(ChatRequest).where(
            ChatRequest.status.in_(QUEUED_STATUSES), ChatRequest.youth_lost_at < grace))):
        end_chat(request, "system", now, status="left")
        done["youth_left"] += 1
    lost = list(db.session.scalars(select(CounsellorDuty.user_id).where(CounsellorDuty.lost_at < grace)))
    if lost:
        for request in list(db.session.scalars(select(ChatRequest).where(
                ChatRequest.status == "active", ChatRequest.counsellor_id.in_(lost)))):
            done["requeued"] += int(requeue(request, now))
        db.session.execute(update(CounsellorDuty).where(CounsellorDuty.user_id.in_(lost))
                           .values(available=False).execution_options(synchronize_session=False))
        db.session.commit()
    status = chat_status(now)
    if not status.is_open and not on_duty_count():
        for request in list(db.session.scalars(select(ChatRequest).where(ChatRequest.status.in_(QUEUED_STATUSES)))):
            end_chat(request, "system", now, status="closed")
            done["closed"] += 1
    dispatch(now)
    broadcast(now, force=True)
    return done


_last_broadcast: dict[str, float] = {}


def queue_changed(now: datetime | None = None) -> None:
    """After any change to the queue: offer what can be offered, tell people where they are."""
    dispatch(now)
    broadcast(now)


def broadcast(now: datetime | None = None, *, force: bool = False) -> None:
    """Each waiting young person hears their position and expected wait; staff hear the
    figures and the queue. At most once per LIVE_BROADCAST_SECONDS per worker, unless forced
    (the tick sends what was held back)."""
    key = str(db.engine.url)
    moment = _time.monotonic()
    if not force and moment - _last_broadcast.get(key, 0.0) < setting("LIVE_BROADCAST_SECONDS"):
        return
    _last_broadcast[key] = moment
    now = now or utcnow()
    waiting = waiting_requests(limit=1000)
    duty = on_duty_count()
    handling = average_handling_minutes(now)
    for position, request in enumerate(waiting, start=1):
        _emit("live_position", {"request_id": request.id, "position": position,
                                "expected_minutes": expected_minutes(position, duty, handling),
                                "on_duty": duty}, conversation_room(request.conversation_id))
    # The figures from what is at hand (the list holds up to LIVE_MAX_WAITING, all who wait).
    now_figures = Figures(duty, len(waiting), expected_minutes(len(waiting) + 1, duty, handling))
    summary = {**now_figures.as_dict(), "queue": [queue_item(r, i) for i, r in enumerate(waiting[:50], start=1)]}
    _emit("live_queue", summary, STAFF_ROOM)


def queue_item(request: ChatRequest, position: int) -> dict:
    return {"request_id": request.id, "position": position, "nickname": request.nickname,
            "age_group": request.age_group, "topic": request.topic, "topic_titles": topic_titles(request.topic),
            "language": request.language,
            "risk_level": request.risk_level, "status": request.status,
            "offered_to": request.offered_to_id, "waited_seconds": int(request.waited_seconds)}


def position_of(request: ChatRequest) -> int:
    """1-based place in line (0 when not waiting)."""
    if request.status not in QUEUED_STATUSES:
        return 0
    ahead = db.session.scalar(select(func.count()).select_from(ChatRequest).where(
        ChatRequest.status.in_(QUEUED_STATUSES),
        or_(ChatRequest.risk_rank > request.risk_rank,
            and_(ChatRequest.risk_rank == request.risk_rank,
                 or_(ChatRequest.queued_at < request.queued_at,
                     and_(ChatRequest.queued_at == request.queued_at, ChatRequest.id < request.id)))))) or 0
    return ahead + 1


def youth_status(request: ChatRequest, now: datetime | None = None) -> dict:
    now = now or utcnow()
    position = position_of(request)
    duty = on_duty_count()
    counsellor = request.counsellor.display_name if request.counsellor_id and request.counsellor else None
    return {"request_id": request.id, "conversation_id": request.conversation_id, "status": request.status,
            "position": position, "on_duty": duty, "counsellor": counsellor,
            "expected_minutes": expected_minutes(position, duty, average_handling_minutes(now))}


# --- risk during the chat ----------------------------------------------------------------------
def on_message_stored(sender, payload: dict, conversation_kind: str = "", **_kwargs) -> None:
    """Every message of a young person in a live chat goes past the risk detector; a higher
    level moves a waiting chat up and alerts the supervisors."""
    if conversation_kind != "live" or sender.side != "youth" or payload.get("kind") != "text":
        return
    risk = _detector().detect(payload["body"])
    if not risk.is_risk:
        return
    rank = RISK_RANK[risk.level]
    raised = db.session.execute(
        update(ChatRequest).where(ChatRequest.conversation_id == payload["conversation_id"],
                                  ChatRequest.risk_rank < rank)
        .values(risk_level=risk.level, risk_rank=rank, risk_categories=list(risk.categories))
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not raised:
        return
    request = db.session.scalar(select(ChatRequest).where(ChatRequest.conversation_id == payload["conversation_id"]))
    if request.counsellor_id:
        _emit("live_risk", {"request_id": request.id, "risk_level": risk.level,
                            "categories": list(risk.categories)}, user_room(request.counsellor_id))
    if rank >= RISK_RANK["high"]:
        alert_supervisors(request, "message")
    if request.status in QUEUED_STATUSES:
        queue_changed()


def alert_supervisors(request: ChatRequest, source: str) -> None:
    _emit("live_alert", {"request_id": request.id, "risk_level": request.risk_level, "source": source,
                         "categories": list(request.risk_categories or []), "status": request.status},
          SUPERVISOR_ROOM)


def escalate(request: ChatRequest, user) -> None:
    """The counsellor's one-click escalation: acute, noted, supervisors alerted at once."""
    request.risk_level, request.risk_rank = "acute", RISK_RANK["acute"]
    db.session.add(ConversationNote(conversation_id=request.conversation_id, author_id=user.id,
                                    body=_("Escalated to the supervisor."), meta={"kind": "escalation"}))
    audit.record("chat.escalated", actor=user, object_type="chat_request", object_id=request.id)
    db.session.commit()
    alert_supervisors(request, "escalation")


# --- transfer, block ---------------------------------------------------------------------------
def transfer(request: ChatRequest, from_user, to_user, note: str = "") -> None:
    """Hand a running chat to a colleague on duty, who must be allowed one more chat."""
    if request.status != "active" or request.counsellor_id != from_user.id:
        raise LiveError("not_yours", _("This chat is not yours to transfer."))
    if to_user.id == from_user.id:
        raise LiveError("invalid", _("Choose a colleague."))
    duty = duty_of(to_user.id)
    if duty is None or not duty.available or duty.as_supervisor:
        raise LiveError("not_on_duty", _("%(name)s is not on duty.", name=to_user.display_name))
    check_gate(to_user)
    moved = db.session.execute(
        update(ChatRequest).where(ChatRequest.id == request.id, ChatRequest.status == "active",
                                  ChatRequest.counsellor_id == from_user.id)
        .values(counsellor_id=to_user.id, transfers=ChatRequest.transfers + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not moved:
        db.session.rollback()
        raise LiveError("taken", _("This chat changed hands already."))
    conversation = db.session.get(Conversation, request.conversation_id)
    old = conversation.participant_for(from_user.id)
    if old is not None:
        old.left_at = utcnow()
    _join_as_counsellor(conversation, to_user)
    if note.strip():
        db.session.add(ConversationNote(conversation_id=conversation.id, author_id=from_user.id,
                                        body=note.strip()[:2000], meta={"kind": "transfer"}))
    audit.record("chat.transferred", actor=from_user, subject=to_user, object_type="chat_request",
                 object_id=request.id)
    db.session.commit()
    db.session.refresh(request)
    _system(request, f"Je gesprek gaat verder met {to_user.display_name}.",
            f"Your chat continues with {to_user.display_name}.")
    _emit("live_transferred", {"request_id": request.id, "to": to_user.display_name}, user_room(from_user.id))
    _emit("live_chat_started", {"request_id": request.id, "transferred": True}, user_room(to_user.id))


def block(request: ChatRequest, user, reason: str, now: datetime | None = None) -> YouthBlock:
    """Block this young person's browser for LIVE_BLOCK_HOURS and end the chat."""
    now = now or utcnow()
    if not reason.strip():
        raise LiveError("invalid", _("Give a reason for the block."))
    entry = YouthBlock(browser_hash=request.browser_hash, until=now + timedelta(hours=setting("LIVE_BLOCK_HOURS")),
                       reason=reason.strip()[:500], request_id=request.id, blocked_by_id=user.id)
    db.session.add(entry)
    audit.record("chat.blocked", actor=user, object_type="chat_request", object_id=request.id,
                 hours=setting("LIVE_BLOCK_HOURS"))
    db.session.commit()
    _system(request, "Dit gesprek is beëindigd omdat de huisregels niet werden gevolgd. "
                     "Je kunt 24 uur geen nieuwe chat starten. Is het dringend? Bel 112, of 113 bij gedachten aan zelfdoding.",
            "This chat was ended because the house rules were not kept. You cannot start a new chat for 24 hours. "
            "Is it urgent? Call 112, or 113 if you are thinking about suicide.")
    end_chat(request, "counsellor", now, status="blocked")
    return entry


# --- supervision -------------------------------------------------------------------------------
def readers_of(conversation: Conversation) -> list[Participant]:
    return [p for p in conversation.participants if p.side == "supervisor" and p.left_at is None]


def read_along(request: ChatRequest, supervisor) -> Participant:
    """A supervisor joins silently: they read, the counsellor is told, the young person not."""
    conversation = db.session.get(Conversation, request.conversation_id)
    existing = conversation.participant_for(supervisor.id)
    if existing is not None:
        return existing
    participant = Participant(conversation=conversation, user_id=supervisor.id, side="supervisor",
                              display_name=supervisor.display_name[:60], can_write=False)
    db.session.add(participant)
    db.session.commit()
    if request.counsellor_id:
        _emit("live_reader", {"request_id": request.id, "name": supervisor.display_name, "reading": True},
              user_room(request.counsellor_id))
    return participant


def assign_reader(request: ChatRequest) -> Participant | None:
    """A supervised counsellor's chat gets the supervisor on duty with the fewest chats to read."""
    duties = list(db.session.scalars(select(CounsellorDuty).join(User).where(
        CounsellorDuty.available.is_(True), CounsellorDuty.lost_at.is_(None))))
    supervisors = [d.user for d in duties if d.user.has_role("supervisor") and d.user_id != request.counsellor_id]
    if not supervisors:
        _emit("live_alert", {"request_id": request.id, "risk_level": request.risk_level, "source": "supervised",
                             "status": request.status}, SUPERVISOR_ROOM)
        return None
    counts = dict(db.session.execute(select(Participant.user_id, func.count()).join(Conversation).where(
        Participant.side == "supervisor", Participant.left_at.is_(None), Conversation.status != "ended",
        Participant.user_id.in_([u.id for u in supervisors])).group_by(Participant.user_id)).all())
    chosen = min(supervisors, key=lambda u: (counts.get(u.id, 0), u.id))
    participant = read_along(request, chosen)
    _emit("live_read_along", {"request_id": request.id, "supervised": True}, user_room(chosen.id))
    return participant


def whisper(request: ChatRequest, supervisor, body: str) -> ConversationNote:
    """A word from the supervisor that only the counsellor sees."""
    text_ = (body or "").strip()
    if not text_ or len(text_) > 1000:
        raise LiveError("invalid", _("A whisper is 1 to 1,000 characters."))
    if not request.is_open or not request.counsellor_id:
        raise LiveError("ended", _("This chat has ended."))
    note = ConversationNote(conversation_id=request.conversation_id, author_id=supervisor.id, body=text_,
                            meta={"kind": "whisper"})
    db.session.add(note)
    db.session.commit()
    _emit("live_whisper", {"request_id": request.id, "from": supervisor.display_name, "body": text_,
                           "at": note.created_at.isoformat(timespec="seconds") + "Z"},
          user_room(request.counsellor_id))
    return note


def take_over(request: ChatRequest, supervisor) -> None:
    """The supervisor takes the chat; the counsellor stays to read along."""
    if request.status != "active":
        raise LiveError("ended", _("Only a running chat can be taken over."))
    check_gate(supervisor)
    old_id = request.counsellor_id
    moved = db.session.execute(
        update(ChatRequest).where(ChatRequest.id == request.id, ChatRequest.status == "active",
                                  ChatRequest.counsellor_id == old_id)
        .values(counsellor_id=supervisor.id).execution_options(synchronize_session=False)).rowcount
    if not moved:
        db.session.rollback()
        raise LiveError("taken", _("This chat changed hands already."))
    conversation = db.session.get(Conversation, request.conversation_id)
    for participant in conversation.participants:
        if participant.user_id == old_id and participant.left_at is None and participant.side == "counsellor":
            participant.side, participant.can_write = "supervisor", False
        if participant.user_id == supervisor.id and participant.left_at is None:
            participant.left_at = utcnow()
    _join_as_counsellor(conversation, supervisor)
    audit.record("chat.taken_over", actor=supervisor, object_type="chat_request", object_id=request.id,
                 from_user=old_id)
    db.session.commit()
    db.session.refresh(request)
    _system(request, f"{supervisor.display_name} neemt het gesprek over.",
            f"{supervisor.display_name} takes over the chat.")
    if old_id:
        _emit("live_taken_over", {"request_id": request.id, "by": supervisor.display_name}, user_room(old_id))


# --- shadow mode ------------------------------------------------------------------------------
def invite_shadow(request: ChatRequest, counsellor, trainee) -> Participant:
    """A certified counsellor lets a trainee in shadow mode write drafts in their chat."""
    if request.status != "active" or request.counsellor_id != counsellor.id:
        raise LiveError("not_yours", _("Only the counsellor of a running chat can invite a trainee."))
    gate = live_gate(trainee)
    if gate.mode != "shadow":
        raise LiveError("not_allowed", gate.message if gate.mode == "no" else _("%(name)s is certified already.", name=trainee.display_name))
    open_shadow = db.session.scalar(select(func.count()).select_from(Participant).join(Conversation).where(
        Participant.user_id == trainee.id, Participant.side == "shadow", Participant.left_at.is_(None),
        Conversation.status != "ended")) or 0
    if not gate.may_start(open_shadow):
        raise LiveError("at_limit", _("%(name)s is in another shadow chat already.", name=trainee.display_name))
    conversation = db.session.get(Conversation, request.conversation_id)
    participant = Participant(conversation=conversation, user_id=trainee.id, side="shadow",
                              display_name=trainee.display_name[:60], can_write=False)
    db.session.add(participant)
    audit.record("chat.shadow_invited", actor=counsellor, subject=trainee, object_type="chat_request",
                 object_id=request.id)
    db.session.commit()
    _emit("live_shadow", {"request_id": request.id}, user_room(trainee.id))
    return participant


def submit_draft(request: ChatRequest, trainee, body: str) -> ShadowDraft:
    conversation = db.session.get(Conversation, request.conversation_id)
    place = conversation.participant_for(trainee.id) if conversation else None
    if place is None or place.side != "shadow" or not request.is_open:
        raise LiveError("forbidden", _("You are not drafting in this chat."))
    if live_gate(trainee).mode != "shadow":
        raise LiveError("not_allowed", _("Shadow chats are not open to you now."))
    try:
        text_ = clean_body(body)
    except ChatError as exc:
        raise LiveError(exc.code, exc.detail) from None
    draft = ShadowDraft(request_id=request.id, author_id=trainee.id, body=text_)
    db.session.add(draft)
    db.session.commit()
    if request.counsellor_id:
        _emit("live_draft", draft_payload(draft), user_room(request.counsellor_id))
    return draft


def draft_payload(draft: ShadowDraft) -> dict:
    return {"draft_id": draft.id, "request_id": draft.request_id, "body": draft.body, "status": draft.status,
            "final_body": draft.final_body, "author": draft.author.display_name if draft.author else "",
            "at": draft.created_at.isoformat(timespec="seconds") + "Z"}


def decide_draft(draft: ShadowDraft, counsellor, action: str, body: str = "") -> ShadowDraft:
    """Approve (as written or edited) or reject a draft; only approved text reaches the youth."""
    request = db.session.get(ChatRequest, draft.request_id)
    if request is None or request.counsellor_id != counsellor.id or request.status != "active":
        raise LiveError("forbidden", _("Only the counsellor of this chat decides on drafts."))
    if draft.status != "pending":
        raise LiveError("decided", _("This draft was dealt with already."))
    if action not in ("approve", "reject"):
        raise LiveError("invalid", _("That could not be done."))
    check_gate(counsellor, running=0)
    final = (body or draft.body).strip() if action == "approve" else ""
    claimed = db.session.execute(update(ShadowDraft).where(ShadowDraft.id == draft.id, ShadowDraft.status == "pending")
                                 .values(status="claimed").execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        raise LiveError("decided", _("This draft was dealt with already."))
    db.session.refresh(draft)
    if action == "approve":
        conversation = db.session.get(Conversation, request.conversation_id)
        place = conversation.participant_for(counsellor.id)
        try:
            payload, _dup = post_message(place, final, client_id=f"draft-{draft.id}")
        except ChatError as exc:
            draft.status = "pending"
            db.session.commit()
            raise LiveError(exc.code, exc.detail) from None
        draft.message_seq = payload["seq"]
        draft.status = "approved" if final == draft.body else "edited"
        draft.final_body = final
    else:
        draft.status = "rejected"
    draft.reviewer_id = counsellor.id
    draft.decided_at = utcnow()
    db.session.commit()
    if draft.author_id:
        _emit("live_draft", draft_payload(draft), user_room(draft.author_id))
    return draft


# --- statistics hooks ----------------------------------------------------------------------------
def chats_finished(user, since: datetime | None) -> int:
    """For the certification gate: live chats this user finished as counsellor since `since`."""
    query = select(func.count()).select_from(ChatRequest).where(
        ChatRequest.counsellor_id == user.id, ChatRequest.status.in_(("ended", "blocked")),
        ChatRequest.accepted_at.is_not(None))
    if since is not None:
        query = query.where(ChatRequest.ended_at >= since)
    return db.session.scalar(query) or 0


def purge(now: datetime, days: int) -> dict[str, int]:
    """Delete transcripts (messages, notes, drafts) and clear youth data of chats that ended
    more than `days` ago; counts, grades, topic codes and risk levels stay."""
    before = now - timedelta(days=days)
    old = list(db.session.scalars(select(ChatRequest).where(
        ChatRequest.status.not_in(OPEN_STATUSES), ChatRequest.purged_at.is_(None),
        func.coalesce(ChatRequest.ended_at, ChatRequest.created_at) < before)))
    conversation_ids = [r.conversation_id for r in old if r.conversation_id]
    messages = 0
    if conversation_ids:
        messages = db.session.execute(delete(Message).where(Message.conversation_id.in_(conversation_ids))).rowcount
        db.session.execute(delete(ConversationNote).where(ConversationNote.conversation_id.in_(conversation_ids)))
        db.session.execute(delete(Participant).where(Participant.conversation_id.in_(conversation_ids)))
    drafts = 0
    for request in old:
        drafts += db.session.execute(delete(ShadowDraft).where(ShadowDraft.request_id == request.id)).rowcount
        request.nickname = ""
        request.browser_hash = ""
        request.purged_at = now
        if request.evaluation is not None:
            request.evaluation.comment = ""
        if request.registration is not None:
            request.registration.debrief = ""
    if conversation_ids:
        db.session.execute(delete(Conversation).where(Conversation.id.in_(conversation_ids)))
    expired_blocks = db.session.execute(delete(YouthBlock).where(YouthBlock.until < before)).rowcount
    db.session.commit()
    return {"chats": len(old), "messages": messages, "drafts": drafts, "blocks": expired_blocks}


def new_browser_key() -> str:
    return secrets.token_urlsafe(24)
