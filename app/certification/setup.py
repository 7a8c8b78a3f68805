"""Wiring of the certification part into the app: settings, pages, menu, panel, commands."""

from __future__ import annotations

import click
from flask import Flask, url_for
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l

from app.certification import models as _models  # noqa: F401 - tables for migrations
from app.certification import register_requirement
from app.certification.services import DEFAULTS, counsellor_certificate_requirement
from app.dashboard import Panel, register_panel
from app.navigation import NavItem, register_nav
from app.signals import account_deleting, account_exporting

certification_cli = AppGroup("certification", help="Certificates: reminders before expiry, expiry.")


@certification_cli.command("remind")
def remind_command() -> None:
    """Mail holders whose certificate expires soon (each reminder once), then take the
    role away from holders whose certificate expired more than the grace period ago."""
    from flask import current_app

    from app.certification.services import lapse_expired, send_reminders

    with current_app.test_request_context(base_url=current_app.config["CERTIFICATION_BASE_URL"]):
        sent = send_reminders()
        lapsed = lapse_expired()
    click.echo(f"Reminders sent: {sent}. Roles removed after expiry: {lapsed}.")


def _panel(user) -> Panel | None:
    from app.certification.services import STAGE_LABELS, progress, valid_certificate

    if user.has_role("coordinator", "admin") or (user.has_role("trainer") and valid_certificate(user, "trainer")):
        return Panel(str(_l("Certification pipeline")),
                     str(_l("Everyone in training: how far they are, what blocks them, who waits for a sign-off or a certificate.")),
                     str(_l("Open the pipeline")), url_for("certification.pipeline"), order=40)
    if user.has_role("trainee") and valid_certificate(user, "counsellor") is None:
        row = progress(user, "counsellor")
        return Panel(str(_l("Your way to the certificate")),
                     str(_l("%(met)d of %(total)d requirements met. %(stage)s.", met=row.met, total=row.total,
                            stage=STAGE_LABELS[row.stage])),
                     str(_l("See your progress")), url_for("certification.progress"), tone="todo", order=15)
    if user.has_role("counsellor", "trainer"):
        return Panel(str(_l("Your certificates")),
                     str(_l("Download your certificate, share its verification link and see when it needs renewal.")),
                     str(_l("Open certificates")), url_for("certification.progress"), order=60)
    return None


def _export(user, **_kwargs):
    from app.certification.services import export_for

    return ("certificates", export_for(user))


def _delete(user, **_kwargs) -> None:
    """A deleted account takes its certificates along: the verification page then knows none."""
    from sqlalchemy import delete, update

    from app.certification.models import Certificate, SignOff
    from app.extensions import db

    mine = [c.id for c in db.session.scalars(db.select(Certificate).where(Certificate.holder_id == user.id))]
    if mine:
        db.session.execute(update(Certificate).where(Certificate.renewal_of_id.in_(mine))
                           .values(renewal_of_id=None))
    db.session.execute(delete(Certificate).where(Certificate.holder_id == user.id))
    db.session.execute(delete(SignOff).where(SignOff.holder_id == user.id))


def init_certification(app: Flask) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    from app.certification.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(certification_cli)
    register_requirement(app, "trainer", "counsellor_certificate", lambda: _l("Valid counsellor certificate"),
                         counsellor_certificate_requirement, order=1)
    register_nav(app, NavItem("certification.progress", lambda: _l("Certificate"), "roles",
                              ("trainee", "counsellor", "trainer"), order=40))
    register_nav(app, NavItem("certification.pipeline", lambda: _l("Certification"), "roles",
                              ("coordinator",), order=41))
    register_panel(app, _panel)
    account_exporting.connect(_export, weak=False)
    account_deleting.connect(_delete, weak=False)
