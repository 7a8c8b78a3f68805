"""Pages of live chat: the young person's start, waiting room, chat, evaluation and download;
the counsellor's console and chat page; the supervisor's overview; transcripts."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import audit
from app.accounts.models import User
from app.certification import live_gate
from app.conversations import Conversation, ConversationNote, history, phase_timeline
from app.extensions import csrf, db
from app.permissions import can, policy, public, roles_required
from app.timeutil import utcnow
from live_help.chat import forms, services
from live_help.chat.models import (
    QUEUED_STATUSES,
    ChatEvaluation,
    ChatRegistration,
    ChatRequest,
    CounsellorDuty,
    ShadowDraft,
)
from live_help.chat.quick_texts import quick_texts
from live_help.schedule import chat_status

bp = Blueprint("live_chat", __name__)

BROWSER_COOKIE = "hm_chat"
BROWSER_COOKIE_DAYS = 30
TOKEN_KEY = "live_token"  # noqa: S105 - the session key name, not a secret
STAFF_ROLES = ("counsellor", "supervisor", "trainee")


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _locale() -> str:
    return str(get_locale() or "nl")


# --- the young person -----------------------------------------------------------------------
def _browser_key() -> tuple[str, bool]:
    """The random key of this browser (a cookie without anything personal), made if new."""
    key = request.cookies.get(BROWSER_COOKIE, "")
    if 20 <= len(key) <= 64 and key.replace("-", "").replace("_", "").isalnum():
        return key, False
    return services.new_browser_key(), True


def _with_browser_cookie(response, key: str, new: bool):
    if new:
        response.set_cookie(BROWSER_COOKIE, key, max_age=BROWSER_COOKIE_DAYS * 86400, httponly=True,
                            samesite="Lax", secure=request.is_secure)
    return response


def _youth_request() -> tuple[ChatRequest | None, str | None]:
    token = session.get(TOKEN_KEY)
    request_, _participant = services.request_for_token(token)
    return request_, token if request_ is not None else None


@bp.route("/chat/starten", methods=["GET", "POST"])
@public
def start():
    existing, _token = _youth_request()
    if existing is not None and existing.is_open:
        return redirect(url_for("live_chat.chat"))
    form = forms.StartForm()
    key, new = _browser_key()
    status = chat_status(utcnow())
    problem, code = None, 200
    if form.validate_on_submit():
        data = services.StartForm(nickname=form.nickname.data or "", age_group=form.age_group.data,
                                  gender=form.gender.data or "", topic=form.topic.data, language=form.language.data or "",
                                  first_message=form.first_message.data or "", site_language=_locale())
        try:
            chat_request, token = services.start_chat(data, key)
        except services.LiveError as exc:
            problem, code = exc.message, 429 if exc.code in ("too_many", "busy") else 403 if exc.code == "blocked" else 200
        else:
            session[TOKEN_KEY] = token
            return _with_browser_cookie(redirect(url_for("live_chat.chat")), key, new)
    elif request.method == "POST":
        code = 400
    response = make_response(render_template("live_help/chat/start.html", form=form, status=status,
                                             figures=services.figures(), problem=problem), code)
    return _no_store(_with_browser_cookie(response, key, new))


@bp.route("/api/chat/start", methods=["POST"])
@public
@csrf.exempt
def api_start():
    """For any Socket.IO client (docs/chat-protocol.md): JSON in, a resume token out."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(ok=False, error="invalid", message=_("Send a JSON object.")), 400
    form = forms.StartForm(data={k: v for k, v in data.items() if isinstance(v, (str, bool))}, meta={"csrf": False})
    browser = data.get("browser")
    if not isinstance(browser, str) or not 20 <= len(browser) <= 64 or not browser.replace("-", "").replace("_", "").isalnum():
        return jsonify(ok=False, error="invalid", message=_("browser is a random key of 20 to 64 letters and digits.")), 400
    if not form.validate():
        return jsonify(ok=False, error="invalid", fields={k: [str(e) for e in v] for k, v in form.errors.items()}), 400
    start_form = services.StartForm(nickname=form.nickname.data or "", age_group=form.age_group.data,
                                    gender=form.gender.data or "", topic=form.topic.data,
                                    language=form.language.data or "", first_message=form.first_message.data or "",
                                    site_language=data.get("lang") if data.get("lang") in ("nl", "en") else _locale())
    try:
        chat_request, token = services.start_chat(start_form, browser)
    except services.LiveError as exc:
        status = 429 if exc.code in ("too_many", "busy") else 403 if exc.code in ("blocked",) else 409
        return jsonify(ok=False, error=exc.code, message=exc.message), status
    return jsonify(ok=True, token=token, request_id=chat_request.id, conversation_id=chat_request.conversation_id)


