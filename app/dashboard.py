"""What a role's dashboard shows: panels that features register, so `app` needs none of them.

A panel is a function `panel(user) -> Panel | None`; it returns None when it has nothing
to say to this user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

_EXTENSION_KEY = "hulpmix.dashboard"


@dataclass(frozen=True)
class Panel:
    title: str
    text: str
    action_label: str = ""
    action_url: str = ""
    tone: str = "default"  # default | todo | done | alert
    order: int = 100


PanelFunction = Callable[[object], Panel | None]


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION_KEY] = []


def register_panel(app: Flask, panel: PanelFunction) -> None:
    app.extensions[_EXTENSION_KEY].append(panel)


def panels_for(user) -> list[Panel]:
    found = (panel(user) for panel in current_app.extensions[_EXTENSION_KEY])
    return sorted((p for p in found if p is not None), key=lambda p: p.order)
