"""Account rules that span models: registration, login with throttling and two-factor,
tokens, profile, roles, data export and deletion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta

import pyotp
from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app import audit
from app.accounts.models import ROLES, STAFF_ROLES, Institution, User, UserLanguage, normalise_email
from app.extensions import db
from app.mail import send_mail
from app.signals import account_deleting, account_exporting, roles_changed, sessions_ended
from app.timeutil import utcnow


class AccountError(Exception):
    """A rule refused the request; the message is meant for the user."""


# --- tokens -------------------------------------------------------------------------------
def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"hulpmix-{purpose}")


def make_token(user: User, purpose: str) -> str:
    # The reset token carries a fragment of the password hash: once used, it stops working.
    payload = {"id": user.id, "h": user.password_hash[-12:] if purpose == "reset" else ""}
    return _serializer(purpose).dumps(payload)


def load_token(token: str, purpose: str, max_age: int) -> User | None:
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(payload, dict):
        return None
    user = db.session.get(User, payload.get("id"))
    if user is None:
        return None
    if purpose == "reset" and user.password_hash[-12:] != payload.get("h"):
        return None
    return user


# --- registration -------------------------------------------------------------------------
def register_applicant(email: str, display_name: str, password: str, institution_id: int,
                       locale: str = "nl") -> User:
    email = normalise_email(email)
    if User.by_email(email):
        raise AccountError(_("An account with this e-mail address exists already. Log in or reset your password."))
    if db.session.get(Institution, institution_id) is None:
        raise AccountError(_("Choose one of the institutions in the list."))
    user = User(email=email, display_name=display_name.strip(), institution_id=institution_id,
                locale=locale)
    user.set_password(password)
    user.add_role("applicant")
    db.session.add(user)
    db.session.flush()
    audit.record("account.registered", actor=user, subject=user)
    db.session.commit()
    send_confirmation(user)
    return user


def send_confirmation(user: User) -> None:
    link = url_for("accounts.confirm", token=make_token(user, "confirm"), _external=True)
    send_mail(user.email, _("Confirm your e-mail address for Hulpmix"), "accounts/email/confirm.txt",
              user=user, link=link)


def confirm_email(token: str) -> User | None:
    user = load_token(token, "confirm", current_app.config["TOKEN_MAX_AGE_CONFIRM"])
    if user is None:
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record("account.email_confirmed", actor=user, subject=user)
        db.session.commit()
    return user


# --- login --------------------------------------------------------------------------------
@dataclass
class LoginAttempt:
    user: User | None
    error: str = ""


def attempt_login(email: str, password: str) -> LoginAttempt:
    """Check a password, counting failures per account and locking it for a while."""
    user = User.by_email(email)
    now = utcnow()
    generic = _("E-mail address or password is not right.")
    if user is None:
        # Spend the same time as a real check, so that timing does not reveal accounts.
        User(password_hash="scrypt:32768:8:1$x$" + "0" * 64).check_password(password)
        return LoginAttempt(None, generic)
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        return LoginAttempt(None, _("Too many failed attempts. Try again in %(n)d minutes or reset your password.", n=minutes))
    if not user.check_password(password):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
            audit.record("account.locked", subject=user)
        db.session.commit()
        return LoginAttempt(None, generic)
    if not user.active:
        return LoginAttempt(None, _("This account has been deactivated. Ask your coordinator."))
    if not user.email_confirmed:
        return LoginAttempt(None, _("Confirm your e-mail address first: we sent you a link."))
    return LoginAttempt(user)


def login_succeeded(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    db.session.commit()


def two_factor_required(user: User) -> bool:
    if not user.needs_two_factor:
        return False
    return not (current_app.config.get("TWO_FACTOR_DEMO_BYPASS") and user.is_demo)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["TWO_FACTOR_ISSUER"]
    )


def _matching_counter(secret: str, code: str) -> int | None:
    totp = pyotp.TOTP(secret)
    code = "".join(code.split())
    now = utcnow().replace(tzinfo=UTC).timestamp()
    for drift in (0, -1, 1):  # accept one step of clock drift either way
        moment = now + drift * totp.interval
        if totp.verify(code, for_time=moment):
            return int(moment // totp.interval)
    return None


def verify_totp(user: User, code: str) -> bool:
    """Check a code against the user's secret; a code can be used once."""
    if not user.totp_secret or not user.totp_enabled_at:
        return False
    counter = _matching_counter(user.totp_secret, code)
    if counter is None or (user.totp_last_counter is not None and counter <= user.totp_last_counter):
        return False
    user.totp_last_counter = counter
    db.session.commit()
    return True


def enable_totp(user: User, secret: str, code: str) -> bool:
    counter = _matching_counter(secret, code)
    if counter is None:
        return False
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_counter = counter
    audit.record("account.two_factor_enabled", actor=user, subject=user)
    db.session.commit()
    return True


