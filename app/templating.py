"""What every template can use: the menu, role names, the logout form, sanitised Markdown."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, url_for
from flask_login import current_user

from app.accounts.labels import ROLE_LABELS
from app.content import render_markdown, render_user_text
from app.navigation import nav_items

_asset_versions: dict[str, str] = {}


def asset_url(filename: str) -> str:
    """A static URL with a content hash, so browsers may cache assets for long."""
    from flask import current_app

    version = _asset_versions.get(filename)
    if version is None or current_app.debug:
        path = Path(current_app.static_folder or "") / filename
        version = hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.exists() else "0"
        _asset_versions[filename] = version
    return url_for("static", filename=filename, v=version)


def chat_time(iso: str) -> str:
    """A message time (ISO, UTC, as clients get it) as hours and minutes in Europe/Amsterdam."""
    from datetime import datetime

    from flask_babel import format_time

    try:
        moment = datetime.fromisoformat(iso.rstrip("Z"))
    except (AttributeError, ValueError):
        return ""
    return format_time(moment, "HH:mm")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["chat_time"] = chat_time
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["user_text"] = render_user_text
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["role_labels"] = ROLE_LABELS

    @app.context_processor
    def _layout_context():
        from app.accounts.forms import ConfirmForm

        return {
            "nav": nav_items(current_user),
            "logout_form": ConfirmForm() if current_user.is_authenticated else None,
        }
