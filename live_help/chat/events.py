"""The live-help events on the one /chat namespace (docs/chat-protocol.md, "Live help").

Each handler answers with an acknowledgement: `{"ok": true, ...}` or
`{"ok": false, "error": CODE, "message": text for people}`. Staff events ask the
certification gate whenever they start or accept work.
"""

from __future__ import annotations

from flask import session
from flask_login import current_user
from flask_socketio import join_room

from app.conversations import Participant
from app.conversations.events import PARTICIPANTS_KEY
from app.extensions import db
from app.signals import chat_socket_closed, chat_socket_opened
from live_help.chat import services
from live_help.chat.models import ChatRequest, ShadowDraft

STAFF_ROLES = ("counsellor", "supervisor", "trainee")


def _error(code: str, message: str = "") -> dict:
    return {"ok": False, "error": code, **({"message": message} if message else {})}


def _number(data, key: str) -> int | None:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _youth_request() -> ChatRequest | None:
    """The chat request of the young person behind this socket (by their resume token)."""
    for pid in session.get(PARTICIPANTS_KEY, []):
        participant = db.session.get(Participant, pid)
        if participant is not None and participant.side == "youth":
            return db.session.scalar(db.select(ChatRequest).where(
                ChatRequest.conversation_id == participant.conversation_id))
    return None


def _staff(*roles: str):
    if not current_user.is_authenticated or not current_user.has_role(*(roles or STAFF_ROLES)):
        return None
    return current_user._get_current_object()


def _request_for_staff(data, *, supervisor: bool = False) -> tuple[ChatRequest | None, dict | None]:
    request_id = _number(data, "request_id")
    if request_id is None:
        return None, _error("invalid")
    request = db.session.get(ChatRequest, request_id)
    if request is None:
        return None, _error("forbidden")
    if supervisor:
        if not current_user.has_role("supervisor"):
            return None, _error("forbidden")
    elif request.counsellor_id != current_user.id and not current_user.has_role("supervisor"):
        return None, _error("forbidden")
    return request, None


# --- the young person -----------------------------------------------------------------------
def on_live_status(data=None):
    """Young person: where am I? `{}` → `{ok, request_id, status, position, expected_minutes, on_duty, counsellor}`."""
    request = _youth_request()
    if request is None:
        return _error("forbidden")
    return {"ok": True, **services.youth_status(request)}


def on_live_leave(data=None):
    """Young person: leave the queue or end the chat."""
    request = _youth_request()
    if request is None:
        return _error("forbidden")
    services.leave(request)
    return {"ok": True, "status": request.status}


# --- staff -------------------------------------------------------------------------------------
def on_live_hello(data=None):
    """Staff console opened: joins the queue room (and the supervisors' room) and returns the
    state: duty, figures, queue, open offers."""
    user = _staff()
    if user is None:
        return _error("forbidden")
    join_room(services.STAFF_ROOM)
    if user.has_role("supervisor"):
        join_room(services.SUPERVISOR_ROOM)
    duty = services.duty_of(user.id)
    offers = list(db.session.scalars(db.select(ChatRequest).where(
        ChatRequest.status == "offered", ChatRequest.offered_to_id == user.id)))
    waiting = services.waiting_requests(limit=50)
    return {"ok": True, "available": bool(duty and duty.available),
            "as_supervisor": bool(duty and duty.as_supervisor),
            "figures": services.figures().as_dict(),
            "queue": [services.queue_item(r, i) for i, r in enumerate(waiting, start=1)],
            "offers": [services.offer_payload(r) for r in offers]}


def on_live_duty(data=None):
    """Staff: `{available: bool}`; going on duty asks the gate."""
    user = _staff()
    if user is None:
        return _error("forbidden")
    try:
        duty = services.set_duty(user, bool(isinstance(data, dict) and data.get("available")))
    except services.LiveError as exc:
        return _error(exc.code, exc.message)
    return {"ok": True, "available": duty.available, "as_supervisor": duty.as_supervisor}


