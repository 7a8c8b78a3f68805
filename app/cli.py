"""`flask hulpmix ...`: commands for the platform as a whole."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app import audit
from app.accounts.admin import ensure_roles
from app.accounts.forms import PASSWORD_MIN
from app.accounts.models import Institution, User
from app.extensions import db
from app.timeutil import utcnow

hulpmix = AppGroup("hulpmix", help="Hulpmix platform commands: demo data, admins, upkeep.")


@hulpmix.command("seed-demo")
def seed_demo_command() -> None:
    """Load the five partner institutions and one demo account per role (safe to run twice)."""
    from app.seed import DEMO_PASSWORD, seed_demo

    users = seed_demo()
    click.echo(f"Demo data ready: {len(users)} accounts, password {DEMO_PASSWORD!r}.")
    for user in users:
        click.echo(f"  {user.email:32} {', '.join(sorted(user.role_names))}")


@hulpmix.command("create-admin")
@click.option("--email", prompt=True, help="E-mail address of the new administrator.")
@click.option("--name", "display_name", prompt="Display name", help="Name shown in the interface.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 10 characters.")
@click.option("--institution", default="", help="Slug of the institution (optional).")
def create_admin_command(email: str, display_name: str, password: str, institution: str) -> None:
    """Create an administrator account, or grant the admin role to an existing account."""
    from app.accounts.models import normalise_email

    if len(password) < PASSWORD_MIN:
        raise click.BadParameter(f"use at least {PASSWORD_MIN} characters", param_hint="--password")
    ensure_roles()
    inst = None
    if institution:
        inst = db.session.scalar(db.select(Institution).where(Institution.slug == institution))
        if inst is None:
            raise click.BadParameter(f"no institution {institution!r}", param_hint="--institution")
    user = User.by_email(email)
    if user is None:
        user = User(email=normalise_email(email), display_name=display_name,
                    email_confirmed_at=utcnow(), institution=inst)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        click.echo(f"Created {user.email}.")
    user.add_role("admin")
    audit.record("role.granted", subject=user, role="admin", reason="flask hulpmix create-admin")
    db.session.commit()
    click.echo(f"{user.email} is an administrator. Two-factor login is set up at the first login.")


@hulpmix.command("purge")
@click.option("--days", type=int, default=None,
              help="Delete youth data older than this many days (default LIVE_RETENTION_DAYS, 90).")
def purge_command(days: int | None) -> None:
    """Delete chat transcripts and mail older than the retention period; figures stay.
    Run it daily (README: "Retention")."""
    from flask import current_app

    from app.retention import run_purges

    days = int(current_app.config.get("LIVE_RETENTION_DAYS", 90) if days is None else days)
    if days < 1:
        raise click.BadParameter("at least 1 day", param_hint="--days")
    for name, result in run_purges(utcnow(), days).items():
        click.echo(f"{name}: {result}")


def init_app(app: Flask) -> None:
    app.cli.add_command(hulpmix)
