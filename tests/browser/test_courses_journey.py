"""A trainer enrols a trainee; the trainee reads a lesson and passes a quiz; the trainer sees it."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Browser, Page, expect

from app.accounts.models import Institution, User
from app.cohorts import Cohort, add_to_intake
from app.extensions import db
from app.timeutil import utcnow
from courses.content import get_courses
from tests.conftest import PASSWORD


def _person(email: str, name: str, institution: Institution, *roles: str) -> User:
    user = User(email=email, display_name=name, full_name=name, institution=institution,
                email_confirmed_at=utcnow())
    user.set_password(PASSWORD)
    for role in roles:
        user.add_role(role)
    db.session.add(user)
    return user


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hallo")


def _answer_quiz(page: Page, quiz) -> None:
    for q in quiz.questions:
        name = f"q-{q.key}"
        if q.type == "single":
            page.locator(f'input[name="{name}"][value="{q.correct}"]').check()
        elif q.type == "multiple":
            for key in q.correct:
                page.locator(f'input[name="{name}"][value="{key}"]').check()
        elif q.type == "truefalse":
            page.locator(f'input[name="{name}"][value="{str(q.correct).lower()}"]').check()
        elif q.type == "ordering":
            for place, key in enumerate(q.correct, start=1):
                page.locator(f'select[name="{name}-{key}"]').select_option(str(place))
        else:
            page.locator(f'input[name="{name}"]').fill(q.accepted["nl"][0].title())


def test_trainer_enrols_trainee_who_reads_and_passes_and_shows_in_the_matrix(
        live_server, page: Page, browser: Browser, browser_context_args):
    # live_server first: it stops last, after the pages have closed their sockets.
    with live_server.app.app_context():
        institution = Institution(slug="bascule", name="de Bascule", region="Amsterdam")
        trainer = _person("trainer@example.org", "Karin", institution, "trainer")
        trainee = _person("ilias@example.org", "Ilias", institution, "applicant")
        db.session.flush()
        add_to_intake(trainee, course_key="counsellor")
        cohort = Cohort(name="Najaar Amsterdam", course_key="counsellor", trainer_id=trainer.id,
                        institution_id=institution.id, starts_on=date(2026, 11, 2))
        db.session.add(cohort)
        db.session.commit()
        cohort_url = f"{live_server.url}/courses/cohorts/{cohort.id}"
        db.session.remove()
    quiz = get_courses()["counsellor"].module("online-communiceren").quiz

    # The trainer enrols Ilias from the intake list.
    _log_in(page, live_server.url, "trainer@example.org")
    page.get_by_role("link", name="Groepen").first.click()
    page.get_by_role("link", name="Najaar Amsterdam").click()
    expect(page.get_by_text("Nog geen cursisten in deze groep.")).to_be_visible()
    page.get_by_label("Cursist van de intakelijst").select_option(label="Ilias (ilias@example.org)")
    page.get_by_role("button", name="Inschrijven").click()
    expect(page.get_by_text("Ilias is ingeschreven.")).to_be_visible()
    expect(page.get_by_role("row", name="Ilias")).to_contain_text("gelezen 0/3")

    # Ilias reads the first lesson and passes the quiz.
    trainee_context = browser.new_context(**browser_context_args)
    learner = trainee_context.new_page()
    _log_in(learner, live_server.url, "ilias@example.org")
    learner.get_by_role("link", name="Trainingen").first.click()
    learner.get_by_role("link", name="Beginnen").click()
    learner.get_by_role("link", name="Lees de les").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Chatten zonder gezicht")
    learner.get_by_role("link", name="Read in English").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Chatting without a face")
    learner.get_by_role("button", name="Gelezen: volgende les").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Tempo en stiltes")
    learner.get_by_role("link", name="Module 1").click()
    learner.get_by_role("link", name="Naar de toets").click()
    learner.get_by_role("button", name="Begin de toets").click()
    _answer_quiz(learner, quiz)
    learner.get_by_role("button", name="Antwoorden inleveren").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Je resultaat: 100%")
    expect(learner.get_by_text("Gehaald: de grens is 70%.")).to_be_visible()
    expect(learner.get_by_text("Waarom:")).to_have_count(len(quiz.questions))
    trainee_context.close()

    # The trainer sees it in the matrix.
    page.goto(cohort_url)
    row = page.get_by_role("row", name="Ilias")
    expect(row).to_contain_text("gelezen 1/3")
    expect(row).to_contain_text("toets 100%")
    page.goto("about:blank")  # leave the site: the socket closes while the server still runs
