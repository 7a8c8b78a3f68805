"""Certificates and the trainer sign-offs that precede them."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

# 18 random bytes: 144 bits, 24 URL-safe characters. Nobody guesses one; rate limits do the rest.
CODE_BYTES = 18


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


class SignOff(db.Model):
    """A certified trainer's statement that a person is ready; a coordinator then issues."""

    __tablename__ = "certificate_signoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    certificate_type: Mapped[str] = mapped_column(String(20))
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    trainer_name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)

    holder = relationship("User", foreign_keys=[holder_id])
    trainer = relationship("User", foreign_keys=[trainer_id])
    certificate: Mapped[Certificate | None] = relationship(back_populates="signoff", uselist=False)

    @property
    def is_pending(self) -> bool:
        return self.certificate is None


class Certificate(db.Model):
    """A counsellor or trainer certificate: what the PDF prints and the verification page shows."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True, default=new_code)
    certificate_type: Mapped[str] = mapped_column(String(20))
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # As printed: later profile changes do not rewrite an issued certificate.
    holder_name: Mapped[str] = mapped_column(String(200))
    institution_name: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    # One certificate per sign-off: a second issue of the same sign-off fails in the database.
    signoff_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate_signoffs.id", ondelete="SET NULL"), unique=True
    )
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_by_name: Mapped[str] = mapped_column(String(200), default="")
    founding: Mapped[bool] = mapped_column(default=False)
    founding_reason: Mapped[str] = mapped_column(Text, default="")
    renewal_of_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    # Smallest reminder (days before expiry) already mailed, so each is sent once.
    reminded_days: Mapped[int | None]
    # When the expiry command took the role away (after the grace period).
    lapsed_at: Mapped[datetime | None]

    holder = relationship("User", foreign_keys=[holder_id])
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])
    signoff: Mapped[SignOff | None] = relationship(back_populates="certificate")
    renewal_of = relationship("Certificate", remote_side=[id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_valid(self, at: datetime | None = None) -> bool:
        """Issued, not revoked, and `at` (default now) before the expiry moment."""
        at = at or utcnow()
        return not self.is_revoked and self.issued_at <= at < self.expires_at

    def status(self, at: datetime | None = None) -> str:
        """valid | expired | revoked (revoked wins: a revoked certificate says so forever)."""
        at = at or utcnow()
        if self.is_revoked:
            return "revoked"
        if at >= self.expires_at:
            return "expired"
        return "valid"

    def __repr__(self) -> str:
        return f"<Certificate {self.id} {self.certificate_type} {self.holder_id}>"
