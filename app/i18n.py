"""Language and time: Dutch first, English complete; times shown in Europe/Amsterdam."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from app.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands, background work: Dutch first
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang")
    if chosen in languages:
        return chosen
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def translation_directories(app: Flask) -> str:
    """Each package (and each part of app/ that wants one) keeps its own catalogue, so that
    work on one feature never conflicts with another's; Flask-Babel merges them."""
    root = Path(app.root_path).parent
    found = [root / "app" / "translations", *sorted(root.glob("app/*/translations"))]
    found += [root / package / "translations" for package in ("courses", "simulations", "live_help")]
    return ";".join(str(path) for path in found if path.is_dir())


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories(app))
    babel.init_app(app, locale_selector=select_locale)

    @app.template_filter("datetime")
    def _datetime(value, format: str = "medium"):  # noqa: A002 - Jinja filter argument name
        return format_datetime(value, format) if value else ""

    @app.context_processor
    def _i18n_context():
        return {"current_locale": str(get_locale()), "site_languages": current_app.config["LANGUAGES"]}
