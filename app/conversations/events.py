"""The one /chat Socket.IO namespace. Features hook in through registries, not namespaces."""

from __future__ import annotations

import time
from collections import deque

from flask import request
from flask_login import current_user
from flask_socketio import Namespace, disconnect, emit, join_room

from app.conversations import services


class ChatNamespace(Namespace):
    """Rooms are joined here from the signed-in identity, never from a name a client sends."""

    def __init__(self, namespace: str = services.NAMESPACE, *, events_per_10s: int = 30) -> None:
        super().__init__(namespace)
        self.events_per_10s = events_per_10s
        self._recent: dict[str, deque[float]] = {}

    # Flood control per socket: Flask-Limiter does not see Socket.IO events.
    def trigger_event(self, event, *args):
        if event not in ("connect", "disconnect"):
            sid = args[0]  # the request context is set up later, in super().trigger_event
            window = self._recent.setdefault(sid, deque())
            now = time.monotonic()
            while window and now - window[0] > 10:
                window.popleft()
            if len(window) >= self.events_per_10s:
                return {"ok": False, "error": "rate_limited"}
            window.append(now)
        return super().trigger_event(event, *args)

    def on_connect(self, auth=None):
        """Sent by every client when it opens the socket (staff console, dashboard)."""
        if not current_user.is_authenticated:
            return False  # young people's sockets are added by live help with a resume token
        services.remember_socket(request.sid, current_user.id)
        join_room(services.user_room(current_user.id))
        emit("hello", {"user": current_user.display_name})
        return None

    def on_disconnect(self, reason=None):
        """Sent by the server when any socket closes."""
        self._recent.pop(request.sid, None)
        if current_user.is_authenticated:
            services.forget_socket(request.sid)

    def on_ping_server(self, data=None):
        """Sent by a client to check its connection; answers with the server's time."""
        if not current_user.is_authenticated:
            disconnect()
            return {"ok": False, "error": "not_signed_in"}
        return {"ok": True, "at": time.time()}
