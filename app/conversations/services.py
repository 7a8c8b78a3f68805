"""Socket bookkeeping: remember a signed-in user's sockets and close them on the server."""

from __future__ import annotations

from sqlalchemy import delete, select

from app.conversations.models import ConnectedSocket
from app.extensions import db, socketio

NAMESPACE = "/chat"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def remember_socket(sid: str, user_id: int) -> None:
    db.session.merge(ConnectedSocket(sid=sid, user_id=user_id, namespace=NAMESPACE))
    db.session.commit()


def forget_socket(sid: str) -> None:
    db.session.execute(delete(ConnectedSocket).where(ConnectedSocket.sid == sid))
    db.session.commit()


def disconnect_user(user_id: int) -> int:
    """Close every socket of this user, on whichever worker it lives (through the queue)."""
    sids = list(db.session.scalars(select(ConnectedSocket.sid).where(ConnectedSocket.user_id == user_id)))
    for sid in sids:
        socketio.emit("session_ended", {"reason": "signed_out"}, to=sid, namespace=NAMESPACE)
        socketio.server.disconnect(sid, namespace=NAMESPACE)
    db.session.execute(delete(ConnectedSocket).where(ConnectedSocket.user_id == user_id))
    db.session.commit()
    return len(sids)