@bp.route("/chat/gesprek")
@public
def chat():
    chat_request, token = _youth_request()
    if chat_request is None:
        flash(_("Start a chat first."), "info")
        return redirect(url_for("live_chat.start"))
    conversation = db.session.get(Conversation, chat_request.conversation_id)
    return _no_store(render_template(
        "live_help/chat/youth.html", chat_request=chat_request, token=token, conversation=conversation,
        messages=history(conversation) if conversation else [], status=services.youth_status(chat_request),
        leave_form=forms.ActionForm()))


@bp.route("/chat/gesprek/verlaten", methods=["POST"])
@public
def leave():
    chat_request, _token = _youth_request()
    form = forms.ActionForm()
    if chat_request is None or not form.validate_on_submit():
        return redirect(url_for("live_chat.start"))
    if chat_request.is_open:
        services.leave(chat_request)
    if chat_request.accepted_at is None:
        session.pop(TOKEN_KEY, None)
        flash(_("You left the line. You can always send a mail instead."), "info")
        return redirect(url_for("live_help.chat_and_mail") + "#mail")
    return redirect(url_for("live_chat.evaluation"))


@bp.route("/chat/evaluatie", methods=["GET", "POST"])
@public
def evaluation():
    chat_request, _token = _youth_request()
    if chat_request is None:
        return redirect(url_for("live_chat.start"))
    if chat_request.is_open:
        return redirect(url_for("live_chat.chat"))
    form = forms.EvaluationForm()
    done = chat_request.evaluation is not None
    if not done and form.validate_on_submit():
        db.session.add(ChatEvaluation(request_id=chat_request.id, grade=form.grade.data,
                                      understood=form.understood.data, helped=form.helped.data,
                                      background=form.background.data or "", comment=form.comment.data or ""))
        db.session.commit()
        flash(_("Thank you. Your answers help us do better."), "success")
        return redirect(url_for("live_chat.evaluation"))
    code = 400 if request.method == "POST" and not done else 200
    return _no_store(make_response(render_template("live_help/chat/evaluation.html", form=form, done=done,
                                                   chat_request=chat_request, forget_form=forms.ActionForm()), code))


@bp.route("/chat/gesprek.txt")
@public
def download():
    """The young person's own conversation as plain text."""
    chat_request, _token = _youth_request()
    if chat_request is None or chat_request.conversation_id is None:
        abort(404)
    conversation = db.session.get(Conversation, chat_request.conversation_id)
    lines = [_("Chat with Hulpmix"), chat_request.created_at.strftime("%Y-%m-%d"), ""]
    from app.templating import chat_time

    for m in history(conversation):
        who = _("You") if m["side"] == "youth" else (m["author"] if m["side"] == "counsellor" else "Hulpmix")
        lines.append(f"[{chat_time(m['at'])}] {who}: {m['body']}")
    response = make_response("\n".join(lines) + "\n")
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename=hulpmix-chat-{chat_request.created_at:%Y-%m-%d}.txt"
    return _no_store(response)


@bp.route("/chat/vergeten", methods=["POST"])
@public
def forget():
    form = forms.ActionForm()
    if form.validate_on_submit():
        session.pop(TOKEN_KEY, None)
        flash(_("This browser no longer shows your chat."), "info")
    return redirect(url_for("live_help.home"))


