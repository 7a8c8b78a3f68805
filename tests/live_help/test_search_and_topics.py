"""Finding help: search by word stem, category and topic pages, most-read and "did this help?"."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from live_help import reach
from live_help.content import load_help_content
from live_help.models import TopicStat
from live_help.search import search


def _slugs(html: str) -> list[str]:
    return re.findall(r'href="/onderwerp/([a-z0-9-]+)"', html.split('class="topic-list"', 1)[-1])


def test_each_topics_first_search_term_finds_it_in_the_first_three(full_index):
    content = load_help_content()
    misses = []
    for topic in content.topics.values():
        for lang in ("nl", "en"):
            term = topic.search_terms[lang][0]
            found = search(term, lang)[:3]
            if topic.slug not in found:
                misses.append(f"{topic.slug} ({lang}) '{term}': {found}")
    assert misses == []


def test_search_finds_a_dutch_word_by_its_stem(small_site, client):
    html = client.get("/zoeken?q=ruzie").get_data(as_text=True)
    assert _slugs(html)[:1] == ["ruzie-thuis"]  # the text says "ruzies" and "Ruzie"
    html = client.get("/zoeken?q=ouder").get_data(as_text=True)
    assert _slugs(html) == ["ruzie-thuis"]  # the text says "ouders"
    assert search("RUZIE met OUDER", "nl")[:1] == ["ruzie-thuis"]


def test_search_in_english_uses_english_stems(small_site, client):
    html = client.get("/zoeken?q=shouted&lang=en").get_data(as_text=True)
    assert "ruzie-thuis" in _slugs(html)
    assert "Fights at home" in html


@pytest.mark.parametrize("query", ['"', "'", "*", "ruzie*", "NEAR(ruzie)", "a AND OR NOT", "(((",
                                   "ruzie\"; DROP TABLE topic_documents; --", "%", "_", "\\", "\x00",
                                   "🙂🙂", "ℛ𝓊𝓏𝒾ℯ", "x" * 5000, "ruzie:*", "!&|", "^ruzie", "-ruzie", "col:ruzie"])
def test_odd_characters_never_crash_the_search(small_site, client, query):
    response = client.get("/zoeken", query_string={"q": query})
    assert response.status_code == 200
    assert "Zoek in de hulppagina" in response.get_data(as_text=True)


def test_a_search_without_results_suggests_what_to_do(small_site, client):
    html = client.get("/zoeken?q=quantumfysica").get_data(as_text=True)
    assert "0 onderwerpen gevonden" in html and "forum" in html


def test_a_category_page_lists_its_topics(small_site, client):
    html = client.get("/categorie/school").get_data(as_text=True)
    assert "Gepest worden" in html and "Stress op school" in html and "Ruzie thuis" not in html
    assert client.get("/categorie/geen-categorie").status_code == 404


def test_a_topic_page_shows_organisations_related_topics_and_the_way_in(small_site, client):
    html = client.get("/onderwerp/pesten").get_data(as_text=True)
    assert '<a href="https://www.kindertelefoon.nl" rel="noopener noreferrer">De Kindertelefoon</a>' in html
    assert 'href="tel:08000432"' in html
    assert 'href="/chat-en-mail#chat"' in html and "Chat met Hulpmix" in html
    assert "Gerelateerde onderwerpen" in html and 'href="/onderwerp/ruzie-thuis"' in html
    assert "Heeft dit je geholpen?" in html
    assert "way-in" in html
    assert client.get("/onderwerp/bestaat-niet").status_code == 404


def test_the_topic_page_in_english(small_site, client):
    html = client.get("/onderwerp/pesten?lang=en").get_data(as_text=True)
    assert "<h1>Being bullied</h1>" in html and "Chat with Hulpmix" in html and "Did this help?" in html


def test_did_this_help_counts_anonymously(small_site, client):
    response = client.post("/onderwerp/pesten/feedback", data={"helped": "yes"})
    assert response.status_code == 302
    client.post("/onderwerp/pesten/feedback", data={"helped": "no"})
    client.post("/onderwerp/pesten/feedback", data={"helped": "maybe"})
    stat = db.session.get(TopicStat, "pesten")
    assert (stat.helped_yes, stat.helped_no) == (1, 1)
    assert client.post("/onderwerp/bestaat-niet/feedback", data={"helped": "yes"}).status_code == 404


def test_most_read_topics_appear_on_the_home_page(small_site, client):
    for _ in range(3):
        client.get("/onderwerp/school-stress")
    client.get("/onderwerp/pesten")
    reach.flush(small_site.extensions["hulpmix.reach"])
    assert db.session.scalar(select(TopicStat.reads).where(TopicStat.slug == "school-stress")) == 3
    html = client.get("/").get_data(as_text=True)
    popular = html.split('id="popular-title"', 1)[1]
    assert popular.index("Stress op school") < popular.index("Gepest worden")


def test_topic_pages_set_no_cookie(small_site, client):
    for url in ("/", "/onderwerp/pesten", "/categorie/school", "/zoeken?q=ruzie", "/chat-en-mail"):
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url
