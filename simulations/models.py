"""A simulation: one role-play chat of a trainee, with a trainer or with the scripted youth."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class Simulation(db.Model):
    __tablename__ = "simulations"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_key: Mapped[str] = mapped_column(String(80))
    mode: Mapped[str] = mapped_column(String(20))  # "live" (a trainer plays) | "scripted"
    lang: Mapped[str] = mapped_column(String(5), default="nl")
    trainee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    batch: Mapped[str] = mapped_column(String(32), default="")  # started together for several trainees
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | ended | assessed
    risk: Mapped[str] = mapped_column(String(10), default="low")  # the scenario's risk, kept for history
    youth_state: Mapped[dict] = mapped_column(JSON, default=dict)  # the scripted youth's state
    trainer_notes: Mapped[str] = mapped_column(Text, default="")
    passed: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    assessed_at: Mapped[datetime | None]

    trainee = relationship("User", foreign_keys=[trainee_id])
    trainer = relationship("User", foreign_keys=[trainer_id])
    conversation = relationship("Conversation")

    @property
    def high_risk(self) -> bool:
        return self.risk in ("high", "acute")
