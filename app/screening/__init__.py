"""Screening: the intercultural-skills instrument (files), applications, scoring, reviewers, decisions.

`init_app` registers the blueprint, the menu entries, one dashboard panel per role, the
certification requirement "screening passed", the data-rights signals and `flask screening`.
Courses ask `app.cohorts.weakest_dimensions(user, n)`, answered by this package's
`weakest_dimensions` (registered as the profile provider), to suggest lessons.
"""

from __future__ import annotations

import os

import click
from flask import Flask, url_for
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.certification import RequirementResult, register_requirement
from app.cohorts import register_profile_provider
from app.contentfiles import ContentError, ContentErrors
from app.dashboard import Panel, register_panel
from app.navigation import NavItem, register_nav
from app.screening import models as models
from app.screening.instrument import DIMENSIONS, Instrument, get_instrument, load_instrument
from app.screening.models import (
    ACCEPTED,
    DRAFT,
    REJECTED,
    SCORED,
    SUBMITTED,
    WAITLISTED,
    WITHDRAWN,
    Application,
)
from app.screening.routes import bp
from app.screening.services import ScreeningError, weakest_dimensions
from app.signals import account_deleting, account_exporting

DEFAULT_RETENTION_DAYS = 730  # two years


# --- dashboard panels ---------------------------------------------------------------------
def applicant_panel(user) -> Panel | None:
    from app.screening import services

    if not user.has_role("applicant"):
        return None
    application = services.current_application(user)
    link = url_for("screening.index")
    if application is None:
        wait = services.next_attempt_date(user)
        if user.has_role("trainee"):
            return None
        if wait is not None:
            return Panel(_("Screening"), _("You can start a new screening on %(date)s.", date=wait.strftime("%d-%m-%Y")),
                         _("View your screening"), link, order=10)
        return Panel(_("Start your screening"),
                     _("Four short steps about you, your way of working and how you would reply in a chat. "
                       "You can save and come back later."),
                     _("Start the screening"), link, tone="todo", order=10)
    status = application.status
    if status == DRAFT:
        done = sum(step.complete for step in services.steps(application))
        return Panel(_("Continue your screening"),
                     _("%(done)d of %(total)d steps done. Submit when every step is complete.", done=done,
                       total=len(services.STEPS)),
                     _("Continue"), link, tone="todo", order=10)
    if status in (SUBMITTED, SCORED):
        return Panel(_("Your screening is being assessed"),
                     _("Submitted on %(date)s. Two reviewers read your written replies; then a coordinator "
                       "decides. You will get an e-mail.", date=application.submitted_at.strftime("%d-%m-%Y")),
                     _("Where it stands"), link, order=10)
    if status == ACCEPTED:
        return Panel(_("You are accepted: welcome as a trainee"),
                     _("Your screening is passed. You are on the intake list for the next counsellor course."),
                     _("Read the decision"), link, tone="done", order=10)
    if status == WAITLISTED:
        return Panel(_("You are on the waiting list"), application.decision_message,
                     _("Read the decision"), link, order=10)
    if status == REJECTED:
        return Panel(_("The decision on your screening"), application.decision_message,
                     _("Read the decision"), link, order=10)
    if status == WITHDRAWN:
        return Panel(_("Screening withdrawn"), _("You withdrew your application. You can delete its data."),
                     _("View your screening"), link, order=10)
    return None


def reviewer_panel(user) -> Panel | None:
    from app.screening import services

    if not user.has_role(*services.REVIEWER_ROLES):
        return None
    pending = services.pending_reviews(user)
    if not pending:
        return None
    return Panel(_("Written samples to score"),
                 ngettext("%(num)d screening application waits for your scores.",
                          "%(num)d screening applications wait for your scores.", len(pending)),
                 _("Score the samples"), url_for("screening.reviews"), tone="todo", order=30)