# --- staff -------------------------------------------------------------------------------------
@policy("live_chat.view")
def _may_view(user, chat_request: ChatRequest) -> bool:
    if user.has_role("supervisor"):
        return True
    if chat_request.counsellor_id == user.id:
        return True
    conversation = db.session.get(Conversation, chat_request.conversation_id) if chat_request.conversation_id else None
    return conversation is not None and any(p.user_id == user.id for p in conversation.participants)


def _staff_request(request_id: int, action: str = "live_chat.view") -> ChatRequest:
    chat_request = db.session.get(ChatRequest, request_id)
    if chat_request is None:
        abort(404)
    if not can(current_user, action, chat_request):
        abort(403)
    return chat_request


def _log_opened(chat_request: ChatRequest, where: str) -> None:
    audit.record("chat.transcript_opened", actor=current_user, object_type="chat_request",
                 object_id=chat_request.id, page=where)
    db.session.commit()


def _my_chats(user_id: int) -> list[ChatRequest]:
    return list(db.session.scalars(select(ChatRequest).where(
        ChatRequest.counsellor_id == user_id, ChatRequest.status == "active").order_by(ChatRequest.accepted_at)))


@bp.route("/hulp/console")
@roles_required(*STAFF_ROLES)
def console():
    gate = live_gate(current_user)
    duty = services.duty_of(current_user.id)
    shadow_chats = list(db.session.scalars(select(ChatRequest).join(Conversation, ChatRequest.conversation_id == Conversation.id)
                                           .where(ChatRequest.status == "active",
                                                  Conversation.participants.any(user_id=current_user.id, side="shadow", left_at=None))))
    return _no_store(render_template("live_help/chat/console.html", gate=gate, duty=duty, my_chats=_my_chats(current_user.id),
                                     shadow_chats=shadow_chats, figures=services.figures(),
                                     queue=services.waiting_requests(limit=50), status=chat_status(utcnow())))


@bp.route("/hulp/chat/<int:request_id>")
@roles_required(*STAFF_ROLES)
def staff_chat(request_id: int):
    chat_request = _staff_request(request_id)
    conversation = db.session.get(Conversation, chat_request.conversation_id) if chat_request.conversation_id else None
    if conversation is None:
        abort(404)
    _log_opened(chat_request, "chat")
    place = conversation.participant_for(current_user.id)
    side = place.side if place is not None else "supervisor"
    colleagues = list(db.session.scalars(select(User).join(CounsellorDuty).where(
        CounsellorDuty.available.is_(True), CounsellorDuty.as_supervisor.is_(False), User.id != current_user.id)))
    transfer_form = forms.TransferForm()
    transfer_form.to_user.choices = [(u.id, u.display_name) for u in colleagues]
    shadow_form = forms.ShadowForm()
    trainees = [u for u in colleagues if u.has_role("trainee") and live_gate(u).mode == "shadow"]
    shadow_form.trainee.choices = [(u.id, u.display_name) for u in trainees]
    registration = forms.RegistrationForm(risk_level=chat_request.risk_level)
    notes = list(db.session.scalars(select(ConversationNote).where(ConversationNote.conversation_id == conversation.id)
                                    .order_by(ConversationNote.id)))
    drafts = list(db.session.scalars(select(ShadowDraft).where(ShadowDraft.request_id == chat_request.id)
                                     .order_by(ShadowDraft.id)))
    from live_help.rendering import help_content

    return _no_store(render_template(
        "live_help/chat/staff_chat.html", chat_request=chat_request, conversation=conversation, side=side,
        place=place, messages=history(conversation), my_chats=_my_chats(current_user.id),
        readers=services.readers_of(conversation), transfer_form=transfer_form, block_form=forms.BlockForm(),
        note_form=forms.NoteForm(), registration=registration, shadow_form=shadow_form, action_form=forms.ActionForm(),
        notes=notes, whispers=[n for n in notes if (n.meta or {}).get("kind") == "whisper"], drafts=drafts, quick_texts=quick_texts(_locale()), topics=help_content().topics.values(),
        lang=_locale(), is_mine=chat_request.counsellor_id == current_user.id,
        duty=services.duty_of(current_user.id), figures=services.figures()))


