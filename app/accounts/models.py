"""Accounts: one User for every role, the Role names, Institutions and spoken languages."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.timeutil import utcnow

ROLES = ("applicant", "trainee", "counsellor", "trainer", "supervisor", "coordinator", "admin")
# Roles granted by an admin; the others come from screening and certification.
STAFF_ROLES = ("supervisor", "coordinator", "admin")
# Roles that can read young people's words: these accounts must use two-factor login.
TWO_FACTOR_ROLES = frozenset({"counsellor", "supervisor", "coordinator", "admin"})

user_roles = Table(
    "user_roles",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_name", ForeignKey("roles.name", ondelete="CASCADE"), primary_key=True),
)


class Role(db.Model):
    __tablename__ = "roles"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)

    def __repr__(self) -> str:
        return f"<Role {self.name}>"


class Institution(db.Model):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200), default="")

    def __repr__(self) -> str:
        return f"<Institution {self.slug}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    display_name: Mapped[str] = mapped_column(String(60))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    cultural_background: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    email_confirmed_at: Mapped[datetime | None]
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_counter: Mapped[int | None]
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # Raised on logout-everywhere, role changes and password changes: older sessions die.
    session_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    institution: Mapped[Institution | None] = relationship()
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin")
    languages: Mapped[list[UserLanguage]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        order_by="UserLanguage.id",
    )

    # --- identity -------------------------------------------------------------------
    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    # --- password -------------------------------------------------------------------
    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # --- roles ----------------------------------------------------------------------
    @property
    def role_names(self) -> set[str]:
        return {role.name for role in self.roles}

    def has_role(self, *names: str) -> bool:
        return bool(self.role_names & set(names))

    def add_role(self, name: str) -> bool:
        if name not in ROLES:
            raise ValueError(f"unknown role {name!r}")
        if name in self.role_names:
            return False
        role = db.session.get(Role, name) or Role(name=name)
        self.roles.append(role)
        return True

    def remove_role(self, name: str) -> bool:
        for role in list(self.roles):
            if role.name == name:
                self.roles.remove(role)
                return True
        return False

    @property
    def is_staff(self) -> bool:
        return self.has_role("counsellor", "trainer", "supervisor", "coordinator", "admin")

    @property
    def needs_two_factor(self) -> bool:
        return bool(self.role_names & TWO_FACTOR_ROLES)

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def name_for_certificate(self) -> str:
        return self.full_name or self.display_name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    @classmethod
    def by_email(cls, email: str) -> User | None:
        return db.session.scalar(select(cls).where(cls.email == normalise_email(email)))


class UserLanguage(db.Model):
    __tablename__ = "user_languages"
    __table_args__ = (UniqueConstraint("user_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="languages")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()