# --- passwords ----------------------------------------------------------------------------
def send_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way to the requester."""
    user = User.by_email(email)
    if user is None or not user.active:
        return
    link = url_for("accounts.reset_password", token=make_token(user, "reset"), _external=True)
    send_mail(user.email, _("Reset your Hulpmix password"), "accounts/email/reset.txt",
              user=user, link=link)


def set_password(user: User, password: str, *, actor: User | None = None) -> None:
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    audit.record("account.password_changed", actor=actor or user, subject=user)
    end_sessions(user, commit=False)
    db.session.commit()


# --- sessions -----------------------------------------------------------------------------
def end_sessions(user: User, *, commit: bool = True) -> None:
    """Log the user out everywhere: older session cookies stop working, sockets close."""
    user.session_epoch += 1
    if commit:
        db.session.commit()
    sessions_ended.send(user)


# --- profile ------------------------------------------------------------------------------
def update_profile(user: User, *, display_name: str, full_name: str, phone: str,
                   cultural_background: str, locale: str, languages: list[tuple[str, str]]) -> None:
    user.display_name = display_name.strip()
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.cultural_background = cultural_background.strip()
    user.locale = locale if locale in current_app.config["LANGUAGES"] else "nl"
    wanted = {code: level for code, level in languages if code}
    for entry in list(user.languages):
        if entry.code not in wanted:
            user.languages.remove(entry)
        else:
            entry.level = wanted.pop(entry.code)
    for code, level in wanted.items():
        user.languages.append(UserLanguage(code=code, level=level))
    db.session.commit()


# --- roles --------------------------------------------------------------------------------
def change_roles(actor: User, user: User, *, add: set[str] = frozenset(),
                 remove: set[str] = frozenset(), reason: str = "") -> tuple[set[str], set[str]]:
    """Add and remove roles, write each change to the audit log, end the user's sessions."""
    unknown = (set(add) | set(remove)) - set(ROLES)
    if unknown:
        raise AccountError(_("Unknown role: %(roles)s", roles=", ".join(sorted(unknown))))
    if actor.id == user.id and "admin" in remove:
        raise AccountError(_("You cannot take away your own administrator role."))
    added = {name for name in add if user.add_role(name)}
    removed = {name for name in remove if user.remove_role(name)}
    for name in sorted(added):
        audit.record("role.granted", actor=actor, subject=user, role=name, reason=reason)
    for name in sorted(removed):
        audit.record("role.revoked", actor=actor, subject=user, role=name, reason=reason)
    if added or removed:
        end_sessions(user, commit=False)
        db.session.commit()
        roles_changed.send(user, added=added, removed=removed, actor=actor)
    return added, removed


def set_staff_roles(actor: User, user: User, wanted: set[str]) -> tuple[set[str], set[str]]:
    if not actor.has_role("admin"):
        raise AccountError(_("Only administrators grant staff roles."))
    wanted = set(wanted) & set(STAFF_ROLES)
    current = user.role_names & set(STAFF_ROLES)
    return change_roles(actor, user, add=wanted - current, remove=current - wanted)


def set_active(actor: User, user: User, active: bool) -> None:
    if user.active == active:
        return
    if actor.id == user.id and not active:
        raise AccountError(_("You cannot deactivate your own account."))
    user.active = active
    audit.record("account.activated" if active else "account.deactivated", actor=actor, subject=user)
    end_sessions(user, commit=False)
    db.session.commit()


def set_institution(actor: User, user: User, institution_id: int | None) -> None:
    if user.institution_id == institution_id:
        return
    if institution_id is not None and db.session.get(Institution, institution_id) is None:
        raise AccountError(_("Choose one of the institutions in the list."))
    audit.record("account.institution_changed", actor=actor, subject=user,
                 old=user.institution_id, new=institution_id)
    user.institution_id = institution_id
    db.session.commit()


# --- data rights --------------------------------------------------------------------------
def export_user_data(user: User) -> dict:
    data = {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "full_name": user.full_name,
            "phone": user.phone,
            "cultural_background": user.cultural_background,
            "locale": user.locale,
            "institution": user.institution.name if user.institution else None,
            "roles": sorted(user.role_names),
            "languages": [{"code": lang.code, "level": lang.level} for lang in user.languages],
            "created_at": user.created_at.isoformat() + "Z",
            "last_login_at": user.last_login_at.isoformat() + "Z" if user.last_login_at else None,
            "two_factor_enabled": user.totp_enabled_at is not None,
        },
        "audit_log": [
            {"at": event.at.isoformat() + "Z", "action": event.action, "details": event.details}
            for event in db.session.scalars(
                select(audit.AuditEvent).where(audit.AuditEvent.subject_user_id == user.id)
                .order_by(audit.AuditEvent.at)
            )
        ],
    }
    for _receiver, section in account_exporting.send(user):
        if section:
            name, payload = section
            data[name] = payload
    return data


def delete_account(user: User) -> None:
    """Delete the account and, through the signal, what features hold about it."""
    account_deleting.send(user)
    end_sessions(user, commit=False)
    audit.record("account.deleted", subject=None, object_type="user", object_id=user.id)
    db.session.delete(user)
    db.session.commit()
