"""Certification rules: progress, sign-off, issue, founding staff, renewal, expiry, revocation
and the public verification answer. Every write is one transaction with its audit events."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.accounts.models import User, user_roles
from app.accounts.services import change_roles, end_sessions
from app.certification import (
    CERTIFICATE_TYPES,
    Requirement,
    RequirementResult,
    count_activities,
    evaluate,
)
from app.certification.models import Certificate, SignOff
from app.cohorts.models import Cohort, CohortMember
from app.extensions import db
from app.mail import send_mail
from app.signals import roles_changed
from app.timeutil import utcnow

TYPE_LABELS = {
    "counsellor": _l("Online youth counsellor"),
    "trainer": _l("Trainer of online youth counsellors"),
}
STATUS_LABELS = {"valid": _l("Valid"), "expired": _l("Expired"), "revoked": _l("Revoked")}
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
REASON_MIN = 10
FOUNDING_REASON_MIN = 20

DEFAULTS = {
    "CERTIFICATE_VALID_DAYS": 730,             # 2 years
    "CERTIFICATION_REMINDER_DAYS": (60, 14),   # reminder mails, days before expiry
    "CERTIFICATION_RENEWAL_OPENS_DAYS": 90,    # renewal possible this long before expiry
    "CERTIFICATION_ACTIVITY_WINDOW_DAYS": 365,  # recent activity: the last 12 months
    "CERTIFICATION_RENEWAL_MIN_ACTIVITIES": 2,  # e.g. two simulations or quality reviews
    "CERTIFICATION_ROLE_GRACE_HOURS": 12,      # running chats may finish before the role goes
    "CERTIFICATION_VERIFY_RATE_LIMIT": "20 per minute; 200 per hour",
    "CERTIFICATION_BASE_URL": "http://127.0.0.1:5000",  # for links in mails sent by the CLI
    "LIVE_SUPERVISED_CHATS": 10,
    "LIVE_MAX_CHATS": 2,
    "LIVE_SHADOW_MAX_CHATS": 1,
}


class CertificationError(Exception):
    """A rule refused the request; the message is meant for the user."""


def setting(name: str):
    return current_app.config.get(name, DEFAULTS[name])


def type_label(certificate_type: str) -> str:
    return str(TYPE_LABELS.get(certificate_type, certificate_type))


def _check_type(certificate_type: str) -> None:
    if certificate_type not in CERTIFICATE_TYPES:
        raise CertificationError(_("Unknown certificate type."))


# --- looking up ----------------------------------------------------------------------------
def certificates_of(user, certificate_type: str | None = None) -> list[Certificate]:
    query = select(Certificate).where(Certificate.holder_id == user.id)
    if certificate_type:
        query = query.where(Certificate.certificate_type == certificate_type)
    return list(db.session.scalars(query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


def valid_certificate(user, certificate_type: str, at: datetime | None = None) -> Certificate | None:
    """The holder's valid certificate of this type at `at`, the one expiring last."""
    at = at or utcnow()
    found = [c for c in certificates_of(user, certificate_type) if c.is_valid(at)]
    return max(found, key=lambda c: c.expires_at) if found else None


def by_code(code: str) -> Certificate | None:
    if not CODE_PATTERN.match(code or ""):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def pending_signoff(user, certificate_type: str) -> SignOff | None:
    signoffs = db.session.scalars(
        select(SignOff).where(SignOff.holder_id == user.id, SignOff.certificate_type == certificate_type)
        .order_by(SignOff.signed_at.desc())
    )
    return next((s for s in signoffs if s.is_pending), None)


def may_certify(user, at: datetime | None = None) -> bool:
    """A trainer may sign off others only with a valid trainer and counsellor certificate."""
    return (user.is_active and user.has_role("trainer")
            and valid_certificate(user, "trainer", at) is not None
            and valid_certificate(user, "counsellor", at) is not None)


def trains(trainer, person) -> bool:
    """Is `trainer` the trainer of one of `person`'s cohorts?"""
    return db.session.scalar(
        select(CohortMember.id).join(Cohort).where(Cohort.trainer_id == trainer.id,
                                                   CohortMember.user_id == person.id).limit(1)
    ) is not None


def counsellor_certificate_requirement(user) -> RequirementResult:
    """The trainer certificate needs a valid counsellor certificate (registered by init_app)."""
    certificate = valid_certificate(user, "counsellor")
    if certificate is None:
        return RequirementResult(False, missing=_("A valid counsellor certificate."),
                                 next_url=url_for("certification.progress"))
    return RequirementResult(True, evidence=(
        _("Counsellor certificate valid until %(date)s.", date=long_date(certificate.expires_at)),))


