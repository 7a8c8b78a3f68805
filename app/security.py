"""Security defaults: response headers, and idle and absolute session timeouts."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.timeutil import utcnow

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security",
                           f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains")
    if current_user and current_user.is_authenticated:
        # Pages for signed-in staff may hold young people's words: never cache them.
        headers.setdefault("Cache-Control", "no-store")
    return response


def _parse(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def enforce_session_timeouts():
    """Log out after the idle timeout or the absolute timeout, whichever comes first."""
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.endswith(".static") or not current_user.is_authenticated:
        return None  # a file is no sign of activity, and must not write the session back
    now = utcnow()
    config = current_app.config
    login_at = _parse(session.get("login_at"))
    seen_at = _parse(session.get("seen_at"))
    expired = (
        login_at is None
        or seen_at is None
        or now - login_at > config["SESSION_ABSOLUTE_TIMEOUT"]
        or now - seen_at > config["SESSION_IDLE_TIMEOUT"]
    )
    if expired:
        lang = session.get("lang")
        logout_user()
        session.clear()
        if lang:
            session["lang"] = lang
        flash(_("Your session has ended. Please log in again."), "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    session["seen_at"] = now.isoformat()
    return None


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
    app.before_request(enforce_session_timeouts)
