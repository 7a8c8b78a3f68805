"""Live chat with young people: queue, counsellor console, supervision, shadow mode."""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


def _queue_loop(app: Flask) -> None:
    """Every LIVE_TICK_SECONDS: offers that ran out, people who left, lost counsellors,
    closing time, and the waiting-room figures. Runs in each worker; the rules are safe
    to run twice."""
    from app.extensions import db, socketio
    from live_help.chat import services

    while True:
        socketio.sleep(app.config.get("LIVE_TICK_SECONDS", services.DEFAULTS["LIVE_TICK_SECONDS"]))
        with app.app_context():
            try:
                services.tick()
            except Exception:  # keep the loop alive; the next tick tries again
                log.exception("live help tick failed")
                db.session.rollback()
            finally:
                db.session.remove()


def start_queue_loop(app: Flask) -> None:
    state = app.extensions.setdefault("hulpmix.live_loop", {})
    if state.get("started") or not app.config.get("LIVE_QUEUE_LOOP", True):
        return
    from app.extensions import socketio

    state["started"] = True
    socketio.start_background_task(_queue_loop, app)


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from app.certification import register_chat_counter
    from app.dashboard import register_panel
    from app.navigation import NavItem, register_nav
    from app.retention import register_purge
    from app.signals import message_stored, sessions_ended
    from live_help.chat import events, forms, models, services  # noqa: F401 - models: tables for migrations
    from live_help.chat.routes import bp
    from live_help.mail.services import purge as mail_purge

    for key, value in services.DEFAULTS.items():
        app.config.setdefault(key, value)
    app.register_blueprint(bp)
    app.jinja_env.filters["chat_topic"] = _chat_topic
    app.jinja_env.filters["risk_label"] = lambda level: str(forms.RISK_LEVELS.get(level, level))
    events.init_app(app)
    message_stored.connect(services.on_message_stored, weak=False)
    sessions_ended.connect(_off_duty, weak=False)
    register_chat_counter(app, services.chats_finished)
    register_nav(app, NavItem("live_chat.console", lambda: _l("Live chat"), "user",
                              roles=("counsellor", "supervisor"), order=25))
    register_nav(app, NavItem("live_chat.supervision", lambda: _l("Supervision"), "user",
                              roles=("supervisor",), order=26))
    register_panel(app, _live_panel)
    register_purge(app, "live chat", services.purge)
    register_purge(app, "mail", lambda now, days: {"threads": mail_purge(now, days)})

    @app.before_request
    def _start_loop_once():
        start_queue_loop(app)


def _live_panel(user):
    """The dashboard: the gate's answer and the queue, with the way to the console."""
    if not user.has_role("counsellor", "supervisor", "trainee"):
        return None
    from flask import url_for
    from flask_babel import gettext as _

    from app.certification import live_gate
    from app.dashboard import Panel
    from live_help.chat.services import figures

    gate = live_gate(user)
    if gate.mode == "no" and not user.has_role("supervisor", "counsellor"):
        return None
    now = figures()
    text = gate.message + " " + _("On duty: {on} · waiting: {w} · expected wait: {m} min").format(
        on=now.on_duty, w=now.waiting, m=now.expected_minutes)
    return Panel(_("Live chat"), text, _("Open the console"), url_for("live_chat.console"),
                 tone="todo" if now.waiting and gate.mode in ("live", "supervised") else "default", order=20)


def _chat_topic(key: str) -> str:
    from flask_babel import get_locale

    from live_help.chat.services import topic_titles

    return topic_titles(key).get(str(get_locale() or "nl"), key)


def _off_duty(user, **_kwargs) -> None:
    """Sessions ended (logout everywhere, revocation): no more offers for this person."""
    from sqlalchemy import update

    from app.extensions import db
    from live_help.chat import services
    from live_help.chat.models import CounsellorDuty

    services._gates.pop(user.id, None)
    db.session.execute(update(CounsellorDuty).where(CounsellorDuty.user_id == user.id).values(available=False)
                       .execution_options(synchronize_session=False))
    db.session.commit()
