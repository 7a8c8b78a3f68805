"""Live help: the public site for young people (topics, forum, the way into chat and mail)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.navigation import NavItem, register_nav
from live_help.routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("live_help.home", lambda: _l("Help for young people"), "youth", order=1))


__all__ = ["bp", "init_app"]
