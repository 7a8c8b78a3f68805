"""Mail pages: young people write and pick up without an account; counsellors answer from
one shared inbox; supervisors approve the answers that need a second pair of eyes."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from limits import parse as parse_limit

from app.certification.gate import live_gate
from app.extensions import db, limiter
from app.permissions import public, roles_required
from app.ratelimit import client_key
from app.timeutil import utcnow
from live_help.mail import forms, services
from live_help.mail.models import MailMessage, MailThread
from live_help.mail.services import MailError
from live_help.personal_data import personal_data

bp = Blueprint("live_help_mail", __name__, template_folder="../templates")

STAFF = ("counsellor", "supervisor")
SESSION_KEY = "mail_thread"
URGENT_LEVELS = ("high", "acute")


def _no_store(response, status: int | None = None):
    response = make_response(response) if status is None else make_response(response, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _within_limit() -> bool:
    """A friendly flood check for new mails and replies, keyed without an IP address."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    item = parse_limit(services.setting("MAIL_RATE_LIMIT"))
    return limiter.limiter.hit(item, "mail-write", client_key())


def _lang() -> str:
    locale = str(get_locale() or "nl")
    return locale if locale in ("nl", "en") else "nl"


# --- young people -----------------------------------------------------------------------------
def _remember(thread: MailThread) -> None:
    session[SESSION_KEY] = [thread.id, services.session_stamp(thread)]


def _open_thread() -> MailThread | None:
    remembered = session.get(SESSION_KEY)
    if not isinstance(remembered, list) or len(remembered) != 2:
        return None
    thread = services.thread_for_session(*remembered)
    if thread is None:
        session.pop(SESSION_KEY, None)
    return thread


def _due_for_youth(thread: MailThread):
    return services.answer_due(thread.waiting_since) if thread.status == "waiting" else None


@bp.route("/mail/schrijven", methods=["GET", "POST"])
@public
def write():
    form = forms.WriteForm()

    def page(status: int = 200, personal: list[str] | None = None, slow_down: bool = False):
        return _no_store(render_template("live_help/mail/write.html", form=form, personal=personal or [],
                                         slow_down=slow_down), status)

    if not form.validate_on_submit():
        return page(400 if form.is_submitted() else 200)
    found = personal_data(f"{form.subject.data}\n{form.body.data}")
    if found and form.personal_checked.data != "1":
        # Friendly, not blocking: say what we saw once; sending again goes through.
        form.personal_checked.data = "1"
        return page(personal=found)
    if not _within_limit():
        return page(429, slow_down=True)
    use_link = form.access.data == "link"
    written = services.write_question(form.subject.data, form.body.data, password=form.password.data,
                                      use_link=use_link, age_group=form.age_group.data or "",
                                      gender=form.gender.data or "", lang=_lang())
    link = url_for(".by_link", token=written.link_token, _external=True) if use_link else ""
    return _no_store(render_template("live_help/mail/written.html", thread=written.thread,
                                     code=services.show_code(written.code), link=link,
                                     due=services.answer_due(written.thread.waiting_since),
                                     urgent=written.thread.risk_level in URGENT_LEVELS))


@bp.route("/mail/ophalen", methods=["GET", "POST"])
@public
def pickup():
    form = forms.PickupForm()

    def page(status: int = 200, message: str = "", slow_down: bool = False):
        if message:
            form.password.errors = [message]
        return _no_store(render_template("live_help/mail/pickup.html", form=form, slow_down=slow_down), status)

    if not form.validate_on_submit():
        return page(400 if form.is_submitted() else 200)
    try:
        thread = services.open_with_password(form.code.data, form.password.data)
    except MailError as error:
        if error.code == "limited":
            return page(429, slow_down=True)
        return page(403, _("This code and password do not fit together. Check both and try again."))
    _remember(thread)
    return redirect(url_for(".conversation"))


@bp.route("/mail/link/<token>")
@public
def by_link(token: str):
    thread = services.open_with_link(token)
    if thread is None:
        return _no_store(render_template("live_help/mail/link_unknown.html"), 404)
    _remember(thread)
    return _no_store(redirect(url_for(".conversation")))