def on_live_accept(data=None):
    """Counsellor: `{request_id}` → `{ok, request_id, conversation_id}` or `taken`,
    `not_allowed`, `at_limit`."""
    user = _staff()
    request_id = _number(data, "request_id")
    if user is None:
        return _error("forbidden")
    if request_id is None:
        return _error("invalid")
    try:
        request = services.accept(user, request_id)
    except services.LiveError as exc:
        return _error(exc.code, exc.message)
    join_room(f"conversation:{request.conversation_id}")
    return {"ok": True, "request_id": request.id, "conversation_id": request.conversation_id}


def on_live_decline(data=None):
    """Counsellor: let an offer go to someone else."""
    user = _staff()
    request_id = _number(data, "request_id")
    if user is None:
        return _error("forbidden")
    if request_id is None:
        return _error("invalid")
    return {"ok": True} if services.decline(user, request_id) else _error("gone")


def on_live_escalate(data=None):
    """Counsellor: one-click escalation of their chat to the supervisors."""
    if _staff() is None:
        return _error("forbidden")
    request, error = _request_for_staff(data)
    if error:
        return error
    if request.counsellor_id != current_user.id or request.status != "active":
        return _error("forbidden")
    services.escalate(request, current_user._get_current_object())
    return {"ok": True}


def on_live_whisper(data=None):
    """Supervisor: `{request_id, body}`; only the chat's counsellor receives it."""
    if _staff("supervisor") is None:
        return _error("forbidden")
    request, error = _request_for_staff(data, supervisor=True)
    if error:
        return error
    try:
        services.whisper(request, current_user._get_current_object(), str(data.get("body", "")))
    except services.LiveError as exc:
        return _error(exc.code, exc.message)
    return {"ok": True}


def on_live_draft(data=None):
    """Trainee in shadow mode: `{request_id, body}` → a draft for the counsellor to approve."""
    user = _staff()
    request_id = _number(data, "request_id")
    if user is None:
        return _error("forbidden")
    request = db.session.get(ChatRequest, request_id) if request_id else None
    if request is None:
        return _error("forbidden")
    try:
        draft = services.submit_draft(request, user, data.get("body"))
    except services.LiveError as exc:
        return _error(exc.code, exc.message)
    return {"ok": True, "draft_id": draft.id}


def on_live_draft_decide(data=None):
    """Counsellor: `{draft_id, action: approve|reject, body?}`; approve sends (edited) text."""
    user = _staff()
    draft_id = _number(data, "draft_id")
    if user is None:
        return _error("forbidden")
    draft = db.session.get(ShadowDraft, draft_id) if draft_id else None
    if draft is None:
        return _error("forbidden")
    try:
        draft = services.decide_draft(draft, user, str(data.get("action", "")), str(data.get("body") or ""))
    except services.LiveError as exc:
        return _error(exc.code, exc.message)
    return {"ok": True, "status": draft.status, "seq": draft.message_seq}


EVENTS = {
    "live_status": on_live_status, "live_leave": on_live_leave, "live_hello": on_live_hello,
    "live_duty": on_live_duty, "live_accept": on_live_accept, "live_decline": on_live_decline,
    "live_escalate": on_live_escalate, "live_whisper": on_live_whisper, "live_draft": on_live_draft,
    "live_draft_decide": on_live_draft_decide,
}


# --- connections ------------------------------------------------------------------------------
def _opened(user, sid: str, participant_ids: list[int], **_kwargs) -> None:
    from flask import current_app

    from live_help.chat import start_queue_loop

    start_queue_loop(current_app._get_current_object())  # socket-only traffic also keeps time
    for pid in participant_ids:
        participant = db.session.get(Participant, pid)
        if participant is not None and participant.side == "youth" and participant.conversation.kind == "live":
            services.youth_connected(participant.conversation_id)
    if user is not None and services.duty_of(user.id) is not None:
        services.staff_connected(user.id)


def _closed(user, sid: str, participant_ids: list[int], **_kwargs) -> None:
    for pid in participant_ids:
        participant = db.session.get(Participant, pid)
        if participant is not None and participant.side == "youth" and participant.conversation.kind == "live":
            services.youth_disconnected(participant.conversation_id)
    if user is not None and services.duty_of(user.id) is not None:
        services.staff_disconnected(user.id)


def init_app(app) -> None:
    from app.conversations import register_chat_event

    for name, handler in EVENTS.items():
        register_chat_event(app, name, handler)
    chat_socket_opened.connect(_opened, weak=False)
    chat_socket_closed.connect(_closed, weak=False)
