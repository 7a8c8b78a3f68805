"""The main menu: features register their entries, the layout shows the ones a user may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, url_for

_EXTENSION_KEY = "hulpmix.navigation"


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Callable[[], str] | str
    audience: str = "public"  # public | youth (public, hidden for staff) | user | a role name
    roles: tuple[str, ...] = ()
    order: int = 100

    @property
    def text(self) -> str:
        return str(self.label() if callable(self.label) else self.label)

    @property
    def url(self) -> str:
        return url_for(self.endpoint)

    def visible_to(self, user) -> bool:
        signed_in = bool(user and user.is_authenticated)
        if self.audience == "public":
            return True
        if self.audience == "youth":
            return not signed_in
        if not signed_in:
            return False
        return not self.roles or user.has_role("admin", *self.roles)


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION_KEY] = []


def register_nav(app: Flask, item: NavItem) -> None:
    app.extensions[_EXTENSION_KEY].append(item)


def nav_items(user) -> list[NavItem]:
    items = current_app.extensions[_EXTENSION_KEY]
    return sorted((i for i in items if i.visible_to(user)), key=lambda i: i.order)
