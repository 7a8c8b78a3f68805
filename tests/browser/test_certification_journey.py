"""From "all requirements met" to a verified certificate: the trainee sees it, a certified
trainer signs off, a coordinator issues, and anyone checks the code."""

from __future__ import annotations

import re

import pyotp
from playwright.sync_api import Page, expect

from app.accounts.models import Institution, User
from app.certification.services import register_founding
from app.extensions import db
from app.timeutil import utcnow
from tests.certification.conftest import register_training
from tests.conftest import PASSWORD


def _person(email: str, name: str, full_name: str, institution: Institution, *roles: str) -> User:
    user = User(email=email, display_name=name, full_name=full_name, institution=institution,
                email_confirmed_at=utcnow(), totp_secret=pyotp.random_base32(), totp_enabled_at=utcnow())
    user.set_password(PASSWORD)
    for role in roles:
        user.add_role(role)
    db.session.add(user)
    db.session.commit()
    return user


def _log_in(page: Page, base: str, email: str, secret: str | None = None) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    if secret:
        page.get_by_label("Code van zes cijfers").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("heading", name=re.compile("^Hallo, "))).to_be_visible()


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("link", name="Inloggen medewerkers")).to_be_visible()


def test_from_all_requirements_met_to_a_verified_certificate(page: Page, live_server):
    app = live_server.app
    training = register_training(app)
    with app.app_context(), app.test_request_context():
        institution = Institution(slug="bjz-gelderland", name="Bureau Jeugdzorg Gelderland")
        db.session.add(institution)
        db.session.commit()
        trainee = _person("emre@example.org", "Emre", "Emre Yıldız", institution, "applicant", "trainee")
        trainer = _person("karim@example.org", "Karim", "Karim Bouzid", institution)
        coordinator = _person("hodan@example.org", "Hodan", "Hodan Abdi", institution, "coordinator")
        for kind in ("counsellor", "trainer"):
            register_founding(coordinator, trainer, kind, "Trainer at Bureau Jeugdzorg Gelderland since 2004.")
        training.meet(trainee)
        trainer_secret, coordinator_secret = trainer.totp_secret, coordinator.totp_secret
        db.session.remove()
    base = live_server.url

    _log_in(page, base, "emre@example.org")
    page.get_by_role("link", name="Bekijk je voortgang").click()
    expect(page.get_by_text("3 van 3 voldaan")).to_be_visible()
    expect(page.get_by_text("Je hebt aan alle eisen voldaan.")).to_be_visible()
    _log_out(page)

    _log_in(page, base, "karim@example.org", trainer_secret)
    page.get_by_role("link", name="Overzicht openen").click()
    expect(page.get_by_role("heading", name="Certificeringsoverzicht")).to_be_visible()
    page.get_by_role("link", name="Emre Yıldız").click()
    page.get_by_label("Toelichting voor de coördinator (niet verplicht)").fill("Sterke simulaties, klaar voor live.")
    page.get_by_role("button", name="Aftekenen").click()
    expect(page.get_by_text("Afgetekend. Een coördinator kan het certificaat nu uitreiken.")).to_be_visible()
    _log_out(page)

    _log_in(page, base, "hodan@example.org", coordinator_secret)
    page.get_by_role("link", name="Certificering", exact=True).click()
    expect(page.get_by_text("Afgetekend, wacht op de coördinator")).to_be_visible()
    page.get_by_role("link", name="Emre Yıldız").click()
    expect(page.get_by_text("Sterke simulaties, klaar voor live.")).to_be_visible()
    page.get_by_role("button", name="Certificaat uitreiken").click()
    expect(page.get_by_text("Certificaat uitgereikt aan Emre Yıldız.")).to_be_visible()
    expect(page.get_by_role("heading", name="Emre Yıldız")).to_be_visible()
    verify_link = page.locator("dd a[href*='/verify/']")
    code = verify_link.inner_text().rsplit("/", 1)[1]
    _log_out(page)

    page.goto(base + "/verify")
    page.get_by_label("Controlecode").fill(f" {code[:12]} {code[12:]} ")
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("heading", name="Dit certificaat is geldig")).to_be_visible()
    expect(page.get_by_text("Emre Yıldız")).to_be_visible()
    expect(page.get_by_text("Online jongerencounselor")).to_be_visible()
    expect(page.get_by_text("emre@example.org")).to_have_count(0)
