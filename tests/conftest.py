"""Shared fixtures: the app on a migrated database, clients per role, a real SMTP server.

Databases: SQLite always; PostgreSQL when TEST_DATABASE_URL is set (CI sets it). Services
that are missing make their tests skip locally and fail under CI=true.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient

os.environ.setdefault("HULPMIX_ENV", "testing")

from app import create_app  # noqa: E402
from app.accounts.models import Institution, User  # noqa: E402
from app.config import TestingConfig  # noqa: E402
from app.extensions import db  # noqa: E402
from app.timeutil import utcnow  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "Correct-horse-42"


def require_service(available: bool, reason: str) -> None:
    """Skip locally when a service is missing; under CI=true that is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required)")
    pytest.skip(reason)


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- mail ----------------------------------------------------------------------------------
@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)
    port: int = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def last_to(self, address: str) -> EmailMessage:
        for message in reversed(self.messages):
            if address.lower() in message["To"].lower():
                return message
        raise AssertionError(f"no e-mail to {address}; got {[m['To'] for m in self.messages]}")

    @staticmethod
    def body(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def link_in_last(self, address: str, path_part: str) -> str:
        body = self.body(self.last_to(address))
        for word in body.split():
            if path_part in word:
                return word
        raise AssertionError(f"no link with {path_part!r} in: {body}")


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: Mailbox) -> Mailbox:
    smtp_server.messages.clear()
    return smtp_server


# --- database ------------------------------------------------------------------------------
def _postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A fresh database for this test session, migrated to head once."""
    base = _postgres_url()
    if base:
        name = f"hulpmix_test_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'hulpmix.db'}"
    _migrate(url)
    yield url
    if base:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**_base_config(), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _base_config() -> dict:
    return {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}


KEEP_TABLES = {"roles", "alembic_version"}


def _clean(engine: sa.Engine) -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def app_config(database_url: str, smtp_server: Mailbox) -> dict:
    """Override in a test module to change settings for its app."""
    return {}


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (its own `g` and database session), as in
    production; otherwise requests would share the test's context and its signed-in user."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url: str, smtp_server: Mailbox, app_config: dict):
    config = {**_base_config(), "SQLALCHEMY_DATABASE_URI": database_url,
              "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, **app_config}
    application = create_app(config)
    application.test_client_class = FreshContextClient
    with application.app_context():
        _clean(db.engine)
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- people --------------------------------------------------------------------------------
@pytest.fixture
def institution(app) -> Institution:
    inst = Institution(slug="bjz-zuid-holland", name="Bureau Jeugdzorg Zuid-Holland", region="Zuid-Holland")
    db.session.add(inst)
    db.session.commit()
    return inst


@pytest.fixture
def make_institution(app) -> Callable[..., Institution]:
    def make(slug: str = "", name: str = "") -> Institution:
        slug = slug or f"inst-{uuid.uuid4().hex[:6]}"
        inst = Institution(slug=slug, name=name or slug.title(), region="")
        db.session.add(inst)
        db.session.commit()
        return inst

    return make


@pytest.fixture
def make_user(app, institution) -> Callable[..., User]:
    """make_user(roles=[...], email=..., institution=..., confirmed=True, totp=True)."""
    counter = iter(range(1, 10_000))

    def make(*roles: str, email: str | None = None, display_name: str | None = None,
             institution_obj: Institution | None = None, confirmed: bool = True,
             totp: bool | None = None, password: str = PASSWORD) -> User:
        n = next(counter)
        user = User(
            email=email or f"user{n}-{'-'.join(roles) or 'none'}@example.org",
            display_name=display_name or f"User {n}",
            full_name=f"Full Name {n}",
            institution=institution_obj or institution,
            email_confirmed_at=utcnow() if confirmed else None,
        )
        user.set_password(password)
        for role in roles:
            user.add_role(role)
        wants_totp = user.needs_two_factor if totp is None else totp
        if wants_totp:
            user.totp_secret = pyotp.random_base32()
            user.totp_enabled_at = utcnow()
        db.session.add(user)
        db.session.commit()
        return user

    return make


def totp_code(user: User, *, step_offset: int = 0) -> str:
    totp = pyotp.TOTP(user.totp_secret)
    return totp.at(utcnow().timestamp() + step_offset * totp.interval)


@pytest.fixture
def login(client) -> Callable[..., object]:
    """Log a user in through the real forms (password, then the two-factor code if needed)."""

    def do_login(user: User, password: str = PASSWORD, the_client=None):
        c = the_client or client
        response = c.post("/login", data={"email": user.email, "password": password})
        if response.status_code == 302 and "/login/code" in response.headers["Location"]:
            response = c.post("/login/code", data={"code": totp_code(user)})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert "/login" not in response.headers["Location"]
        return response

    return do_login


def sign_in_session(client, user: User) -> None:
    """A fast sign-in for tests that are not about logging in: set the session directly."""
    now = utcnow().isoformat()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        sess["login_at"] = now
        sess["seen_at"] = now


@pytest.fixture
def signed_in(client, make_user) -> Callable[..., User]:
    """signed_in("trainer") -> a new user with that role, signed in on `client`."""

    def make(*roles: str, **kwargs) -> User:
        user = make_user(*roles, **kwargs)
        sign_in_session(client, user)
        return user

    return make


class FreshContextSocketClient:
    """Flask-SocketIO's test client, each call in its own app context (as a real server
    handles each event), so handlers never share the test's database session."""

    def __init__(self, app, inner) -> None:
        self._app = app
        self._inner = inner

    def __getattr__(self, name):
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            with self._app.app_context():
                return attr(*args, **kwargs)

        return call


@pytest.fixture
def socket_client(app, client):
    """A Socket.IO test client on /chat that shares the Flask test client's login cookie."""
    from app.extensions import socketio

    clients = []

    def connect(flask_client=None, **kwargs):
        with app.app_context():
            inner = socketio.test_client(app, namespace="/chat", flask_test_client=flask_client or client, **kwargs)
        sc = FreshContextSocketClient(app, inner)
        clients.append(sc)
        return sc

    yield connect
    for sc in clients:
        if sc.is_connected("/chat"):
            sc.disconnect("/chat")


ROOT = Path(__file__).resolve().parent.parent