def long_date(moment: datetime) -> str:
    from flask_babel import format_date

    return format_date(moment, "long")  # a datetime: shown on the Amsterdam calendar


# --- progress ------------------------------------------------------------------------------
@dataclass
class Progress:
    user: User
    certificate_type: str
    results: list[tuple[Requirement, RequirementResult]]
    certificate: Certificate | None = None
    signoff: SignOff | None = None

    @property
    def met(self) -> int:
        return sum(1 for _req, result in self.results if result.met)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def all_met(self) -> bool:
        return bool(self.results) and self.met == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.total) if self.total else 0

    @property
    def blocking(self) -> list[str]:
        return [req.label for req, result in self.results if not result.met]

    @property
    def next_step(self) -> tuple[str, str | None]:
        """The first thing to do: (what, link) of the first unmet requirement."""
        for req, result in self.results:
            if not result.met:
                return (result.missing or req.label, result.next_url)
        return ("", None)

    @property
    def stage(self) -> str:
        """certified | awaiting_issue | awaiting_signoff | in_training | not_configured"""
        if self.certificate is not None:
            return "certified"
        if not self.results:
            return "not_configured"
        if not self.all_met:
            return "in_training"
        return "awaiting_issue" if self.signoff is not None else "awaiting_signoff"


STAGE_LABELS = {
    "certified": _l("Certified"),
    "awaiting_issue": _l("Signed off, waiting for the coordinator"),
    "awaiting_signoff": _l("All requirements met, waiting for a trainer's sign-off"),
    "in_training": _l("In training"),
    "not_configured": _l("No requirements registered yet"),
}


def progress(user, certificate_type: str) -> Progress:
    _check_type(certificate_type)
    return Progress(user, certificate_type, evaluate(user, certificate_type),
                    valid_certificate(user, certificate_type), pending_signoff(user, certificate_type))


def _users_with_role(role: str):
    return select(user_roles.c.user_id).where(user_roles.c.role_name == role)


def pipeline(viewer, certificate_type: str | None = None) -> list[Progress]:
    """Everyone in training that `viewer` may see: how far they are and what blocks them.

    Counsellor track: trainees without a valid counsellor certificate. Trainer track:
    counsellors without a valid trainer certificate who started it (a trainer requirement
    beyond the counsellor certificate met, the trainer role, or a pending sign-off).
    """
    query = select(User).where(User.active.is_(True)).order_by(User.display_name, User.id)
    if not viewer.has_role("admin"):
        scope = User.institution_id == viewer.institution_id
        if viewer.has_role("trainer"):
            taught = select(CohortMember.user_id).join(Cohort).where(Cohort.trainer_id == viewer.id)
            scope = or_(scope, User.id.in_(taught))
        query = query.where(scope)
    candidates = list(db.session.scalars(query.where(or_(
        User.id.in_(_users_with_role("trainee")), User.id.in_(_users_with_role("counsellor")),
        User.id.in_(select(SignOff.holder_id)),
    ))))
    rows: list[Progress] = []
    for person in candidates:
        for kind in CERTIFICATE_TYPES:
            if certificate_type and kind != certificate_type:
                continue
            row = progress(person, kind)
            if row.certificate is not None:
                continue
            if kind == "counsellor" and not (person.has_role("trainee") or row.signoff):
                continue
            if kind == "trainer":
                started = row.signoff is not None or person.has_role("trainer") or any(
                    result.met for req, result in row.results if req.key != "counsellor_certificate")
                if valid_certificate(person, "counsellor") is None or not started:
                    continue
            rows.append(row)
    return rows


# --- sign-off and issue ---------------------------------------------------------------------
def _refuse_unmet(holder, certificate_type: str) -> list[tuple[Requirement, RequirementResult]]:
    results = evaluate(holder, certificate_type)
    if not results:
        raise CertificationError(_("No requirements are registered for this certificate yet, so it cannot be issued."))
    missing = [req.label for req, result in results if not result.met]
    if missing:
        raise CertificationError(_("Not all requirements are met. Still missing: %(missing)s.",
                                   missing="; ".join(missing)))
    return results


