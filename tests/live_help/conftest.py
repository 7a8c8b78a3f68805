"""Fixtures for the public help side: a small content set, fixture risk lists, staff."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import text

from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]

_WORDS = ["appel", "boom", "cirkel", "deur", "emmer", "fiets", "gitaar", "haven", "inkt", "jas", "kaas", "lamp", "molen", "nest", "oever", "pen", "quiz", "regen", "sleutel", "tafel", "uil", "vaas", "wolk", "zeep", "anker", "brug", "duin", "eiland", "gras", "hek", "kust", "lucht", "maan", "noord", "oost", "pad", "rivier", "storm", "toren", "veld", "water", "zand", "zon", "ster", "berg", "dal", "bos"]


def filler(seed: int, count: int) -> str:
    """Sentences of ordinary words that no other topic shares in long runs."""
    rng = random.Random(seed)
    return " ".join(rng.choice(_WORDS) for _ in range(count)) + "."


NL_TEXT = """{opening}

## Wat is er aan de hand?

{what}

## Wat kun je doen?

- **Eerste tip.** {t1}
- **Tweede tip.** {t2}
- **Derde tip.** {t3}
- **Vierde tip.** {t4}

## Wanneer hulp zoeken?

{when}

## Waar kun je terecht?

- [[org:kindertelefoon]]: bel of chat anoniem.
- [[hulpmix:chat]]: praat met een counselor.
"""

EN_TEXT = (NL_TEXT.replace("Wat is er aan de hand?", "What is going on?")
           .replace("Wat kun je doen?", "What can you do?")
           .replace("Wanneer hulp zoeken?", "When to get help")
           .replace("Waar kun je terecht?", "Where to go"))


def topic_text(template: str, seed: int, special: str = "") -> str:
    return template.format(opening=special + " " + filler(seed, 60), what=filler(seed + 1, 80),
                           t1=filler(seed + 2, 15), t2=filler(seed + 3, 15), t3=filler(seed + 4, 15),
                           t4=filler(seed + 5, 15), when=filler(seed + 6, 60))


def write_content(folder: Path) -> Path:
    """A valid content set: two categories, two organisations, three topics."""
    (folder / "organisations").mkdir(parents=True)
    (folder / "topics").mkdir()
    (folder / "categories.yml").write_text(
        "- key: thuis\n  title: {nl: Thuis, en: Home}\n  intro: {nl: Over thuis., en: About home.}\n"
        "- key: school\n  title: {nl: School, en: School}\n  intro: {nl: Over school., en: About school.}\n",
        encoding="utf-8")
    (folder / "organisations" / "core.yml").write_text(
        "- key: kindertelefoon\n  name: De Kindertelefoon\n  phone: 0800-0432\n"
        "  website: https://www.kindertelefoon.nl\n  about: {nl: Voor kinderen., en: For children.}\n"
        "- key: alarmnummer-112\n  name: Alarmnummer 112\n  phone: '112'\n  website: https://www.112.nl\n"
        "  emergency: true\n  about: {nl: Bij gevaar., en: In danger.}\n"
        "- key: zelfmoordpreventie-113\n  name: 113 Zelfmoordpreventie\n  phone: '113'\n"
        "  website: https://www.113.nl\n  about: {nl: Als je aan zelfmoord denkt., en: Suicidal thoughts.}\n"
        "- key: veilig-thuis\n  name: Veilig Thuis\n  phone: 0800-2000\n  website: https://www.veiligthuis.nl\n"
        "  about: {nl: Geweld thuis., en: Violence at home.}\n",
        encoding="utf-8")
    topics = {
        "ruzie-thuis": ("thuis", "Ruzie thuis", "Fights at home", "ruzies met ouders", "quarrels shouting",
                        ["school-stress", "pesten"]),
        "school-stress": ("school", "Stress op school", "Stress at school", "examens toetsen", "exams tests",
                          ["ruzie-thuis", "pesten"]),
        "pesten": ("school", "Gepest worden", "Being bullied", "gepest uitgescholden", "bullied mocked",
                   ["ruzie-thuis", "school-stress"]),
    }
    for n, (slug, (category, nl, en, nl_special, en_special, related)) in enumerate(topics.items()):
        (folder / "topics" / f"{slug}.yml").write_text(
            f"category: {category}\ntitle:\n  nl: {nl}\n  en: {en}\nsummary:\n  nl: Over {nl.lower()}.\n"
            f"  en: About {en.lower()}.\norganisations: [kindertelefoon]\nrelated: [{', '.join(related)}]\n"
            f"search_terms:\n  nl: [{nl_special}]\n  en: [{en_special}]\n", encoding="utf-8")
        (folder / "topics" / f"{slug}.nl.md").write_text(topic_text(NL_TEXT, n * 100, nl_special), encoding="utf-8")
        (folder / "topics" / f"{slug}.en.md").write_text(topic_text(EN_TEXT, n * 100 + 50, en_special), encoding="utf-8")
    return folder


RISK_LISTS = {
    "suicide.yml": """key: suicide
level: acute
title: {nl: Zelfmoordgedachten, en: Suicidal thoughts}
patterns:
  nl: ["\\\\bzelfmoord", "\\\\bdood\\\\s+(wil|willen)\\\\b", "\\\\bniet\\\\s+meer\\\\s+leven\\\\b"]
  en: ["\\\\bsuicid", "\\\\bkill\\\\s+myself\\\\b", "\\\\bwant\\\\s+to\\\\s+die\\\\b"]
false_friends:
  nl: ["dood van het lachen"]
  en: ["dying of laughter"]
""",
    "abuse.yml": """key: abuse
level: high
title: {nl: Mishandeling, en: Abuse}
patterns:
  nl: ["\\\\bslaat\\\\s+mij\\\\b", "\\\\bmishandel"]
  en: ["\\\\bhits\\\\s+me\\\\b"]
""",
}


@pytest.fixture
def risk_lists(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("risk")
    for name, body in RISK_LISTS.items():
        (folder / name).write_text(body, encoding="utf-8")
    return folder


@pytest.fixture
def app_config(database_url, smtp_server, risk_lists) -> dict:
    return {"RISK_LISTS_DIR": str(risk_lists)}


@pytest.fixture(autouse=True)
def _empty_search_table(app):
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DELETE FROM topic_search"))
        db.session.commit()
    from live_help.schedule import forget_cached

    forget_cached()
    yield
    forget_cached()


@pytest.fixture
def small_content(tmp_path) -> Path:
    return write_content(tmp_path / "content")


@pytest.fixture
def small_site(app, small_content):
    """The app showing the small content set, loaded into the search index."""
    from live_help.content import load_help_content
    from live_help.search import load_index

    app.config["HELP_CONTENT_DIR"] = str(small_content)
    load_index(load_help_content(small_content))
    return app


@pytest.fixture
def full_index(app):
    """The real 100 topics in the search index."""
    from live_help.content import load_help_content
    from live_help.search import load_index

    load_index(load_help_content())
    return app
