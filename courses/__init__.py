"""Courses: the counsellor course and the train-the-trainer track (engine and content files)."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from app.dashboard import Panel, register_panel
from app.navigation import NavItem, register_nav
from courses.routes import bp


def _trainee_panel(user) -> Panel | None:
    if not user.has_role("trainee", "trainer"):
        return None
    return Panel(
        str(_l("Your course")),
        str(_l("The counsellor course teaches online conversation skills, the five-phase chat model and intercultural online counselling.")),
        str(_l("Go to the courses")), url_for("courses.index"), tone="todo", order=20,
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("courses.index", lambda: _l("Courses"), "roles",
                              ("trainee", "trainer", "counsellor", "coordinator"), order=20))
    register_panel(app, _trainee_panel)


__all__ = ["bp", "init_app"]