def sign_off(trainer, holder, certificate_type: str, note: str = "") -> SignOff:
    """A certified trainer declares `holder` ready for the certificate."""
    _check_type(certificate_type)
    if trainer.id == holder.id:
        raise CertificationError(_("You cannot sign off your own certificate."))
    if not may_certify(trainer):
        raise CertificationError(_("Only a trainer with a valid trainer certificate can sign off."))
    if valid_certificate(holder, certificate_type) is not None:
        raise CertificationError(_("%(name)s already holds a valid certificate of this type.",
                                   name=holder.name_for_certificate))
    if pending_signoff(holder, certificate_type) is not None:
        raise CertificationError(_("This person has been signed off already; a coordinator can now issue the certificate."))
    _refuse_unmet(holder, certificate_type)
    signoff = SignOff(holder_id=holder.id, certificate_type=certificate_type, trainer_id=trainer.id,
                      trainer_name=trainer.name_for_certificate, note=(note or "").strip()[:2000],
                      signed_at=utcnow())
    db.session.add(signoff)
    db.session.flush()
    audit.record("certificate.signed_off", actor=trainer, subject=holder, object_type="signoff",
                 object_id=signoff.id, certificate_type=certificate_type)
    db.session.commit()
    return signoff


def _new_certificate(actor, holder, certificate_type: str, *, issued_at: datetime, expires_at: datetime,
                     **fields) -> Certificate:
    certificate = Certificate(
        certificate_type=certificate_type, holder_id=holder.id, holder_name=holder.name_for_certificate,
        institution_name=holder.institution.name if holder.institution else "",
        issued_at=issued_at, expires_at=expires_at, issued_by_id=actor.id,
        issued_by_name=actor.name_for_certificate, **fields,
    )
    db.session.add(certificate)
    return certificate


def _grant_role(actor, holder, certificate_type: str, certificate: Certificate) -> None:
    """Certification grants the counsellor/trainer role (audited, sessions end); commits."""
    change_roles(actor, holder, add={certificate_type},
                 reason=f"certificate {certificate.id} issued")
    db.session.commit()


def issue(coordinator, holder, certificate_type: str) -> Certificate:
    """Issue the certificate a trainer signed off: all requirements met, not issued before."""
    _check_type(certificate_type)
    if coordinator.id == holder.id:
        raise CertificationError(_("You cannot issue a certificate to yourself."))
    if valid_certificate(holder, certificate_type) is not None:
        raise CertificationError(_("%(name)s already holds a valid certificate of this type.",
                                   name=holder.name_for_certificate))
    signoff = pending_signoff(holder, certificate_type)
    if signoff is None:
        raise CertificationError(_("A certified trainer must sign off before a coordinator can issue."))
    _refuse_unmet(holder, certificate_type)
    now = utcnow()
    certificate = _new_certificate(coordinator, holder, certificate_type, issued_at=now,
                                   expires_at=now + timedelta(days=setting("CERTIFICATE_VALID_DAYS")),
                                   signoff_id=signoff.id)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise CertificationError(_("This certificate has been issued already.")) from None
    audit.record("certificate.issued", actor=coordinator, subject=holder, object_type="certificate",
                 object_id=certificate.id, certificate_type=certificate_type, signoff=signoff.id,
                 trainer=signoff.trainer_id)
    _grant_role(coordinator, holder, certificate_type, certificate)
    return certificate


def register_founding(coordinator, person, certificate_type: str, reason: str) -> Certificate:
    """Founding staff: existing counsellors or trainers registered by a coordinator, with a reason."""
    _check_type(certificate_type)
    reason = (reason or "").strip()
    if len(reason) < FOUNDING_REASON_MIN:
        raise CertificationError(_("Write down why this person is founding staff (at least %(n)d characters).",
                                   n=FOUNDING_REASON_MIN))
    if coordinator.id == person.id:
        raise CertificationError(_("You cannot register yourself: ask another coordinator."))
    if valid_certificate(person, certificate_type) is not None:
        raise CertificationError(_("%(name)s already holds a valid certificate of this type.",
                                   name=person.name_for_certificate))
    if certificate_type == "trainer" and valid_certificate(person, "counsellor") is None:
        raise CertificationError(_("A trainer needs a valid counsellor certificate: register this person as a founding counsellor first."))
    now = utcnow()
    certificate = _new_certificate(coordinator, person, certificate_type, issued_at=now,
                                   expires_at=now + timedelta(days=setting("CERTIFICATE_VALID_DAYS")),
                                   founding=True, founding_reason=reason[:2000])
    db.session.flush()
    audit.record("certificate.founding_registered", actor=coordinator, subject=person,
                 object_type="certificate", object_id=certificate.id, certificate_type=certificate_type,
                 reason=reason[:2000])
    _grant_role(coordinator, person, certificate_type, certificate)
    return certificate


