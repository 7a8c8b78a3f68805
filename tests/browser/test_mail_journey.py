"""Mail in Chromium on a phone-sized screen: write, keep the code, pick up the answer, reply
and delete; every page free of axe-core violations."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from app.extensions import db

AXE = Path(__file__).resolve().parents[2] / "app" / "static" / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
PASSWORD = "mijn-geheime-zin"


def _violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v["id"] for v in result["violations"]]


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("HULPMIX_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"mail-{name}.png"), full_page=True)


def _answer(live_server, text: str) -> None:
    """A founding counsellor past the approval period answers, through the services."""
    with live_server.app.app_context():
        from app.accounts.models import User
        from app.certification.services import register_founding
        from live_help.mail import services
        from live_help.mail.models import MailThread

        live_server.app.config["MAIL_APPROVAL_FIRST"] = 0
        coordinator = User(email="hodan@example.org", display_name="Hodan")
        counsellor = User(email="noor@example.org", display_name="Noor")
        for user, role in ((coordinator, "coordinator"), (counsellor, "counsellor")):
            user.set_password("Correct-horse-42")
            user.add_role(role)
            db.session.add(user)
        db.session.commit()
        register_founding(coordinator, counsellor, "counsellor", "Counsellor here since 2005, trained before Hulpmix.")
        from app.certification.gate import live_gate

        thread = db.session.scalars(db.select(MailThread)).one()
        assert services.claim(thread.id, counsellor)
        services.send_answer(thread, counsellor, text, live_gate(counsellor))
        db.session.remove()


def test_a_young_person_mails_picks_up_the_answer_replies_and_deletes(browser, live_server):
    context = browser.new_context(bypass_csp=True, locale="nl-NL", viewport=PHONE)
    page = context.new_page()
    failures = {}

    page.goto(live_server.url + "/chat-en-mail#mail")
    page.get_by_role("link", name="Schrijf een mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schrijf een mail aan een counselor")
    page.get_by_role("button", name="Verstuur mijn mail").click()  # empty: errors, in Dutch
    expect(page.locator(".error-summary")).to_contain_text("Schrijf een onderwerp.")
    failures["write (errors)"] = _violations(page)

    page.get_by_label("Onderwerp").fill("Thuis gaat het niet goed")
    page.get_by_label("Je bericht").fill("Mijn ouders gaan scheiden en ik moet kiezen bij wie ik ga wonen. "
                                         "Ik wil niemand pijn doen.")
    page.get_by_label("Je leeftijd (hoeft niet)").select_option("15-17")
    page.get_by_label("Kies een wachtwoord").fill(PASSWORD)
    page.get_by_label("Typ het wachtwoord nog een keer").fill(PASSWORD)
    _shot(page, "write")
    page.get_by_role("button", name="Verstuur mijn mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Je mail is verstuurd")
    code = page.locator("[data-pickup-code]").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{5}-[2-9A-Z]{5}", code)
    failures["written"] = _violations(page)
    _shot(page, "written")

    page.get_by_role("link", name="Mijn mail later lezen").click()
    page.get_by_label("Je code").fill(code.lower())
    page.get_by_label("Je wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Lees mijn mail").click()
    expect(page.locator("[data-mail-status]")).to_contain_text("Een counselor werkt aan een antwoord.")

    _answer(live_server, "Wat een moeilijke keuze. Je hoeft niemand pijn te doen door te zeggen wat jij wilt.")
    page.reload()
    expect(page.locator("[data-mail-status]")).to_contain_text("Je hebt een antwoord.")
    expect(page.locator(".post-counsellor")).to_contain_text("Je hoeft niemand pijn te doen")
    failures["conversation"] = _violations(page)
    _shot(page, "conversation")

    page.get_by_label("Je bericht").fill("Dank je. Hoe zeg ik het tegen mijn moeder?")
    page.get_by_role("button", name="Verstuur mijn reactie").click()
    expect(page.locator(".flash")).to_contain_text("Je bericht is verstuurd.")
    expect(page.locator(".mail-youth").last).to_contain_text("Hoe zeg ik het tegen mijn moeder?")

    page.get_by_role("link", name="Verwijder mijn mail").click()
    failures["delete"] = _violations(page)
    page.get_by_role("button", name="Ja, verwijder alles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Je mail is verwijderd")
    page.goto(live_server.url + "/mail/gesprek")
    expect(page).to_have_url(re.compile(r"/mail/ophalen$"))
    context.close()
    assert {k: v for k, v in failures.items() if v} == {}
