"""Accounts: one login for every role, institutions, two-factor, profile and people management."""

from __future__ import annotations

from flask import Flask

from app.accounts.admin import bp as admin_bp
from app.accounts.models import ROLES, STAFF_ROLES, Institution, Role, User, UserLanguage
from app.accounts.routes import bp
from app.extensions import db, login_manager


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """The cookie carries `id:epoch`; an old epoch means the session was ended elsewhere."""
    try:
        user_id, epoch = (int(part) for part in identity.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_epoch != epoch:
        return None
    return user


__all__ = ["ROLES", "STAFF_ROLES", "Institution", "Role", "User", "UserLanguage", "bp", "init_app"]