def coordinator_panel(user) -> Panel | None:
    from sqlalchemy import select

    from app.extensions import db
    from app.screening import services

    if not user.has_role("coordinator"):
        return None
    query = select(Application).where(Application.status.in_((SUBMITTED, SCORED, WAITLISTED)))
    if not user.has_role("admin"):
        query = query.where(Application.institution_id == user.institution_id)
    found = list(db.session.scalars(query))
    to_assign = sum(1 for a in found if a.status == SUBMITTED and (
        len([r for r in a.reviews if r.reviewer_id and r.round < 3]) < 2
        or (services.first_two_in(a) and services.needs_third_review(a) and not
            (a.review(3) and a.review(3).reviewer_id))))
    to_decide = sum(1 for a in found if a.status == SCORED)
    scope = None if user.has_role("admin") else user.institution_id
    kappas = [row.kappa for row in services.agreement(scope) if row.kappa is not None]
    agreement = (_("Reviewer agreement (weighted kappa, mean over criteria): %(k).2f.", k=sum(kappas) / len(kappas))
                 if kappas else _("Reviewer agreement shows once first and second reviewers have scored."))
    return Panel(_("Screening applications"),
                 _("%(decide)d to decide, %(assign)d waiting for a reviewer.", decide=to_decide, assign=to_assign)
                 + " " + agreement,
                 _("Open the applications"), url_for("screening.applications"),
                 tone="todo" if to_decide or to_assign else "default", order=40)


def trainer_panel(user) -> Panel | None:
    if not user.has_role("trainer") or user.has_role("coordinator"):
        return None
    return Panel(_("Your trainees' screening profiles"),
                 _("See the two weakest of each trainee's five intercultural dimensions, to pick exercises."),
                 _("View the profiles"), url_for("screening.trainees"), order=45)


# --- certification ------------------------------------------------------------------------
def screening_requirement(user) -> RequirementResult:
    from app.screening import services

    accepted = services.screening_passed(user)
    if accepted is None:
        return RequirementResult(False, missing=_("The screening has not been passed."),
                                 next_url=url_for("screening.index"))
    return RequirementResult(True, evidence=(_("Accepted on %(date)s", date=accepted.decided_at.strftime("%d-%m-%Y")),))


# --- commands -----------------------------------------------------------------------------
screening_cli = AppGroup("screening", help="Screening commands: check the instrument, purge old applications.")


@screening_cli.command("check")
@click.option("--directory", default=None, help="Another instrument folder to check (default: the app's own).")
def check_command(directory: str | None) -> None:
    """Load and validate the instrument files; print every problem as file:line."""
    try:
        inst = load_instrument(directory) if directory else load_instrument()
    except ContentErrors as errors:
        for error in errors.errors:
            click.echo(str(error), err=True)
        raise SystemExit(1) from None
    except ContentError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    click.echo(f"Instrument ok: {len(inst.dimensions)} dimensions, {len(inst.items)} items "
               f"({sum(i.reverse for i in inst.items)} reverse-scored), {len(inst.vignettes)} vignettes, "
               f"{len(inst.samples)} written samples, {len(inst.questions)} background questions.")


@screening_cli.command("purge")
@click.option("--days", type=int, default=None, help="Retention in days (default: SCREENING_RETENTION_DAYS).")
def purge_command(days: int | None) -> None:
    """Delete rejected and withdrawn applications (and abandoned drafts) past the retention period."""
    from flask import current_app

    from app.screening import services

    if days is not None:
        if days < 1:
            raise click.BadParameter("use at least 1 day", param_hint="--days")
        current_app.config["SCREENING_RETENTION_DAYS"] = days
    count = services.purge_expired()
    click.echo(f"Deleted {count} screening application(s) older than {services.retention_days()} days.")


# --- registration -------------------------------------------------------------------------
def _on_deleting(user, **kwargs) -> None:
    from app.screening import services

    services.on_account_deleting(user, **kwargs)


def _on_exporting(user, **kwargs):
    from app.screening import services

    return services.on_account_exporting(user, **kwargs)


def init_app(app: Flask) -> None:
    app.config.setdefault("SCREENING_RETENTION_DAYS",
                          int(os.environ.get("SCREENING_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)))
    app.register_blueprint(bp)
    register_nav(app, NavItem("screening.index", lambda: _l("Screening"), "roles", ("applicant",), order=10))
    register_nav(app, NavItem("screening.applications", lambda: _l("Applications"), "roles", ("coordinator",),
                              order=40))
    for panel in (applicant_panel, reviewer_panel, coordinator_panel, trainer_panel):
        register_panel(app, panel)
    register_requirement(app, "counsellor", "screening_passed", lambda: _l("Screening passed"),
                         screening_requirement, order=10)
    register_profile_provider(app, weakest_dimensions)
    account_deleting.connect(_on_deleting)
    account_exporting.connect(_on_exporting)
    app.cli.add_command(screening_cli)


__all__ = [
    "DIMENSIONS", "Application", "Instrument", "ScreeningError", "bp", "get_instrument", "init_app",
    "load_instrument", "models", "weakest_dimensions",
]
