"""Every route, for every role and for an anonymous visitor: the expected answer, never a 500.

Each view declares its access (public, any signed-in user, or roles) with the decorators in
app.permissions; this test reads that declaration, so routes added later are covered too.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from app.accounts.models import ROLES
from app.extensions import db
from app.permissions import Access
from tests.conftest import sign_in_session

IDENTITIES = ("anonymous", *ROLES)
PLACEHOLDERS = {"int": "987654", "string": "no-such-thing", "default": "no-such-thing",
                "path": "no/such/thing", "uuid": "00000000-0000-0000-0000-000000000000"}
SKIP_ENDPOINTS = {"static"}


def _url_for_rule(app, rule: Rule) -> str:
    """Build the URL with values that name nothing: object routes must answer 404 or 403."""
    values = {}
    for argument in rule.arguments:
        converter = type(rule._converters[argument]).__name__  # noqa: SLF001
        values[argument] = PLACEHOLDERS.get(
            {"IntegerConverter": "int", "PathConverter": "path", "UUIDConverter": "uuid"}.get(converter, "string")
        )
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=None)


def _routes(app) -> list[tuple[str, str, Rule]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or rule.endpoint.endswith(".static"):
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            found.append((rule.endpoint, method, rule))
    return found


def test_every_view_declares_who_may_use_it(app):
    undeclared = [
        rule.endpoint for rule in app.url_map.iter_rules()
        if rule.endpoint not in SKIP_ENDPOINTS and not rule.endpoint.endswith(".static")
        and not isinstance(getattr(app.view_functions[rule.endpoint], "access", None), Access)
    ]
    assert undeclared == [], f"views without public/login_required/roles_required: {undeclared}"


@pytest.mark.parametrize("identity", IDENTITIES)
def test_each_route_answers_each_role_as_declared(app, make_user, identity):
    client = app.test_client()
    user = None
    if identity != "anonymous":
        user = make_user(identity)
    problems = []
    for endpoint, method, rule in _routes(app):
        access: Access = app.view_functions[endpoint].access
        if user is not None:
            db.session.refresh(user)  # logout raises the session epoch: sign in again
            sign_in_session(client, user)
        url = _url_for_rule(app, rule)
        response = client.open(url, method=method, data={} if method == "POST" else None)
        status = response.status_code
        where = f"{method} {url} ({endpoint}, {access.kind} {sorted(access.roles)}) as {identity}: {status}"
        if status >= 500:
            problems.append(where + " - server error")
            continue
        if access.kind == "public":
            if status in (401, 403):
                problems.append(where + " - public route refused")
        elif user is None:
            if status != 302 or "/login" not in response.headers.get("Location", ""):
                problems.append(where + " - anonymous visitor not sent to login")
        elif access.allows(user):
            if status in (401, 403):
                problems.append(where + " - allowed role refused")
        elif status != 403:
            problems.append(where + " - role without access not refused with 403")
    assert problems == [], "\n".join(problems)