def _mine_and_active(request_id: int) -> ChatRequest:
    chat_request = _staff_request(request_id)
    if chat_request.counsellor_id != current_user.id:
        abort(403)
    return chat_request


@bp.route("/hulp/chat/<int:request_id>/einde", methods=["POST"])
@roles_required("counsellor", "supervisor")
def end(request_id: int):
    chat_request = _mine_and_active(request_id)
    form = forms.RegistrationForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("live_chat.staff_chat", request_id=request_id))
    if chat_request.is_open:
        services.end_chat(chat_request, "counsellor")
    if chat_request.registration is None:
        db.session.add(ChatRegistration(request_id=chat_request.id, counsellor_id=current_user.id,
                                        topic_codes=list(form.topic_codes.data), risk_level=form.risk_level.data))
        db.session.commit()
    if form.risk_level.data in ("high", "acute") or chat_request.risk_level in ("high", "acute"):
        return redirect(url_for("live_chat.debrief", request_id=request_id))
    flash(_("The chat has ended and is registered."), "success")
    return redirect(url_for("live_chat.console"))


@bp.route("/hulp/chat/<int:request_id>/nabespreking", methods=["GET", "POST"])
@roles_required("counsellor", "supervisor")
def debrief(request_id: int):
    chat_request = _staff_request(request_id)
    registration = chat_request.registration
    if registration is None or registration.counsellor_id != current_user.id:
        abort(404)
    form = forms.DebriefForm(obj=registration)
    if form.validate_on_submit():
        registration.debrief = form.debrief.data or ""
        db.session.commit()
        flash(_("Saved. Take a moment before your next chat."), "success")
        return redirect(url_for("live_chat.console"))
    return _no_store(render_template("live_help/chat/debrief.html", form=form, chat_request=chat_request))


@bp.route("/hulp/chat/<int:request_id>/overdragen", methods=["POST"])
@roles_required("counsellor", "supervisor")
def transfer(request_id: int):
    chat_request = _mine_and_active(request_id)
    form = forms.TransferForm()
    form.to_user.choices = [(u.id, u.display_name) for u in db.session.scalars(
        select(User).join(CounsellorDuty).where(CounsellorDuty.available.is_(True)))]
    if form.validate_on_submit():
        colleague = db.session.get(User, form.to_user.data)
        try:
            services.transfer(chat_request, current_user, colleague, form.note.data or "")
        except services.LiveError as exc:
            flash(exc.message, "error")
            return redirect(url_for("live_chat.staff_chat", request_id=request_id))
        flash(_("The chat now continues with %(name)s.", name=colleague.display_name), "success")
        return redirect(url_for("live_chat.console"))
    flash(_("Choose a colleague on duty."), "error")
    return redirect(url_for("live_chat.staff_chat", request_id=request_id))


@bp.route("/hulp/chat/<int:request_id>/blokkeren", methods=["POST"])
@roles_required("counsellor", "supervisor")
def block(request_id: int):
    chat_request = _mine_and_active(request_id)
    form = forms.BlockForm()
    if form.validate_on_submit() and chat_request.is_open:
        services.block(chat_request, current_user, form.reason.data)
        flash(_("The young person is blocked for 24 hours and the chat has ended."), "success")
        return redirect(url_for("live_chat.console"))
    flash(_("Give a reason for the block."), "error")
    return redirect(url_for("live_chat.staff_chat", request_id=request_id))


@bp.route("/hulp/chat/<int:request_id>/notitie", methods=["POST"])
@roles_required(*STAFF_ROLES)
def note(request_id: int):
    chat_request = _staff_request(request_id)
    form = forms.NoteForm()
    if form.validate_on_submit():
        db.session.add(ConversationNote(conversation_id=chat_request.conversation_id, author_id=current_user.id,
                                        body=form.body.data, meta={"kind": "note"}))
        db.session.commit()
        flash(_("Note saved."), "success")
    else:
        flash(_("Write a note first."), "error")
    return redirect(url_for("live_chat.staff_chat", request_id=request_id) + "#notes")


