"""The public help pages in Chromium: quick exit, accessibility (axe-core) on every public
page type, readable without JavaScript, and keeping a forum key on this device."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from live_help.content import load_help_content
from live_help.models import ForumPost, Holiday
from live_help.search import load_index
from live_help.services import ask_question, counsellor_reply, reply

AXE = Path(__file__).resolve().parents[2] / "app" / "static" / "vendor" / "axe.min.js"


@pytest.fixture
def site(live_server):
    """The real topics in the search index, and a published forum question with replies."""
    with live_server.app.app_context():
        from sqlalchemy import text

        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DELETE FROM topic_search"))
        load_index(load_help_content())
        from app.accounts.models import User

        question = ask_question("Zonnetje15", "Hoe praat ik met mijn ouders?",
                                "Mijn ouders maken steeds ruzie met mij over uitgaan. Hoe begin ik een gesprek?")
        question.post.status = "published"
        answer = reply(question.post, "Ster", "Kies een rustig moment, bijvoorbeeld tijdens het eten.")
        answer.post.status = "published"
        counsellor = User(email="noor@example.org", display_name="Noor")
        counsellor.set_password("Correct-horse-42")
        db.session.add(counsellor)
        db.session.add(Holiday(day=__import__("datetime").date(2026, 12, 25), name="Eerste Kerstdag"))
        db.session.commit()
        counsellor_reply(question.post, counsellor, "Goed dat je dit vraagt!")
        live_server.question_id = question.post.id
        db.session.remove()
    return live_server


def _neutral_site(page: Page) -> None:
    """The browser reaches nothing but the test server: answer for the neutral site here."""
    page.route("https://www.weeronline.nl/**",
               lambda route: route.fulfill(body="<title>Weer</title><h1>Het weer</h1>", content_type="text/html"))


def test_quick_exit_leaves_replaces_history_and_forgets_the_browser_storage(page: Page, site):
    _neutral_site(page)
    page.goto(site.url + "/onderwerp/ruzie-met-ouders")
    page.evaluate("localStorage.setItem('hulpmix-forum-keys', '{\"1\": \"abc\"}'); sessionStorage.setItem('x', '1')")
    page.goto(site.url + "/onderwerp/eergerelateerd-geweld")
    page.get_by_role("link", name="Snel weg").click()
    expect(page).to_have_url(re.compile(r"^https://www\.weeronline\.nl"))
    page.go_back()  # the page they were reading is gone from the history
    assert page.url == site.url + "/onderwerp/ruzie-met-ouders"
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0


def test_escape_twice_is_the_quick_exit_shortcut(page: Page, site):
    _neutral_site(page)
    page.goto(site.url + "/forum")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"^https://www\.weeronline\.nl"))


def test_search_category_topic_and_feedback_in_the_browser(page: Page, site):
    page.goto(site.url + "/")
    page.get_by_role("searchbox").first.fill("ruzie thuis")
    page.get_by_role("button", name="Zoeken").first.click()
    expect(page.get_by_role("link", name="Ruzie met je ouders")).to_be_visible()
    page.get_by_role("link", name="Ruzie met je ouders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ruzie met je ouders")
    expect(page.get_by_role("link", name="De Kindertelefoon")).to_have_attribute("href", "https://www.kindertelefoon.nl")
    page.get_by_role("button", name="Ja").click()
    expect(page.get_by_text("Dank je! Zo kunnen we de pagina beter maken.")).to_be_visible()


def test_a_key_is_remembered_on_this_device_only_when_asked(page: Page, site):
    page.goto(site.url + "/forum/vraag")
    page.get_by_label("Schuilnaam").fill("Maan")
    page.get_by_label("Je vraag in één zin").fill("Hoe kom ik van mijn stress af?")
    page.get_by_label("Vertel iets meer").fill("Ik heb veel stress door school en slaap slecht. Wat helpt?")
    page.get_by_role("button", name="Verstuur mijn vraag").click()
    key = page.locator("[data-secret-key]").inner_text().strip()
    post_id = page.locator("[data-secret-key]").get_attribute("data-post-id")
    assert page.evaluate("localStorage.getItem('hulpmix-forum-keys')") is None
    page.get_by_label("Onthoud op dit apparaat").check()
    assert json.loads(page.evaluate("localStorage.getItem('hulpmix-forum-keys')")) == {post_id: key}
    page.get_by_role("link", name="Mijn bericht later wijzigen of verwijderen").click()
    expect(page.get_by_label("Je geheime sleutel")).to_have_value(key)
    page.get_by_role("button", name="Openen").click()
    expect(page.get_by_text("wacht op een moderator")).to_be_visible()
    page.get_by_role("button", name="Voorgoed verwijderen").click()
    expect(page.get_by_role("heading", name="Je bericht is verwijderd")).to_be_visible()
    # The page's deferred script forgets the key: wait for that, not for a fixed time.
    page.wait_for_function("localStorage.getItem('hulpmix-forum-keys') === null")
    with site.app.app_context():
        assert db.session.get(ForumPost, int(post_id)).status == "deleted"
        db.session.remove()


def _public_pages(site) -> list[str]:
    q = site.question_id
    return ["/", "/categorie/thuis", "/onderwerp/ruzie-met-ouders", "/zoeken?q=ruzie", "/zoeken?q=qwxyz",
            "/zoeken", "/chat-en-mail", "/forum", "/forum/vraag", f"/forum/{q}", f"/forum/bericht/{q}/beheren",
            f"/forum/bericht/{q}/melden", "/privacy", "/bestaat-niet"]


@pytest.mark.parametrize(("lang", "width"), [("nl", 1280), ("en", 390)])
def test_axe_finds_no_violations_on_any_public_page(browser, site, lang, width):
    context = browser.new_context(bypass_csp=True, locale="nl-NL", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site.url + f"/language/{lang}")
    failures = {}
    pages = _public_pages(site)
    for path in pages:
        page.goto(site.url + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        if result["violations"]:
            failures[path] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    # Form pages with their errors shown, and the page that shows a new key.
    page.goto(site.url + "/forum/vraag")
    page.get_by_role("button").filter(has_text=re.compile("question|vraag")).last.click()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    if result["violations"]:
        failures["/forum/vraag (errors)"] = [v["id"] for v in result["violations"]]
    context.close()
    assert failures == {}


def test_public_pages_are_readable_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.goto(site.url + "/onderwerp/ruzie-met-ouders")
    expect(page.get_by_role("heading", name="Wat kun je doen?")).to_be_visible()
    expect(page.get_by_role("link", name="Snel weg")).to_be_visible()
    expect(page.locator(".way-in")).to_be_visible()
    page.goto(site.url + "/forum/vraag")
    page.get_by_label("Schuilnaam").fill("Wolk")
    page.get_by_label("Je vraag in één zin").fill("Mag ik zonder JavaScript iets vragen?")
    page.get_by_label("Vertel iets meer").fill("Mijn telefoon is oud en de browser kan weinig. Werkt het zo ook?")
    page.get_by_role("button", name="Verstuur mijn vraag").click()
    expect(page.locator("[data-secret-key]")).to_be_visible()
    expect(page.get_by_text("Onthoud op dit apparaat")).to_be_hidden()  # needs JavaScript
    context.close()
