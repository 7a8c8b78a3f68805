"""Simulations: role-play chats with a trainer or a scripted virtual youth, in the real console."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from app.certification import register_requirement
from app.dashboard import Panel, register_panel
from app.navigation import NavItem, register_nav
from app.signals import message_stored
from simulations import cli, services
from simulations import models as _models  # noqa: F401 - tables for migrations
from simulations.routes import bp


def _panel(user) -> Panel | None:
    if user.has_role("trainer"):
        return Panel(str(_l("Role-play simulations")),
                     str(_l("Play a young person from a scenario card for your trainees, then assess the transcript with the rubric.")),
                     str(_l("Open simulations")), url_for("simulations.index"), order=30)
    if user.has_role("trainee"):
        result = services.simulations_requirement(user)
        if result.met:
            return Panel(str(_l("Simulations passed")), str(_l("You meet the simulation requirement for your certificate.")),
                         str(_l("Open simulations")), url_for("simulations.index"), tone="done", order=30)
        return Panel(str(_l("Practise chatting")),
                     str(_l("Practise in the same console you will use for real: with a trainer playing a young person, or on your own.")) + " " + result.missing,
                     str(_l("Open simulations")), url_for("simulations.index"), tone="todo", order=30)
    return None


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("simulations.index", lambda: _l("Simulations"), "roles",
                              ("trainee", "trainer", "supervisor", "coordinator"), order=30))
    register_panel(app, _panel)
    register_requirement(app, "counsellor", "simulations", lambda: _l("Simulations passed"),
                         services.simulations_requirement, order=30)
    message_stored.connect(services.on_message_stored, weak=False)
    app.cli.add_command(cli.group)


__all__ = ["bp", "init_app"]
