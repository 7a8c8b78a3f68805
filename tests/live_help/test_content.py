"""The help topics: the loader's rules hold for all 100, and broken files are named by line."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from app.contentfiles import ContentErrors
from live_help.content import (
    LANGS,
    MAX_WORDS,
    MIN_WORDS,
    load_help_content,
    plain_text,
    shared_runs,
    words,
)


@pytest.fixture(scope="module")
def content():
    return load_help_content()


def test_all_100_topics_pass_the_loader(content):
    assert len(content.topics) == 100
    for topic in content.topics.values():
        assert topic.category in {c.key for c in content.categories}
        assert all(key in content.organisations for key in topic.organisations)
        assert 2 <= len(topic.related) <= 4 and all(s in content.topics for s in topic.related)
        for lang in LANGS:
            assert MIN_WORDS <= len(words(plain_text(topic.body[lang]))) <= MAX_WORDS, (topic.slug, lang)
            assert topic.search_terms[lang], (topic.slug, lang)


def test_every_topic_has_the_four_sections_and_four_to_seven_tips(content):
    for topic in content.topics.values():
        for lang, tips_heading in (("nl", "## Wat kun je doen?"), ("en", "## What can you do?")):
            body = topic.body[lang]
            section = body.split(tips_heading, 1)[1].split("\n## ", 1)[0]
            tips = [line for line in section.splitlines() if re.match(r"^[-*+]\s", line)]
            assert 4 <= len(tips) <= 7, (topic.slug, lang)


def test_no_two_topics_share_a_run_of_more_than_12_words(content):
    assert shared_runs(content) == []


def test_every_category_has_at_least_six_topics(content):
    counts = Counter(topic.category for topic in content.topics.values())
    assert {c.key: counts[c.key] for c in content.categories if counts[c.key] < 6} == {}


def test_a_valid_small_set_loads(small_content):
    content = load_help_content(small_content)
    assert set(content.topics) == {"ruzie-thuis", "school-stress", "pesten"}


def _errors(folder) -> str:
    with pytest.raises(ContentErrors) as caught:
        load_help_content(folder)
    return str(caught.value)


def test_a_topic_without_its_english_text_is_rejected(small_content):
    (small_content / "topics" / "pesten.en.md").unlink()
    assert "pesten.en.md: missing: every topic needs a en text" in _errors(small_content)


def test_a_missing_section_is_named_with_its_file_and_line(small_content):
    path = small_content / "topics" / "pesten.nl.md"
    path.write_text(path.read_text().replace("## Wanneer hulp zoeken?", "## Hulp"), encoding="utf-8")
    message = _errors(small_content)
    assert re.search(r"pesten\.nl\.md:\d+: sections: missing '## Wanneer hulp zoeken\?'; unexpected '## Hulp'", message)


def test_an_unknown_organisation_is_named_with_its_line(small_content):
    path = small_content / "topics" / "pesten.nl.md"
    text = path.read_text()
    path.write_text(text.replace("[[org:kindertelefoon]]", "[[org:kinderlijn]]"), encoding="utf-8")
    line = text.splitlines().index(next(ln for ln in text.splitlines() if "[[org:kindertelefoon]]" in ln)) + 1
    assert f"pesten.nl.md:{line}: unknown organisation [[org:kinderlijn]]" in _errors(small_content)


def test_too_few_tips_and_too_few_words_are_rejected(small_content):
    path = small_content / "topics" / "school-stress.en.md"
    text = path.read_text()
    tips = [line for line in text.splitlines() if line.startswith("- **")]
    path.write_text(text.replace(tips[0] + "\n", "").replace(tips[1] + "\n", ""), encoding="utf-8")
    message = _errors(small_content)
    assert "school-stress.en.md" in message and "needs a list of 4-7 tips, found 2" in message
    short = small_content / "topics" / "pesten.nl.md"
    short.write_text(short.read_text()[:900] + "\n\n## Wanneer hulp zoeken?\n\nKort.\n\n## Waar kun je terecht?\n\n"
                     "- [[org:kindertelefoon]]\n", encoding="utf-8")
    assert re.search(r"pesten\.nl\.md:1: \d+ words: a topic has 250-600 words", _errors(small_content))


def test_related_topics_and_categories_must_exist(small_content):
    path = small_content / "topics" / "pesten.yml"
    path.write_text(path.read_text().replace("category: school", "category: sport")
                    .replace("related: [ruzie-thuis, school-stress]", "related: [ruzie-thuis, geen-topic]"))
    message = _errors(small_content)
    assert "pesten.yml:1: unknown category 'sport'" in message
    assert "related topic 'geen-topic' does not exist" in message


def test_the_check_command_names_file_and_line(runner, small_content):
    path = small_content / "topics" / "pesten.nl.md"
    path.write_text(path.read_text().replace("[[org:kindertelefoon]]", "[[org:nergens]]"), encoding="utf-8")
    result = runner.invoke(args=["live_help", "check", "--folder", str(small_content), "--min-per-category", "1"])
    assert result.exit_code != 0
    assert re.search(r"pesten\.nl\.md:\d+: unknown organisation \[\[org:nergens\]\]", result.output)


def test_the_check_command_passes_on_the_real_content(runner):
    result = runner.invoke(args=["live_help", "check"])
    assert result.exit_code == 0, result.output
    assert "100 topics in 12 categories" in result.output


def test_load_is_idempotent(runner, small_content):
    first = runner.invoke(args=["live_help", "load", "--folder", str(small_content), "--min-per-category", "1"])
    second = runner.invoke(args=["live_help", "load", "--folder", str(small_content), "--min-per-category", "1"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert "6 added" in first.output and "default week" in first.output
    assert "0 added, 0 changed, 0 removed, 6 unchanged" in second.output and "default week" not in second.output
    (small_content / "topics" / "pesten.yml").write_text(
        (small_content / "topics" / "pesten.yml").read_text().replace("Gepest worden", "Gepest worden op school"))
    third = runner.invoke(args=["live_help", "load", "--folder", str(small_content), "--min-per-category", "1"])
    assert "0 added, 1 changed, 0 removed, 5 unchanged" in third.output


def test_shared_runs_are_found(small_content):
    copy = (small_content / "topics" / "pesten.nl.md").read_text()
    (small_content / "topics" / "school-stress.nl.md").write_text(copy, encoding="utf-8")
    content = load_help_content(small_content)
    problems = shared_runs(content)
    assert len(problems) == 1 and "shares" in problems[0] and "pesten.nl.md" in problems[0]
