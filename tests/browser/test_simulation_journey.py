"""A live role-play end to end in two browsers: the trainer plays the young person, the
trainee counsels in the real console, the trainer assesses, the trainee reads the result."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Browser, expect

from app.accounts.models import User
from app.cohorts import Cohort, CohortMember
from app.extensions import db
from app.timeutil import utcnow
from simulations.scenarios import scenarios
from tests.conftest import PASSWORD


def _people(app):
    with app.app_context():
        from app.accounts.models import Institution

        inst = Institution(slug="ggze", name="GGzE", region="")
        trainer = User(email="trainer@example.org", display_name="Karim", institution=inst, email_confirmed_at=utcnow())
        trainee = User(email="trainee@example.org", display_name="Emre", institution=inst, email_confirmed_at=utcnow())
        for user, roles in ((trainer, ("trainer",)), (trainee, ("trainee",))):
            user.set_password(PASSWORD)
            for role in roles:
                user.add_role(role)
            db.session.add(user)
        db.session.flush()
        cohort = Cohort(name="Najaar", course_key="counsellor", trainer_id=trainer.id, starts_on=date(2026, 9, 1))
        cohort.members = [CohortMember(user_id=trainee.id)]
        db.session.add(cohort)
        db.session.commit()
        db.session.remove()


def _login(page, url, email):
    page.goto(url + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Hallo,", exact=False)).to_be_visible()


def test_live_role_play_and_assessment(browser: Browser, live_server):
    _people(live_server.app)
    scenario = next(s for s in scenarios().values() if s.risk == "high")
    trainer_ctx = browser.new_context(locale="nl-NL")
    trainee_ctx = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    trainer, trainee = trainer_ctx.new_page(), trainee_ctx.new_page()
    _login(trainer, live_server.url, "trainer@example.org")
    _login(trainee, live_server.url, "trainee@example.org")

    trainer.goto(live_server.url + "/simulations/start")
    trainer.get_by_label("Scenario").select_option(scenario.key)
    trainer.get_by_label("Emre").check()
    trainer.get_by_role("button", name="Start het rollenspel").click()
    expect(trainer.get_by_text("Scenariokaart")).to_be_visible()
    expect(trainer.locator(".console-state")).to_have_attribute("data-state", "online")

    trainee.goto(live_server.url + "/simulations/")
    trainee.get_by_role("link", name=scenario.title["nl"]).click()
    expect(trainee.get_by_text("Simulatie: oefenen, geen echte jongere")).to_be_visible()
    expect(trainee.locator(".console-state")).to_have_attribute("data-state", "online")

    trainer.get_by_label("Je bericht").fill(scenario.opening_lines["nl"][0])
    trainer.keyboard.press("Enter")
    expect(trainee.locator(".msg-youth .msg-body")).to_have_text([scenario.opening_lines["nl"][0]])

    trainee.get_by_role("button", name="Welkom heten").click()
    expect(trainee.get_by_role("button", name="Welkom heten")).to_have_attribute("aria-pressed", "true")
    trainee.get_by_label("Je bericht").fill("Hoi, welkom bij Hulpmix. Wat wil je vertellen?")
    trainee.get_by_role("button", name="Versturen").click()
    expect(trainee.locator(".msg-own .msg-status")).to_have_text(["Verstuurd"])
    expect(trainer.locator(".msg-counsellor .msg-body")).to_have_text(["Hoi, welkom bij Hulpmix. Wat wil je vertellen?"])

    # A page reload keeps the whole conversation.
    trainee.reload()
    expect(trainee.locator(".chat-log .msg")).to_have_count(2)
    trainee.get_by_label("Je bericht").fill("Ben je nu veilig?")
    trainee.keyboard.press("Enter")
    expect(trainer.locator(".msg-counsellor .msg-body")).to_have_count(2)

    trainer.get_by_role("button", name="Gesprek beëindigen").first.click()
    expect(trainer.get_by_role("heading", name="Beoordeel de simulatie")).to_be_visible()
    expect(trainee.get_by_text("Dit gesprek is beëindigd.")).to_be_visible()

    trainer.get_by_text("Opmerking schrijven").nth(1).click()
    opened = trainer.locator("details[open]")
    opened.get_by_label("Opmerking bij dit bericht").fill("Fijne open vraag om mee te beginnen.")
    opened.get_by_role("button", name="Opmerking toevoegen").click()
    for fieldset in trainer.locator("fieldset.rubric-criterion").all():
        fieldset.get_by_role("radio").nth(2).check()
    trainer.get_by_label("Gehaald", exact=True).check()
    trainer.get_by_label("Ik heb het hele gesprek gelezen.").check()
    trainer.get_by_role("button", name="Beoordeling opslaan").click()
    expect(trainer.get_by_text("De beoordeling is opgeslagen")).to_be_visible()

    trainee.goto(live_server.url + "/simulations/")
    expect(trainee.get_by_text("gehaald", exact=True)).to_be_visible()
    trainee.get_by_role("link", name=scenario.title["nl"]).click()
    expect(trainee.get_by_text("Fijne open vraag om mee te beginnen.")).to_be_visible()
    expect(trainee.get_by_role("heading", name="Beoordeling: gehaald")).to_be_visible()
    trainer_ctx.close()
    trainee_ctx.close()