# --- revocation ----------------------------------------------------------------------------
def _drop_role_if_uncovered(actor, holder, certificate_type: str, reason: str) -> bool:
    """Take the role away when no other valid certificate of the type covers it."""
    if valid_certificate(holder, certificate_type) is not None or not holder.has_role(certificate_type):
        return False
    if actor is not None:
        change_roles(actor, holder, remove={certificate_type}, reason=reason)
        return True
    holder.remove_role(certificate_type)
    audit.record("role.revoked", subject=holder, role=certificate_type, reason=reason)
    end_sessions(holder, commit=False)
    db.session.commit()
    roles_changed.send(holder, added=set(), removed={certificate_type}, actor=None)
    return True


def revoke(coordinator, certificate: Certificate, reason: str) -> None:
    """Revoke with a written reason: audited, the role goes, the holder's sessions and sockets end."""
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise CertificationError(_("Give the reason for revoking (at least %(n)d characters).", n=REASON_MIN))
    if certificate.is_revoked:
        raise CertificationError(_("This certificate was revoked already."))
    holder = certificate.holder
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = coordinator.id
    certificate.revoked_reason = reason[:2000]
    audit.record("certificate.revoked", actor=coordinator, subject=holder, object_type="certificate",
                 object_id=certificate.id, certificate_type=certificate.certificate_type, reason=reason[:2000])
    db.session.flush()
    if not _drop_role_if_uncovered(coordinator, holder, certificate.certificate_type,
                                   f"certificate {certificate.id} revoked"):
        # Also when another certificate keeps the role: frozen socket sessions must go.
        end_sessions(holder)


# --- renewal and expiry ----------------------------------------------------------------------
@dataclass
class RenewalStatus:
    certificate: Certificate
    opens_at: datetime
    activities: list[tuple[str, int]] = field(default_factory=list)
    needed: int = 0
    renewed_by: Certificate | None = None

    @property
    def done(self) -> int:
        return sum(count for _label, count in self.activities)

    @property
    def activity_met(self) -> bool:
        return self.done >= self.needed

    def is_open(self, at: datetime | None = None) -> bool:
        return (at or utcnow()) >= self.opens_at

    def may_renew(self, at: datetime | None = None) -> bool:
        return (self.renewed_by is None and not self.certificate.is_revoked
                and self.is_open(at) and self.activity_met)


def _renewed_by(certificate: Certificate) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.renewal_of_id == certificate.id)
                             .order_by(Certificate.id.desc()).limit(1))


def renewal_status(certificate: Certificate, at: datetime | None = None) -> RenewalStatus:
    at = at or utcnow()
    since = at - timedelta(days=setting("CERTIFICATION_ACTIVITY_WINDOW_DAYS"))
    holder = certificate.holder
    return RenewalStatus(
        certificate=certificate,
        opens_at=certificate.expires_at - timedelta(days=setting("CERTIFICATION_RENEWAL_OPENS_DAYS")),
        activities=[(activity.label, count) for activity, count in count_activities(holder, since)],
        needed=setting("CERTIFICATION_RENEWAL_MIN_ACTIVITIES"),
        renewed_by=_renewed_by(certificate),
    )


def renew(coordinator, certificate: Certificate) -> Certificate:
    """A new certificate following on the old one, when recent activity shows the holder kept practising."""
    holder = certificate.holder
    if coordinator.id == holder.id:
        raise CertificationError(_("You cannot renew your own certificate."))
    if certificate.is_revoked:
        raise CertificationError(_("A revoked certificate cannot be renewed."))
    now = utcnow()
    status = renewal_status(certificate, now)
    if status.renewed_by is not None:
        raise CertificationError(_("This certificate has been renewed already."))
    if not status.is_open(now):
        raise CertificationError(_("Renewal opens on %(date)s.", date=long_date(status.opens_at)))
    if not status.activity_met:
        raise CertificationError(_("Renewal needs %(needed)d recent activities in the last 12 months; %(done)d found.",
                                   needed=status.needed, done=status.done))
    if certificate.certificate_type == "trainer" and valid_certificate(holder, "counsellor", now) is None:
        raise CertificationError(_("A trainer needs a valid counsellor certificate: renew that one first."))
    starts = max(now, certificate.expires_at)
    renewed = _new_certificate(coordinator, holder, certificate.certificate_type, issued_at=now,
                               expires_at=starts + timedelta(days=setting("CERTIFICATE_VALID_DAYS")),
                               renewal_of_id=certificate.id, founding=certificate.founding)
    db.session.flush()
    audit.record("certificate.renewed", actor=coordinator, subject=holder, object_type="certificate",
                 object_id=renewed.id, previous=certificate.id, activities=status.done)
    _grant_role(coordinator, holder, certificate.certificate_type, renewed)
    return renewed