@bp.route("/hulp/chat/<int:request_id>/meelezen", methods=["POST"])
@roles_required("supervisor")
def read_along(request_id: int):
    chat_request = _staff_request(request_id)
    if forms.ActionForm().validate_on_submit() and chat_request.is_open:
        services.read_along(chat_request, current_user)
    return redirect(url_for("live_chat.staff_chat", request_id=request_id))


@bp.route("/hulp/chat/<int:request_id>/overnemen", methods=["POST"])
@roles_required("supervisor")
def take_over(request_id: int):
    chat_request = _staff_request(request_id)
    if forms.ActionForm().validate_on_submit():
        try:
            services.take_over(chat_request, current_user)
            flash(_("You have taken over this chat."), "success")
        except services.LiveError as exc:
            flash(exc.message, "error")
    return redirect(url_for("live_chat.staff_chat", request_id=request_id))


@bp.route("/hulp/chat/<int:request_id>/schaduw", methods=["POST"])
@roles_required("counsellor", "supervisor")
def invite_shadow(request_id: int):
    chat_request = _mine_and_active(request_id)
    form = forms.ShadowForm()
    form.trainee.choices = [(u.id, u.display_name) for u in db.session.scalars(select(User).join(CounsellorDuty).where(
        CounsellorDuty.available.is_(True)))]
    if form.validate_on_submit():
        try:
            services.invite_shadow(chat_request, current_user, db.session.get(User, form.trainee.data))
            flash(_("The trainee now drafts replies; you approve each one."), "success")
        except services.LiveError as exc:
            flash(exc.message, "error")
    else:
        flash(_("Choose a trainee."), "error")
    return redirect(url_for("live_chat.staff_chat", request_id=request_id))


@bp.route("/hulp/supervisie")
@roles_required("supervisor")
def supervision():
    running = list(db.session.scalars(select(ChatRequest).where(ChatRequest.status == "active")
                                      .options(selectinload(ChatRequest.counsellor))
                                      .order_by(ChatRequest.risk_rank.desc(), ChatRequest.accepted_at)))
    on_duty = list(db.session.scalars(select(CounsellorDuty).where(CounsellorDuty.available.is_(True))
                                      .options(selectinload(CounsellorDuty.user))))
    return _no_store(render_template("live_help/chat/supervision.html", running=running, on_duty=on_duty,
                                     queue=services.waiting_requests(limit=100), figures=services.figures(),
                                     action_form=forms.ActionForm(), duty=services.duty_of(current_user.id),
                                     gate=live_gate(current_user)))


@bp.route("/hulp/gesprekken")
@roles_required("counsellor", "supervisor")
def transcripts():
    query = select(ChatRequest).where(ChatRequest.status.not_in(QUEUED_STATUSES + ("active",)),
                                      ChatRequest.accepted_at.is_not(None))
    if not current_user.has_role("supervisor"):
        query = query.where(ChatRequest.counsellor_id == current_user.id)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows = list(db.session.scalars(
        query.options(selectinload(ChatRequest.counsellor), selectinload(ChatRequest.registration),
                      selectinload(ChatRequest.evaluation))
        .order_by(ChatRequest.ended_at.desc()).limit(50).offset((page - 1) * 50)))
    return _no_store(render_template("live_help/chat/transcripts.html", rows=rows, page=page))


@bp.route("/hulp/gesprekken/<int:request_id>")
@roles_required("counsellor", "supervisor")
def transcript(request_id: int):
    chat_request = _staff_request(request_id)
    conversation = db.session.get(Conversation, chat_request.conversation_id) if chat_request.conversation_id else None
    _log_opened(chat_request, "transcript")
    opened = list(db.session.scalars(select(audit.AuditEvent).where(
        audit.AuditEvent.object_type == "chat_request", audit.AuditEvent.object_id == str(chat_request.id),
        audit.AuditEvent.action == "chat.transcript_opened").order_by(audit.AuditEvent.at.desc()).limit(50)))
    return _no_store(render_template(
        "live_help/chat/transcript.html", chat_request=chat_request, conversation=conversation,
        messages=history(conversation) if conversation else [],
        timeline=phase_timeline(conversation) if conversation else [], opened=opened))

