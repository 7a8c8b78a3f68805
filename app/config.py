"""Configuration classes, read from the environment with safe defaults."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("HULPMIX_INSTANCE", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; raised at start-up with a message that says which."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style and plain postgres URLs use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def development_secret_key() -> str:
    """A secret key kept in instance/ so that sessions survive restarts in development."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    APP_NAME = "Hulpmix"
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'hulpmix.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE") or None
    # Several Hulpmix installations may share one Redis: each keeps to its own channel and keys.
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL", "hulpmix")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "hulpmix")
    # Largest Socket.IO packet accepted from a client (a chat message is at most 2,000 chars).
    SOCKETIO_MAX_HTTP_BUFFER_SIZE = 64 * 1024
    # Events a single socket may send per 10 seconds before it is told to slow down.
    SOCKETIO_EVENTS_PER_10S = 30

    # Rate limits: Redis when configured (shared by workers), memory otherwise.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute; 50 per hour"
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = {"nl": "Nederlands", "en": "English"}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Only a request that changes the session sends it back: otherwise a file or a request still
    # on its way answers with an older session and undoes a change (the language switch).
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_NAME = "hulpmix_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)  # the absolute session timeout
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # the session timeouts bound a form's life already

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Hulpmix <noreply@hulpmix.local>")
    MAIL_CONSOLE = not MAIL_SERVER  # without an SMTP server, mail is printed to the console

    TOKEN_MAX_AGE_CONFIRM = 3 * 24 * 3600
    TOKEN_MAX_AGE_RESET = 3600
    # Demo accounts may skip two-factor login in development; production refuses this.
    TWO_FACTOR_DEMO_BYPASS = False
    TWO_FACTOR_ISSUER = "Hulpmix"
    PREFERRED_URL_SCHEME = "http"
    HSTS_SECONDS = 31536000
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    HULPMIX_ENV = "base"


class DevelopmentConfig(Config):
    HULPMIX_ENV = "development"
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE") or "threading"
    DEBUG = True
    TWO_FACTOR_DEMO_BYPASS = _bool("TWO_FACTOR_DEMO_BYPASS", True)
    # Loaded lazily by create_app so that importing config never writes files.
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")


class TestingConfig(Config):
    HULPMIX_ENV = "testing"
    SOCKETIO_ASYNC_MODE = "threading"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    MAIL_CONSOLE = False
    MAIL_SERVER = "127.0.0.1"
    SERVER_NAME = "hulpmix.test"
    TWO_FACTOR_DEMO_BYPASS = False
    LIVE_QUEUE_LOOP = False      # tests call live_help.chat.services.tick() themselves
    LIVE_BROADCAST_SECONDS = 0   # every queue change is told at once


class ProductionConfig(Config):
    HULPMIX_ENV = "production"
    # gunicorn's gevent worker has patched the standard library before this is imported.
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE") or "gevent"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def validate(cls, config: dict) -> None:
        if not config.get("SECRET_KEY"):
            raise ConfigError(
                "SECRET_KEY is required when HULPMIX_ENV=production: "
                "set it to a long random string (python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        if config.get("TWO_FACTOR_DEMO_BYPASS"):
            raise ConfigError("TWO_FACTOR_DEMO_BYPASS may not be on in production.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for_environment() -> type[Config]:
    name = os.environ.get("HULPMIX_ENV", "development").strip().lower()
    if name not in CONFIGS:
        raise ConfigError(f"HULPMIX_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.")
    return CONFIGS[name]