@bp.route("/mail/gesprek", methods=["GET", "POST"])
@public
def conversation():
    """The young person's thread: question, answers, replies; and a reply form."""
    thread = _open_thread()
    if thread is None:
        flash(_("Enter your code and password to read your mail."), "info")
        return redirect(url_for(".pickup"))
    form = forms.ReplyForm()

    def page(status: int = 200, slow_down: bool = False):
        return _no_store(render_template("live_help/mail/conversation.html", thread=thread, form=form,
                                         due=_due_for_youth(thread), slow_down=slow_down), status)

    if not form.is_submitted():
        return page()
    if not form.validate():
        return page(400)
    if not _within_limit():
        return page(429, slow_down=True)
    services.youth_reply(thread, form.body.data)
    flash(_("Your reply has been sent. A counsellor will answer it."), "success")
    return redirect(url_for(".conversation"))


@bp.route("/mail/gesprek/verwijderen", methods=["GET", "POST"])
@public
def delete():
    thread = _open_thread()
    if thread is None:
        return redirect(url_for(".pickup"))
    form = forms.DeleteForm()
    if form.validate_on_submit():
        services.delete_thread(thread)
        session.pop(SESSION_KEY, None)
        return _no_store(render_template("live_help/mail/deleted.html"))
    return _no_store(render_template("live_help/mail/delete.html", thread=thread, form=form))


@bp.route("/mail/sluiten")
@public
def close():
    """Forget the open thread in this browser (on a shared computer, for instance)."""
    session.pop(SESSION_KEY, None)
    flash(_("Your mail is closed on this device. You need your code and password to open it again."), "success")
    return redirect(url_for("live_help.chat_and_mail") + "#mail")


# --- counsellors -----------------------------------------------------------------------------
def _thread_or_404(thread_id: int) -> MailThread:
    thread = db.session.get(MailThread, thread_id)
    if thread is None:
        abort(404)
    return thread


def _gate():
    return live_gate(current_user)


def _refused(gate):
    return render_template("live_help/mail/not_live.html", gate=gate)


def _refuse_action(gate):
    flash(gate.message, "error")
    return redirect(url_for(".inbox"))


ERRORS = {
    "not_yours": lambda: _("Another counsellor has taken this question."),
    "in_approval": lambda: _("Your answer is waiting for a supervisor; you cannot change it now."),
    "length": lambda: _("Write your answer (at most %(n)d characters).", n=services.BODY_MAX),
    "gate": lambda: _("You cannot answer mail at the moment."),
    "not_waiting": lambda: _("This answer is no longer waiting for approval."),
    "own_answer": lambda: _("Another supervisor approves your own answers."),
    "note": lambda: _("Write a comment for the counsellor when you return an answer."),
}


@bp.route("/mail/postvak")
@roles_required(*STAFF)
def inbox():
    gate = _gate()
    if not gate.allowed:
        return _refused(gate)
    return render_template("live_help/mail/inbox.html", rows=services.inbox(), gate=gate,
                           approvals=services.approvals_waiting() if current_user.has_role("admin", "supervisor") else 0)


@bp.route("/mail/postvak/<int:thread_id>")
@roles_required(*STAFF)
def thread(thread_id: int):
    found = _thread_or_404(thread_id)
    gate = _gate()
    if not gate.allowed:
        return _refused(gate)
    services.record_opened(found, current_user)
    pending = services.pending_answer(found)
    form = forms.AnswerForm(formdata=None, body=pending.body if pending else "")
    return _staff_thread_page(found, gate, form, pending)


def _staff_thread_page(found: MailThread, gate, form, pending: MailMessage | None, status: int = 200):
    return render_template("live_help/mail/staff_thread.html", thread=found, gate=gate, form=form, pending=pending,
                           action_form=forms.ActionForm(formdata=None),
                           due=services.answer_due(found.waiting_since) if found.status == "waiting" else None,
                           now=utcnow(), needs_approval=services.needs_approval(current_user, gate),
                           readers=services.readers(found)), status


