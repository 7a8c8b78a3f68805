"""One permission mechanism for routes and Socket.IO events: roles plus object policies.

Every view declares who may use it with exactly one of `public`, `login_required` (any
signed-in account) or `roles_required(...)`; the declaration is kept on the view function as
`access`, so the authorisation test can read it for every route. Inside a handler, object
rules go through `can(user, action, obj)` / `authorize(action, obj)`, answered by policies
that features register with `@policy(action)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, redirect, request, url_for
from flask_login import current_user

_policies: dict[str, Callable[[Any, Any], bool]] = {}


@dataclass(frozen=True)
class Access:
    """Who may reach a view: `public`, any signed-in `user`, or one of `roles`."""

    kind: str  # "public" | "user" | "roles"
    roles: frozenset[str] = frozenset()

    def allows(self, user) -> bool:
        if self.kind == "public":
            return True
        if not (user and user.is_authenticated):
            return False
        if self.kind == "user":
            return True
        return user.has_role("admin", *self.roles)


def _mark(view: Callable, access: Access) -> Callable:
    view.access = access  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    """Anyone, signed in or not, young people included."""
    return _mark(view, Access("public"))


def _guard(access: Access) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
            if not access.allows(current_user):
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapped, access)

    return decorator


def login_required(view: Callable) -> Callable:
    """Any signed-in account."""
    return _guard(Access("user"))(view)


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """A signed-in account with at least one of `roles` (admins pass every role check)."""
    return _guard(Access("roles", frozenset(roles)))


def policy(action: str) -> Callable[[Callable[[Any, Any], bool]], Callable[[Any, Any], bool]]:
    """Register the rule that answers `can(user, action, obj)`."""

    def decorator(func: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
        if action in _policies and _policies[action] is not func:
            raise ValueError(f"a policy for {action!r} is registered already")
        _policies[action] = func
        return func

    return decorator


def can(user, action: str, obj: Any = None) -> bool:
    """May `user` do `action` on `obj`? Unknown actions are refused."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = _policies.get(action)
    if rule is None:
        return False
    return bool(rule(user, obj))


def authorize(action: str, obj: Any = None) -> None:
    """Abort with 403 unless the current user may do `action` on `obj`."""
    if not can(current_user, action, obj):
        abort(403)


def same_institution(user, other_institution_id: int | None) -> bool:
    """Staff see their own institution's people and data; admins see all."""
    if user.has_role("admin"):
        return True
    return user.institution_id is not None and user.institution_id == other_institution_id
