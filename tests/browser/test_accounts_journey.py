"""The journey a new applicant makes: register, confirm by e-mail, log in, switch language."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.extensions import db
from app.seed import seed_institutions
from tests.conftest import PASSWORD


def test_register_confirm_login_and_switch_language(page: Page, live_server, mailbox):
    with live_server.app.app_context():
        seed_institutions()
        db.session.remove()

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Inloggen medewerkers").click()
    page.get_by_role("link", name="Meld je aan als counselor").click()
    expect(page).to_have_title(re.compile("Meld je aan als counselor"))

    page.get_by_label("E-mailadres").fill("amal@example.org")
    page.get_by_label("Weergavenaam").fill("Amal")
    page.get_by_label("Instelling").select_option(label="GGzE")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord nog een keer").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("checkbox")).to_have_count(1)  # not accepted yet: the form stays
    expect(page.locator("#accept-error")).to_have_text("Bevestig dat je dit gelezen hebt.")
    expect(page.get_by_role("alert")).to_be_focused()  # the error summary takes focus
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord nog een keer").fill(PASSWORD)
    page.get_by_label("Ik heb gelezen hoe Hulpmix met mijn gegevens omgaat.").check()
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("heading", name="Kijk in je mail")).to_be_visible()

    link = mailbox.link_in_last("amal@example.org", "/confirm/")
    page.goto(live_server.url + "/" + link.split("/", 3)[3])
    expect(page.get_by_text("Je e-mailadres is bevestigd.")).to_be_visible()

    page.get_by_label("E-mailadres").fill("amal@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Hallo, Amal")).to_be_visible()
    expect(page.locator("[data-connection]")).to_have_attribute("data-state", "online")

    page.get_by_role("link", name="EN English").click()
    expect(page.get_by_role("heading", name="Hello, Amal")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Hello, Amal")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()


def test_the_menu_folds_on_a_phone(page: Page, live_server):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/login")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(page.get_by_role("link", name="Inloggen medewerkers")).to_be_hidden()
    menu.click()
    expect(page.get_by_role("link", name="Inloggen medewerkers")).to_be_visible()