@bp.route("/mail/postvak/<int:thread_id>/claimen", methods=["POST"])
@roles_required(*STAFF)
def claim(thread_id: int):
    found = _thread_or_404(thread_id)
    gate = _gate()
    if not gate.allowed:
        return _refuse_action(gate)
    if found.status != "waiting":
        flash(_("This question has been answered already."), "info")
    elif services.claim(found.id, current_user):
        flash(_("You have taken this question. Others see that you are answering it."), "success")
    else:
        flash(_("Another counsellor has taken this question just now."), "error")
    return redirect(url_for(".thread", thread_id=found.id))


@bp.route("/mail/postvak/<int:thread_id>/vrijgeven", methods=["POST"])
@roles_required(*STAFF)
def release(thread_id: int):
    found = _thread_or_404(thread_id)
    gate = _gate()
    if not gate.allowed:
        return _refuse_action(gate)
    try:
        services.release(found, current_user)
    except MailError as error:
        flash(ERRORS[error.code](), "error")
        return redirect(url_for(".thread", thread_id=found.id))
    flash(_("The question is back in the inbox."), "success")
    return redirect(url_for(".inbox"))


@bp.route("/mail/postvak/<int:thread_id>/antwoord", methods=["POST"])
@roles_required(*STAFF)
def answer(thread_id: int):
    found = _thread_or_404(thread_id)
    gate = _gate()
    if not gate.allowed:
        return _refuse_action(gate)
    form = forms.AnswerForm()
    if not form.validate_on_submit():
        return _staff_thread_page(found, gate, form, services.pending_answer(found), 400)
    try:
        if form.send.data:
            message = services.send_answer(found, current_user, form.body.data, gate)
        else:
            message = services.save_draft(found, current_user, form.body.data)
    except MailError as error:
        flash(ERRORS[error.code](), "error")
        return redirect(url_for(".thread", thread_id=found.id))
    if message.status == "sent":
        flash(_("Your answer has been sent. The young person reads it with their code."), "success")
        return redirect(url_for(".inbox"))
    if message.status == "approval":
        flash(_("Your answer waits for a supervisor's approval before the young person sees it."), "success")
        return redirect(url_for(".inbox"))
    flash(_("Draft saved."), "success")
    return redirect(url_for(".thread", thread_id=found.id))


# --- supervisors -----------------------------------------------------------------------------
def _approver_gate():
    """Approving is live work: a supervisor with a valid certificate out of supervision."""
    gate = _gate()
    return gate, gate.mode == "live"


@bp.route("/mail/goedkeuren")
@roles_required("supervisor")
def approvals():
    gate, may = _approver_gate()
    if not may:
        return _refused(gate)
    return render_template("live_help/mail/approvals.html", queue=services.approval_queue())


@bp.route("/mail/goedkeuren/<int:answer_id>", methods=["GET", "POST"])
@roles_required("supervisor")
def review(answer_id: int):
    message = db.session.get(MailMessage, answer_id)
    if message is None or message.author != "counsellor":
        abort(404)
    gate, may = _approver_gate()
    if not may:
        return _refused(gate)
    form = forms.ReviewForm(body=message.body) if message.status == "approval" else forms.ReviewForm(formdata=None)
    if form.is_submitted() and message.status == "approval":
        if form.validate() and (form.send_back.data or form.approve.data):
            try:
                if form.send_back.data:
                    services.return_answer(message, current_user, form.note.data or "")
                    flash(_("The answer went back to the counsellor with your comment."), "success")
                else:
                    services.approve(message, current_user, form.body.data)
                    flash(_("Approved: the young person can read the answer now."), "success")
                return redirect(url_for(".approvals"))
            except MailError as error:
                form.note.errors = [*form.note.errors, ERRORS[error.code]()]
        status = 400
    else:
        services.record_opened(message.thread, current_user)
        status = 200
    return render_template("live_help/mail/review.html", message=message, thread=message.thread, form=form), status
