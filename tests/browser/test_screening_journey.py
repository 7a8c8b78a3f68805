"""The screening journey: an applicant completes the screening, two reviewers score it, the
coordinator accepts, and the applicant sees they are now a trainee."""

from __future__ import annotations

import re

import pyotp
from playwright.sync_api import Browser, Page, expect

from app.accounts.models import Institution, User
from app.extensions import db
from app.screening.instrument import get_instrument
from app.timeutil import utcnow
from tests.conftest import PASSWORD

REPLY = ("Hoi, fijn dat je het hier vertelt. Dat klinkt als een zware avond. "
         "Wat maakt het voor jou nu het moeilijkst?")


def _people(app) -> dict[str, tuple[str, str | None]]:
    """Create the cast; returns role -> (e-mail, TOTP secret or None)."""
    cast = {"applicant": ("applicant",), "first": ("counsellor",), "second": ("trainer",),
            "coordinator": ("coordinator",)}
    found = {}
    with app.app_context():
        institution = Institution(slug="ggze", name="GGzE", region="Eindhoven")
        db.session.add(institution)
        for key, roles in cast.items():
            user = User(email=f"{key}@example.org", display_name=key.title(), institution=institution,
                        email_confirmed_at=utcnow())
            user.set_password(PASSWORD)
            for role in roles:
                user.add_role(role)
            if user.needs_two_factor:
                user.totp_secret = pyotp.random_base32()
                user.totp_enabled_at = utcnow()
            db.session.add(user)
            found[key] = (user.email, user.totp_secret)
        db.session.commit()
        db.session.remove()
    return found


def _login(page: Page, url: str, email: str, secret: str | None) -> None:
    page.goto(url + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    if secret:
        page.get_by_label("Code van zes cijfers").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("heading", name=re.compile("^Hallo"))).to_be_visible()


def _score_all(page: Page, level_index: int) -> None:
    groups = page.locator("fieldset.rubric-criterion")
    for i in range(groups.count()):
        groups.nth(i).get_by_role("radio").nth(level_index).check()
    page.get_by_role("button", name="Scores inleveren").click()
    expect(page.get_by_text("Dank je: je beoordeling is binnen.")).to_be_visible()


def test_applicant_to_trainee(page: Page, browser: Browser, browser_context_args, live_server):
    people = _people(live_server.app)
    url = live_server.url
    inst = get_instrument()

    # The applicant starts from the dashboard.
    _login(page, url, *people["applicant"])
    page.get_by_role("link", name="Start de screening").click()
    page.get_by_role("button", name="Start de screening").click()
    expect(page.get_by_role("heading", name="Over jou")).to_be_visible()
    page.locator("#languages-0-language").fill("Nederlands")
    page.locator("#languages-0-level").select_option(label="Moedertaal")
    page.locator("#languages-1-language").fill("Somalisch")
    page.locator("#languages-1-level").select_option(label="Vloeiend")
    page.get_by_label("Welke ervaring neem je mee?").fill("Mentor op een middelbare school.")
    page.get_by_label("4 tot 6 uur").check()
    page.get_by_label("Waarom wil je online counselor worden bij Hulpmix?").fill("Ik wil jongeren steunen.")
    page.get_by_role("button", name="Opslaan en verder").click()

    # The instructions come before the statements; save halfway and resume.
    expect(page.get_by_text("Antwoord zoals je meestal doet, niet zoals je denkt dat het hoort.")).to_be_visible()
    agree = page.get_by_role("radio", name="Mee eens", exact=True)
    expect(agree).to_have_count(len(inst.items))
    for i in range(10):
        agree.nth(i).check()
    page.get_by_role("button", name="Opslaan voor later").click()
    expect(page.get_by_text("Opgeslagen. Je kunt later terugkomen")).to_be_visible()
    page.reload()
    expect(page.locator("input[type=radio]:checked")).to_have_count(10)
    for i in range(10, len(inst.items)):
        agree.nth(i).check()
    page.get_by_role("button", name="Opslaan en verder").click()

    expect(page.get_by_role("heading", name="Chatsituaties")).to_be_visible()
    vignettes = page.locator("fieldset.vignette")
    expect(vignettes).to_have_count(len(inst.vignettes))
    for i in range(len(inst.vignettes)):
        vignettes.nth(i).get_by_role("radio").first.check()
    page.get_by_role("button", name="Opslaan en verder").click()

    expect(page.get_by_role("heading", name="Schrijf een antwoord")).to_be_visible()
    for i in range(len(inst.samples)):
        page.get_by_label("Jouw antwoord").nth(i).fill(REPLY)
    page.get_by_role("button", name="Opslaan en naar versturen").click()
    page.get_by_role("button", name="Verstuur mijn screening").click()
    expect(page.get_by_text("Verstuurd: wordt beoordeeld")).to_be_visible()

    # The coordinator assigns two reviewers.
    coordinator = browser.new_context(**browser_context_args).new_page()
    _login(coordinator, url, *people["coordinator"])
    coordinator.get_by_role("link", name="Aanmeldingen").first.click()
    coordinator.get_by_role("link", name="Applicant").click()
    expect(coordinator.get_by_role("heading", name="Zelfbeoordeling")).to_be_visible()
    for round_, who in (("1", "First"), ("2", "Second")):
        coordinator.get_by_label("Ronde").select_option(round_)
        coordinator.get_by_label("Beoordelaar", exact=True).select_option(label=f"{who} ({who.lower()}@example.org)")
        coordinator.get_by_role("button", name="Toewijzen").click()
        expect(coordinator.get_by_text("Beoordelaar toegewezen.")).to_be_visible()

    # Each reviewer scores on their own.
    for key, level_index in (("first", 2), ("second", 3)):
        reviewer = browser.new_context(**browser_context_args).new_page()
        _login(reviewer, url, *people[key])
        reviewer.get_by_role("link", name="Beoordeel de antwoorden").click()
        reviewer.get_by_role("link", name=re.compile("^Aanmelding")).click()
        expect(reviewer.get_by_text(REPLY).first).to_be_visible()
        _score_all(reviewer, level_index)
        reviewer.context.close()

    # The coordinator sees the final levels and accepts.
    coordinator.reload()
    expect(coordinator.get_by_role("cell", name="3.5").first).to_be_visible()
    coordinator.get_by_label("Aannemen: rol cursist en een plaats op de instroomlijst").check()
    coordinator.get_by_label("Bericht aan de sollicitant").fill("Welkom bij Hulpmix! De cursus begint in maart.")
    coordinator.get_by_role("button", name="Beslissen").click()
    expect(coordinator.get_by_text("Besluit opgeslagen")).to_be_visible()
    coordinator.context.close()

    # The role change ended the applicant's session: after logging in again they are a trainee.
    _login(page, url, *people["applicant"])
    expect(page.get_by_role("heading", name="Je bent aangenomen: welkom als cursist")).to_be_visible()
    expect(page.locator(".dashboard-roles")).to_contain_text("Cursist")
    page.get_by_role("link", name="Lees het besluit").click()
    expect(page.get_by_text("Je bent nu cursist.")).to_be_visible()
    expect(page.get_by_text("De cursus begint in maart.")).to_be_visible()
