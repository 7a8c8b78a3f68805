"""Fixtures for live chat: chat open around the clock, certified counsellors in each gate
mode, supervisors, trainees in shadow mode, and young people with their own sockets."""

from __future__ import annotations

import secrets
from datetime import time, timedelta

import pytest

from app.certification import RequirementResult, register_shadow_prerequisite
from app.certification.services import _new_certificate, register_founding
from app.extensions import db
from app.timeutil import utcnow
from live_help.chat import services
from live_help.models import OpeningSlot
from live_help.schedule import forget_cached
from tests.conftest import sign_in_session


@pytest.fixture
def open_all_day(app):
    for weekday in range(7):
        db.session.add(OpeningSlot(weekday=weekday, opens=time(0, 0), closes=time(23, 59, 59)))
    db.session.commit()
    forget_cached()
    services.forget_handling_cache()
    services.forget_gates()
    yield
    forget_cached()


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", display_name="Hodan")


@pytest.fixture
def certify(coordinator):
    """certify(user, mode="live"|"supervised"): a valid counsellor certificate."""

    def make(user, mode: str = "live"):
        if mode == "live":
            register_founding(coordinator, user, "counsellor", "Counsellor here since 2005, trained before Hulpmix.")
        else:
            now = utcnow()
            _new_certificate(coordinator, user, "counsellor", issued_at=now - timedelta(days=1),
                             expires_at=now + timedelta(days=700))
            db.session.commit()
        db.session.refresh(user)
        return user

    return make


@pytest.fixture
def counsellor(make_user, certify):
    def make(name: str = "Sanne", mode: str = "live", languages: tuple[str, ...] = ()):
        from app.accounts.models import UserLanguage

        user = make_user("counsellor", display_name=name)
        for code in languages:
            db.session.add(UserLanguage(user_id=user.id, code=code, level="fluent"))
        db.session.commit()
        return certify(user, mode)

    return make


@pytest.fixture
def supervisor(make_user, certify):
    return certify(make_user("supervisor", "counsellor", display_name="Marloes"))


@pytest.fixture
def shadow_ready(app):
    """Every trainee meets the shadow prerequisites (the features' own are tested there)."""
    app.extensions["hulpmix.certification.shadow"] = {}
    register_shadow_prerequisite(app, "test_ready", "Ready", lambda user: RequirementResult(True))


def start(nickname: str = "Zonnetje", *, topic: str = "thuis", language: str = "", first: str = "",
          browser: str | None = None, now=None):
    """A young person starts a chat through the service; returns (request, token)."""
    form = services.StartForm(nickname=nickname, age_group="15-17", topic=topic, language=language,
                              first_message=first)
    return services.start_chat(form, browser or secrets.token_urlsafe(24), now)


def staff_socket(app, socket_client, user):
    http = app.test_client()
    sign_in_session(http, user)
    sc = socket_client(http)
    assert sc.emit("live_hello", {}, namespace="/chat", callback=True)["ok"] is True
    return sc


def youth_socket(app, socket_client, token):
    return socket_client(app.test_client(), auth={"token": token})


def events(sc, name: str) -> list[dict]:
    """Every payload of one event this socket received so far, oldest first."""
    seen = sc.__dict__.setdefault("_seen", [])
    seen.extend(sc.get_received("/chat"))
    found = []
    for e in seen:
        if e["name"] == name:
            args = e["args"]
            found.append(args[0] if isinstance(args, list) else args)
    return found
