"""Account pages: register, confirm, log in (with two-factor), log out, reset, profile, data."""

from __future__ import annotations

import io
import json
from urllib.parse import urlsplit

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from app.accounts import forms, services
from app.accounts.models import Institution, User
from app.extensions import db, limiter
from app.formtools import choices
from app.languages import LANGUAGES, LEVELS
from app.permissions import login_required, public
from app.timeutil import utcnow

bp = Blueprint("accounts", __name__)

PENDING = "pending_login"


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after login."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("site.dashboard")


def _institution_choices():
    return choices((i.id, i.name) for i in db.session.scalars(select(Institution).order_by(Institution.name)))


def _finish_login(user: User, next_url: str | None):
    session.pop(PENDING, None)
    login_user(user)
    now = utcnow().isoformat()
    session["login_at"] = now
    session["seen_at"] = now
    session["lang"] = user.locale
    services.login_succeeded(user)
    flash(_("Welcome, %(name)s.", name=user.display_name), "success")
    return redirect(_safe_next(next_url))


def _end_browser_session() -> None:
    """Log out in this browser, keeping only the chosen language."""
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not pending:
        return None
    user = db.session.get(User, pending.get("id"))
    if user is None or user.session_epoch != pending.get("epoch"):
        session.pop(PENDING, None)
        return None
    return user


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.dashboard"))
    form = forms.RegistrationForm()
    form.institution.choices = _institution_choices()
    if form.validate_on_submit():
        try:
            services.register_applicant(
                form.email.data, form.display_name.data, form.password.data,
                form.institution.data, locale=session.get("lang", "nl"),
            )
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            return render_template("accounts/registered.html", email=form.email.data)
    return render_template("accounts/register.html", form=form)


@bp.route("/confirm/<token>")
@public
def confirm(token: str):
    user = services.confirm_email(token)
    if user is None:
        flash(_("This confirmation link is invalid or has expired. Ask for a new one below."), "error")
        return redirect(url_for("accounts.resend_confirmation"))
    flash(_("Your e-mail address is confirmed. You can log in now."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/confirm", methods=["GET", "POST"])
@public
@limiter.limit("5 per hour", methods=["POST"])
def resend_confirmation():
    form = forms.EmailForm()
    if form.validate_on_submit():
        user = User.by_email(form.email.data)
        if user is not None and not user.email_confirmed:
            services.send_confirmation(user)
        flash(_("If that address belongs to an unconfirmed account, a new link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/email_form.html", form=form, heading=_("New confirmation link"),
                           intro=_("Enter the address you registered with and we send a new link to confirm it."))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.dashboard"))
    form = forms.LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        attempt = services.attempt_login(form.email.data, form.password.data)
        if attempt.user is None:
            form.password.errors.append(attempt.error)
        else:
            user = attempt.user
            if not services.two_factor_required(user):
                return _finish_login(user, form.next.data)
            session[PENDING] = {"id": user.id, "epoch": user.session_epoch, "next": form.next.data}
            if user.totp_enabled_at is None:
                return redirect(url_for("accounts.two_factor_setup"))
            return redirect(url_for("accounts.two_factor"))
    return render_template("accounts/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute", methods=["POST"])
def two_factor():
    user = _pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    form = forms.TwoFactorForm()
    if form.validate_on_submit():
        if services.verify_totp(user, form.code.data):
            return _finish_login(user, session[PENDING].get("next"))
        form.code.errors.append(_("That code is not right or was used already. Wait for the next one."))
    return render_template("accounts/two_factor.html", form=form)


@bp.route("/login/setup-two-factor", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute", methods=["POST"])
def two_factor_setup():
    user = _pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    if user.totp_enabled_at is not None:
        return redirect(url_for("accounts.two_factor"))
    secret = session.get("totp_setup_secret") or services.new_totp_secret()
    session["totp_setup_secret"] = secret
    form = forms.TwoFactorForm()
    if form.validate_on_submit():
        if services.enable_totp(user, secret, form.code.data):
            session.pop("totp_setup_secret", None)
            flash(_("Two-factor login is on for your account."), "success")
            return _finish_login(user, session[PENDING].get("next"))
        form.code.errors.append(_("That code is not right. Check the time on your phone and try the next code."))
    uri = services.totp_uri(user, secret)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, dark="#1d2a3a")
    return render_template("accounts/two_factor_setup.html", form=form, qr=qr, secret=secret)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = forms.ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    _end_browser_session()
    services.end_sessions(user)
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit("5 per hour", methods=["POST"])
def forgot_password():
    form = forms.EmailForm()
    if form.validate_on_submit():
        services.send_password_reset(form.email.data)
        flash(_("If an account exists for that address, we have sent a link to reset the password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/email_form.html", form=form, heading=_("Forgot your password?"),
                           intro=_("Enter your e-mail address. If it belongs to an account, we send a link to "
                                   "choose a new password. The link works for one hour."))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    user = services.load_token(token, "reset", current_app.config["TOKEN_MAX_AGE_RESET"])
    if user is None:
        flash(_("This reset link is invalid, used or expired. Ask for a new one."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        if user.email_confirmed_at is None:  # the link proves the address too
            user.email_confirmed_at = utcnow()
            db.session.commit()
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user
    form = forms.ProfileForm(obj=user)
    if request.method == "GET" and 3 <= len(user.languages) < 8:
        form.languages.append_entry()  # always one empty row to add a language
    if form.validate_on_submit():
        services.update_profile(
            user,
            display_name=form.display_name.data,
            full_name=form.full_name.data or "",
            phone=form.phone.data or "",
            cultural_background=form.cultural_background.data or "",
            locale=form.locale.data,
            languages=[(e.form.code.data, e.form.level.data) for e in form.languages.entries],
        )
        session["lang"] = user.locale
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, password_form=forms.ChangePasswordForm(),
                           languages=LANGUAGES, levels=LEVELS)


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            flash(_("Your current password is not right; nothing was changed."), "error")
        else:
            user = current_user._get_current_object()
            services.set_password(user, form.password.data)
            _end_browser_session()
            flash(_("Your password is changed. Log in again with the new one."), "success")
            return redirect(url_for("accounts.login"))
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return redirect(url_for("accounts.profile"))


@bp.route("/account/data")
@login_required
def download_data():
    payload = json.dumps(services.export_user_data(current_user), indent=2, ensure_ascii=False)
    return send_file(
        io.BytesIO(payload.encode()),
        mimetype="application/json",
        as_attachment=True,
        download_name=f"hulpmix-{current_user.id}.json",
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            form.password.errors.append(_("Your password is not right; nothing was deleted."))
        else:
            user = current_user._get_current_object()
            _end_browser_session()
            services.delete_account(user)
            flash(_("Your account and its data have been deleted."), "info")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/delete.html", form=form)
