"""Connected sockets: which socket belongs to which account, so the server can close them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class ConnectedSocket(db.Model):
    """One row per open /chat socket of a signed-in user (young people have none here)."""

    __tablename__ = "connected_sockets"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    namespace: Mapped[str] = mapped_column(String(32), default="/chat")
    connected_at: Mapped[datetime] = mapped_column(default=utcnow)
