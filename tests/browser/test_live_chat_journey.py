"""Live help end to end in two browsers: a young person (phone-sized, anonymous) starts a
chat and waits; a certified counsellor goes on duty, gets the offer and accepts; they talk;
the young person reloads mid-chat and loses nothing; the counsellor ends and registers;
the young person evaluates and downloads the conversation."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pyotp
from playwright.sync_api import Browser, expect

from app.accounts.models import Institution, User
from app.certification.services import register_founding
from app.extensions import db
from app.timeutil import utcnow
from live_help.models import OpeningSlot
from live_help.schedule import forget_cached
from tests.conftest import PASSWORD


def _setup(app) -> str:
    with app.app_context(), app.test_request_context():
        institution = Institution(slug="de-bascule", name="De Bascule")
        people = {}
        for email, name, roles in (("sanne@example.org", "Sanne", ("counsellor",)),
                                   ("hodan@example.org", "Hodan", ("coordinator",))):
            user = User(email=email, display_name=name, full_name=name + " Jansen", institution=institution,
                        email_confirmed_at=utcnow(), totp_secret=pyotp.random_base32(), totp_enabled_at=utcnow())
            user.set_password(PASSWORD)
            for role in roles:
                user.add_role(role)
            db.session.add(user)
            people[name] = user
        for weekday in range(7):
            db.session.add(OpeningSlot(weekday=weekday, opens=time(0, 0), closes=time(23, 59, 59)))
        db.session.commit()
        register_founding(people["Hodan"], people["Sanne"], "counsellor", "Counsellor at De Bascule since 2006.")
        secret = people["Sanne"].totp_secret
        db.session.remove()
    forget_cached()
    return secret


def test_a_young_person_and_a_counsellor_chat_live(browser: Browser, live_server):
    secret = _setup(live_server.app)
    base = live_server.url
    youth_ctx = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    staff_ctx = browser.new_context(locale="nl-NL")
    youth, staff = youth_ctx.new_page(), staff_ctx.new_page()

    # The counsellor signs in and goes on duty.
    staff.goto(base + "/login")
    staff.get_by_label("E-mailadres").fill("sanne@example.org")
    staff.get_by_label("Wachtwoord").fill(PASSWORD)
    staff.get_by_role("button", name="Inloggen").click()
    staff.get_by_label("Code van zes cijfers").fill(pyotp.TOTP(secret).now())
    staff.get_by_role("button", name="Controleren").click()
    expect(staff.get_by_role("heading", name=re.compile("^Hallo, "))).to_be_visible()
    staff.goto(base + "/hulp/console")
    staff.get_by_role("button", name="In dienst gaan").click()
    expect(staff.get_by_text("Je bent in dienst")).to_be_visible()

    # The young person starts from the public page and waits.
    youth.goto(base + "/chat-en-mail")
    youth.get_by_role("link", name="Begin een chat").first.click()
    youth.get_by_label("Schuilnaam (mag je leeg laten)").fill("Zonnetje15")
    youth.get_by_label("Hoe oud ben je?").select_option("15-17")
    youth.get_by_label("Waar gaat het over?").select_option("thuis")
    youth.get_by_label("Wil je alvast iets schrijven? (hoeft niet)").fill("Mijn vader en moeder maken elke avond ruzie.")
    youth.get_by_label("Ik heb de huisregels gelezen en ga ermee akkoord.").check()
    youth.get_by_role("button", name="Start de chat").click()
    expect(youth.get_by_role("heading", name="Wachtkamer")).to_be_visible()
    expect(youth.get_by_text("112", exact=False).first).to_be_visible()
    expect(youth.get_by_role("link", name="Snel weg")).to_be_visible()

    # The offer reaches the counsellor's console; they accept and land in the chat.
    offer = staff.locator("[data-offers] li")
    expect(offer).to_contain_text("Zonnetje15")
    offer.get_by_role("button", name="Aannemen").click()
    expect(staff.get_by_role("heading", name=re.compile("Zonnetje15"))).to_be_visible()
    expect(staff.locator(".chat-log")).to_contain_text("Mijn vader en moeder maken elke avond ruzie.")
    expect(youth.get_by_text("Sanne is er nu voor je.").first).to_be_visible()
    expect(youth.locator("[data-waiting-room]")).to_be_hidden()

    # They talk.
    staff.locator("[data-console] [data-input]").fill("Hoi Zonnetje, wat naar. Vertel eens wat er gebeurt?")
    staff.keyboard.press("Enter")
    expect(youth.locator(".chat-log")).to_contain_text("Vertel eens wat er gebeurt?")
    youth.locator("[data-input]").fill("Ze schreeuwen en ik kan niet slapen")
    youth.keyboard.press("Enter")
    expect(staff.locator(".chat-log")).to_contain_text("ik kan niet slapen")

    # The young person reloads mid-chat: everything is still there, and the chat goes on.
    youth.reload()
    expect(youth.locator(".console-state")).to_have_attribute("data-state", "online")
    expect(youth.locator(".chat-log")).to_contain_text("Vertel eens wat er gebeurt?")
    expect(youth.locator(".chat-log")).to_contain_text("ik kan niet slapen")
    staff.locator("[data-console] [data-input]").fill("Dat klinkt zwaar. Met wie kun je erover praten?")
    staff.keyboard.press("Enter")
    expect(youth.locator(".chat-log")).to_contain_text("Met wie kun je erover praten?")

    # The counsellor ends and registers; the young person evaluates and downloads.
    staff.get_by_label("Thuis en familie").check()
    staff.get_by_label("Risiconiveau").select_option("low")
    staff.get_by_role("button", name="Chat beëindigen en registreren").click()
    expect(staff.get_by_text("De chat is beëindigd en geregistreerd.")).to_be_visible()
    expect(youth.locator(".console-state")).to_contain_text("Dit gesprek is beëindigd.")
    youth.get_by_role("link", name="Verder").first.click()
    expect(youth.get_by_role("heading", name="Hoe was de chat?")).to_be_visible()
    youth.get_by_label("Welk cijfer geef je dit gesprek? (1 tot 10)").fill("8")
    youth.locator("fieldset, .field").filter(has_text="Voelde je je begrepen?").get_by_label("Ja").check()
    youth.locator("fieldset, .field").filter(has_text="Heeft de chat je geholpen?").get_by_label("Een beetje").check()
    youth.get_by_role("button", name="Versturen").click()
    expect(youth.get_by_text("Dank je wel voor je antwoorden.")).to_be_visible()
    with youth.expect_download() as download_info:
        youth.get_by_role("link", name="Het gesprek downloaden").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "Sanne: Hoi Zonnetje" in text and "Jij: Ze schreeuwen en ik kan niet slapen" in text
    youth.screenshot(path="/tmp/live-youth-end.png", full_page=True)
    youth_ctx.close()
    staff_ctx.close()
