"""The dashboard per role, the language switch and the pages every visitor may read."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from app.accounts.labels import ROLE_LABELS
from app.dashboard import Panel, panels_for
from app.extensions import csrf, db
from app.permissions import login_required, public

bp = Blueprint("site", __name__)


def _account_panels(user) -> list[Panel]:
    """Steps every account should take, before any feature's panels."""
    found: list[Panel] = []
    if user.needs_two_factor and user.totp_enabled_at is None:
        found.append(Panel(
            _("Turn on two-factor login"),
            _("Your role lets you read young people's words, so your next login asks for a code from an authenticator app."),
            tone="alert", order=0,
        ))
    if not user.languages:
        found.append(Panel(
            _("Add the languages you speak"),
            _("Young people can ask for a counsellor who speaks their language. Tell us which languages you speak and how well."),
            _("Complete your profile"), url_for("accounts.profile"), tone="todo", order=5,
        ))
    if user.has_role("admin"):
        found.append(Panel(
            _("People and roles"),
            _("Grant staff roles, deactivate accounts and read the audit log."),
            _("Manage people"), url_for("admin.users"), order=90,
        ))
    elif user.has_role("coordinator"):
        found.append(Panel(
            _("People of your institution"),
            _("See everyone of your institution, their roles and languages, and export the list."),
            _("View people"), url_for("admin.users"), order=90,
        ))
    return found


@bp.route("/dashboard")
@login_required
def dashboard():
    panels = sorted(_account_panels(current_user) + panels_for(current_user), key=lambda p: p.order)
    roles = [ROLE_LABELS[name] for name in sorted(current_user.role_names, key=list(ROLE_LABELS).index)]
    return render_template("site/dashboard.html", panels=panels, roles=roles)


@bp.route("/language/<code>")
@public
def set_language(code: str):
    """Switch the interface language; kept in the session and on the account."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        session.permanent = True
        if current_user.is_authenticated and current_user.locale != code:
            current_user.locale = code
            db.session.commit()
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("site.dashboard") if current_user.is_authenticated else "/"
    return redirect(target)


@bp.route("/snel-weg", methods=["POST"])
@public
@csrf.exempt
def quick_exit():
    """Sent by the quick-exit button as it leaves: a visitor without an account is forgotten
    (an open chat or mail stays on the server, but this browser no longer shows it). Without
    a CSRF token, as it must work from any page at once; the session cookie is SameSite=Lax,
    so another site cannot send it here."""
    if not current_user.is_authenticated:
        session.clear()
    return "", 204


@bp.route("/privacy")
@public
def privacy():
    return render_template("site/privacy.html")


@bp.route("/healthz")
@public
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