def send_reminders(at: datetime | None = None) -> int:
    """Mail holders whose certificate expires soon (each reminder once); returns the count."""
    at = at or utcnow()
    thresholds = sorted(setting("CERTIFICATION_REMINDER_DAYS"))
    horizon = at + timedelta(days=max(thresholds))
    due = db.session.scalars(select(Certificate).where(
        Certificate.revoked_at.is_(None), Certificate.expires_at > at, Certificate.expires_at <= horizon,
    ).order_by(Certificate.expires_at))
    sent = 0
    for certificate in list(due):
        holder = certificate.holder
        if not holder.active or _renewed_by(certificate) is not None:
            continue
        days_left = math.ceil((certificate.expires_at - at).total_seconds() / 86400)
        threshold = next(t for t in thresholds if days_left <= t)
        if certificate.reminded_days is not None and certificate.reminded_days <= threshold:
            continue
        status = renewal_status(certificate, at)
        with force_locale(holder.locale or "nl"):
            send_mail(holder.email, _("Your Hulpmix certificate expires in %(n)d days", n=days_left),
                      "certification/email/reminder.txt", certificate=certificate, holder=holder,
                      days_left=days_left, status=status, type_label=type_label(certificate.certificate_type),
                      expires_on=long_date(certificate.expires_at),
                      link=url_for("certification.progress", _external=True))
        certificate.reminded_days = threshold
        audit.record("certificate.reminder_sent", subject=holder, object_type="certificate",
                     object_id=certificate.id, days_left=days_left)
        db.session.commit()
        sent += 1
    return sent


def lapse_expired(at: datetime | None = None) -> int:
    """Take away the role of holders whose certificate expired more than the grace period ago.

    The live gate refuses new work at the moment of expiry; the role (and with it the
    sessions and sockets) goes after the grace period, so that running chats may finish.
    """
    at = at or utcnow()
    cutoff = at - timedelta(hours=setting("CERTIFICATION_ROLE_GRACE_HOURS"))
    expired = list(db.session.scalars(select(Certificate).where(
        Certificate.revoked_at.is_(None), Certificate.lapsed_at.is_(None), Certificate.expires_at <= cutoff,
    )))
    lapsed = 0
    for certificate in expired:
        certificate.lapsed_at = at
        audit.record("certificate.expired", subject=certificate.holder, object_type="certificate",
                     object_id=certificate.id, certificate_type=certificate.certificate_type)
        db.session.commit()
        if _drop_role_if_uncovered(None, certificate.holder, certificate.certificate_type,
                                   f"certificate {certificate.id} expired"):
            lapsed += 1
    return lapsed


# --- verification --------------------------------------------------------------------------
def verification(certificate: Certificate, at: datetime | None = None) -> dict:
    """What anyone may know about a certificate: name as printed, type, validity, revocation."""
    at = at or utcnow()
    status = certificate.status(at)
    return {
        "found": True,
        "holder_name": certificate.holder_name,
        "certificate_type": certificate.certificate_type,
        "certificate_type_label": type_label(certificate.certificate_type),
        "issued_on": certificate.issued_at.date().isoformat(),
        "expires_on": certificate.expires_at.date().isoformat(),
        "status": status,
        "valid": status == "valid",
        "revoked": certificate.is_revoked,
        "revoked_on": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
    }


def export_for(user) -> list[dict]:
    """The holder's certificates for the data export."""
    return [{**verification(c), "code": c.code, "founding": c.founding,
             "revoked_reason": c.revoked_reason or None} for c in certificates_of(user)]


DEMO_REASON = "Demo data: founding staff of the demo institutions (flask hulpmix seed-demo)."


def seed_demo_certificates(users: list[User]) -> None:
    """The demo counsellor, trainer and supervisor hold founding certificates (idempotent)."""
    coordinator = next((u for u in users if u.has_role("coordinator")), None)
    if coordinator is None:
        return
    for user in users:
        for kind in CERTIFICATE_TYPES:  # counsellor first: a trainer needs that one
            if user.has_role(kind) and valid_certificate(user, kind) is None:
                register_founding(coordinator, user, kind, DEMO_REASON)
