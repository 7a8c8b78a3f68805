"""Rate-limit keys that never store an IP address.

Staff are keyed on their account. Anonymous visitors are keyed on the browser's own token
when it sends one, and otherwise on a keyed hash of their address that changes every day;
the hash lives only in the limiter's short-lived store, never in the database or logs.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from flask import current_app, request
from flask_login import current_user

BROWSER_TOKEN_HEADER = "X-Hulpmix-Browser"  # noqa: S105 - a header name, not a secret


def address_hash(address: str | None, *, day: str | None = None) -> str:
    """A salted hash of an address, salted with the secret key and today's date."""
    day = day or datetime.now(UTC).strftime("%Y-%m-%d")
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, f"{day}|{address or '-'}".encode(), hashlib.sha256).hexdigest()
    return digest[:24]


def client_key() -> str:
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    token = request.headers.get(BROWSER_TOKEN_HEADER) or request.form.get("browser_token")
    if token and 16 <= len(token) <= 64 and token.replace("-", "").isalnum():
        return f"browser:{token}"
    return f"addr:{address_hash(request.remote_addr)}"
