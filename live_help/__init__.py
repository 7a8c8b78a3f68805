"""Live help: the public site for young people (topics, search, forum, the way into chat and
mail), forum moderation, opening hours and reach figures."""

from __future__ import annotations

import time

from flask import Flask, current_app, render_template, request
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from app.dashboard import Panel, register_panel
from app.navigation import NavItem, register_nav
from app.timeutil import utcnow
from live_help import (
    models,  # noqa: F401 - tables for migrations
    reach,
)
from live_help.cli import live_help_cli
from live_help.mail import bp as mail_bp  # the mail service (live_help/mail), with its tables
from live_help.routes import bp

COUNTED_ENDPOINTS_PREFIX = ("live_help.", "site.privacy")


WAY_IN_SECONDS = 20


def way_in() -> Markup:
    """The widget on every public page: is chat open now, and otherwise mail and 112/113.

    Rendered at most every 20 seconds per language and process: it changes by the minute."""
    from flask_babel import get_locale

    from live_help.schedule import chat_status, schedule_version

    cache = current_app.extensions.setdefault("hulpmix.way_in", {})
    key = (str(get_locale()), schedule_version())
    now = time.monotonic()
    hit = cache.get(key)
    if hit is None or now - hit[0] > WAY_IN_SECONDS:
        from live_help.chat.services import figures

        status = chat_status(utcnow())
        html = Markup(render_template("live_help/_way_in.html", status=status,  # noqa: S704
                                      figures=figures() if status.is_open else None))
        hit = (now, html)
        cache[key] = hit
    return hit[1]


def _count_reach(response):
    """Count a page view of a public page, without cookies and without keeping the address."""
    if (request.method == "GET" and response.status_code == 200 and response.mimetype == "text/html"
            and request.endpoint and request.endpoint.startswith(COUNTED_ENDPOINTS_PREFIX)
            and not current_user.is_authenticated):
        counters = current_app.extensions["hulpmix.reach"]
        reach.count_view(counters, request.remote_addr, request.headers.get("User-Agent"))
        if reach.due(counters):
            reach.flush(counters)
    return response


def _moderation_panel(user) -> Panel | None:
    if not user.has_role("admin", "counsellor", "supervisor"):
        return None
    from flask import url_for

    from live_help.services import queue_size

    waiting = queue_size()
    return Panel(_("Forum moderation"),
                 _("%(n)d forum posts are waiting for a moderator.", n=waiting),
                 _("Moderate the forum"), url_for("live_help.moderation"),
                 tone="todo" if waiting else "done", order=30)


def _coordinator_panel(user) -> Panel | None:
    if not user.has_role("admin", "coordinator"):
        return None
    from flask import url_for

    return Panel(_("Chat opening hours"),
                 _("Set when chat is open, add holidays, and see how many young people the site reaches."),
                 _("Opening hours and reach"), url_for("live_help.opening_hours"), order=40)


# --- mail (live_help/mail) ---------------------------------------------------------------
def _mail_panel(user) -> Panel | None:
    if not user.has_role("admin", "counsellor", "supervisor"):
        return None
    from flask import url_for

    from live_help.mail.services import approvals_waiting, waiting_count

    waiting = waiting_count()
    text = ngettext("%(num)d mail is waiting for an answer.", "%(num)d mails are waiting for an answer.", waiting)
    if user.has_role("admin", "supervisor"):
        approvals = approvals_waiting()
        text += " " + ngettext("%(num)d answer is waiting for your approval.",
                               "%(num)d answers are waiting for your approval.", approvals)
    return Panel(_("Mail"), text, _("Open the mail inbox"), url_for("live_help_mail.inbox"),
                 tone="todo" if waiting else "done", order=29)


def init_app(app: Flask) -> None:
    from live_help import chat

    app.register_blueprint(bp)
    chat.init_app(app)
    app.register_blueprint(mail_bp)
    app.extensions["hulpmix.reach"] = reach.Counters()
    app.jinja_env.globals["way_in"] = way_in
    app.jinja_env.filters["help_day"] = lambda day: format_date(day, "EEEE d MMMM") if day else ""
    app.after_request(_count_reach)
    app.cli.add_command(live_help_cli)
    register_nav(app, NavItem("live_help.home", lambda: _l("Help for young people"), "youth", order=1))
    register_nav(app, NavItem("live_help.search_page", lambda: _l("Search"), "youth", order=2))
    register_nav(app, NavItem("live_help.forum", lambda: _l("Ask each other"), "youth", order=3))
    register_nav(app, NavItem("live_help.chat_and_mail", lambda: _l("Chat and mail"), "youth", order=4))
    register_nav(app, NavItem("live_help.moderation", lambda: _l("Forum moderation"), "user",
                              roles=("counsellor", "supervisor"), order=30))
    register_nav(app, NavItem("live_help_mail.inbox", lambda: _l("Mail inbox"), "user",
                              roles=("counsellor", "supervisor"), order=29))
    register_panel(app, _moderation_panel)
    register_panel(app, _mail_panel)
    register_panel(app, _coordinator_panel)


__all__ = ["bp", "init_app", "way_in"]
