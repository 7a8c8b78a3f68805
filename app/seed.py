"""Demo data: the five partner institutions of the original service and one account per role."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.admin import ensure_roles
from app.accounts.models import Institution, User, UserLanguage
from app.extensions import db
from app.timeutil import utcnow

INSTITUTIONS = [
    ("bjz-overijssel", "Bureau Jeugdzorg Overijssel", "Overijssel"),
    ("bjz-gelderland", "Bureau Jeugdzorg Gelderland", "Gelderland"),
    ("bjz-zuid-holland", "Bureau Jeugdzorg Zuid-Holland", "Zuid-Holland"),
    ("ggze", "GGzE", "Eindhoven"),
    ("de-bascule", "de Bascule", "Amsterdam"),
]

DEMO_PASSWORD = "hulpmix-demo-2026"  # noqa: S105 - documented demo password, development only

# email, display name, full name, roles, institution slug, languages
DEMO_ACCOUNTS = [
    ("applicant@demo.hulpmix.nl", "Yasmina", "Yasmina el Amrani", ["applicant"], "bjz-zuid-holland",
     [("nl", "native"), ("ber", "conversational"), ("ar", "basic")]),
    ("trainee@demo.hulpmix.nl", "Emre", "Emre Yıldız", ["applicant", "trainee"], "bjz-gelderland",
     [("nl", "native"), ("tr", "fluent")]),
    ("counsellor@demo.hulpmix.nl", "Shanice", "Shanice Pinas", ["counsellor"], "bjz-zuid-holland",
     [("nl", "native"), ("srn", "conversational"), ("en", "fluent")]),
    ("trainer@demo.hulpmix.nl", "Karim", "Karim Bouzid", ["counsellor", "trainer"], "de-bascule",
     [("nl", "native"), ("ar", "fluent"), ("fr", "conversational")]),
    ("supervisor@demo.hulpmix.nl", "Marieke", "Marieke de Vries", ["counsellor", "supervisor"], "ggze",
     [("nl", "native"), ("en", "fluent")]),
    ("coordinator@demo.hulpmix.nl", "Hodan", "Hodan Abdi", ["coordinator"], "bjz-overijssel",
     [("nl", "fluent"), ("so", "native"), ("en", "fluent")]),
    ("admin@demo.hulpmix.nl", "Beheer", "Hulpmix Beheer", ["admin"], "bjz-zuid-holland",
     [("nl", "native")]),
]


DEMO_COHORT = "Demo: najaar 2026"


def seed_institutions() -> dict[str, Institution]:
    found = {i.slug: i for i in db.session.scalars(select(Institution))}
    for slug, name, region in INSTITUTIONS:
        if slug not in found:
            found[slug] = Institution(slug=slug, name=name, region=region)
            db.session.add(found[slug])
    db.session.commit()
    return found


def seed_demo() -> list[User]:
    """Idempotent: running it again changes nothing that exists."""
    ensure_roles()
    institutions = seed_institutions()
    users = []
    for email, display, full, roles, slug, languages in DEMO_ACCOUNTS:
        user = User.by_email(email)
        if user is None:
            user = User(email=email, display_name=display, full_name=full, is_demo=True,
                        institution=institutions[slug], email_confirmed_at=utcnow())
            user.set_password(DEMO_PASSWORD)
            user.languages = [UserLanguage(code=c, level=lvl) for c, lvl in languages]
            db.session.add(user)
        for role in roles:
            user.add_role(role)
        users.append(user)
    db.session.commit()
    from app.certification.services import seed_demo_certificates

    seed_demo_certificates(users)
    seed_demo_cohort(users)
    return users


def seed_demo_cohort(users: list[User]) -> None:
    """The demo trainer's cohort with the demo trainee in it, so the trainee sees the course."""
    from datetime import date

    from app.cohorts.models import Cohort, CohortMember

    trainer = next((u for u in users if u.has_role("trainer")), None)
    trainee = next((u for u in users if u.has_role("trainee")), None)
    if trainer is None or trainee is None:
        return
    cohort = db.session.scalar(db.select(Cohort).where(Cohort.trainer_id == trainer.id, Cohort.name == DEMO_COHORT))
    if cohort is None:
        cohort = Cohort(name=DEMO_COHORT, course_key="counsellor", trainer_id=trainer.id,
                        institution_id=trainer.institution_id, starts_on=date(2026, 9, 1))
        db.session.add(cohort)
    if not any(m.user_id == trainee.id for m in cohort.members):
        cohort.members.append(CohortMember(user_id=trainee.id))
    db.session.commit()
