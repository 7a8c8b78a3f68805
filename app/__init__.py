"""Hulpmix: one Flask application for screening, courses, simulations, certification and live help."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from app.config import ConfigError, ProductionConfig, config_for_environment, development_secret_key

__all__ = ["ConfigError", "create_app"]


def create_app(config: type | dict[str, Any] | None = None) -> Flask:
    """Build the application: a short list of register steps, always in this order."""
    app = Flask(__name__, instance_path=str(_instance_path()), instance_relative_config=False)
    load_config(app, config)
    register_extensions(app)
    register_core(app)
    register_features(app)
    register_socketio(app)
    register_errorhandlers(app)
    register_cli(app)
    return app


def _instance_path():
    from app.config import INSTANCE_DIR

    return INSTANCE_DIR


def load_config(app: Flask, config: type | dict[str, Any] | None) -> None:
    base = config_for_environment()
    if isinstance(config, type):
        base = config
    app.config.from_object(base)
    if isinstance(config, dict):
        app.config.update(config)
    if base is ProductionConfig or app.config.get("HULPMIX_ENV") == "production":
        ProductionConfig.validate(app.config)
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = development_secret_key()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)


def register_extensions(app: Flask) -> None:
    from app import i18n, security
    from app.extensions import csrf, db, include_in_migrations, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     render_as_batch=True, compare_type=True, include_object=include_in_migrations)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    i18n.init_app(app)
    limiter.init_app(app)
    security.init_app(app)


def register_core(app: Flask) -> None:
    from app import accounts, certification, conversations, dashboard, navigation, screening, site
    from app.assessment import models as _assessment_models  # noqa: F401 - tables for migrations
    from app.cohorts import models as _cohort_models  # noqa: F401 - tables for migrations
    from app.templating import init_app as init_templating

    navigation.init_app(app)
    dashboard.init_app(app)
    certification.init_app(app)
    accounts.init_app(app)
    site.init_app(app)
    conversations.init_app(app)
    screening.init_app(app)
    init_templating(app)


def register_features(app: Flask) -> None:
    """The three features, each an app-facing package with `init_app`; app imports none else."""
    import courses
    import live_help
    import simulations

    for feature in (live_help, courses, simulations):
        feature.init_app(app)


def register_socketio(app: Flask) -> None:
    from app.conversations import register_namespace
    from app.extensions import socketio

    config = app.config
    options: dict[str, Any] = {
        "message_queue": config.get("SOCKETIO_MESSAGE_QUEUE"),
        "channel": config["SOCKETIO_CHANNEL"],
        "max_http_buffer_size": config["SOCKETIO_MAX_HTTP_BUFFER_SIZE"],
        "logger": False,
        "engineio_logger": bool(config.get("DEBUG")) and bool(os.environ.get("HULPMIX_ENGINEIO_LOG")),
        "ping_interval": 20,
        "ping_timeout": 20,
    }
    if config.get("SOCKETIO_ASYNC_MODE"):
        options["async_mode"] = config["SOCKETIO_ASYNC_MODE"]
    socketio.init_app(app, **options)
    register_namespace(socketio, app)


def register_errorhandlers(app: Flask) -> None:
    from app.errors import init_app

    init_app(app)


def register_cli(app: Flask) -> None:
    from app.cli import init_app

    init_app(app)
