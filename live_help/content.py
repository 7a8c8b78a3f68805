"""Loader for the public help content: categories, organisations and topics (Flask-free)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.contentfiles import ContentError, ContentErrors, bilingual, line_of, load_yaml

CONTENT_DIR = Path(__file__).parent / "content"


@dataclass(frozen=True)
class Category:
    key: str
    title: dict[str, str]
    intro: dict[str, str]


@dataclass(frozen=True)
class Organisation:
    key: str
    name: str
    website: str
    about: dict[str, str]
    phone: str = ""
    phone_note: dict[str, str] = field(default_factory=dict)
    chat: str = ""
    emergency: bool = False
    source: str = ""


def load_categories(path: Path = CONTENT_DIR / "categories.yml") -> list[Category]:
    data = load_yaml(path)
    errors: list[ContentError] = []
    if not isinstance(data, list):
        raise ContentError(path, "expected a list of categories", 1)
    categories, seen = [], set()
    for item in data:
        key = str(item.get("key") or "")
        if not key:
            errors.append(ContentError(path, "category without key", line_of(item)))
            continue
        if key in seen:
            errors.append(ContentError(path, f"category {key!r} appears twice", line_of(item)))
        seen.add(key)
        categories.append(Category(key, bilingual(item, "title", path, errors=errors),
                                   bilingual(item, "intro", path, errors=errors)))
    if errors:
        raise ContentErrors(errors)
    return categories


def load_organisations(folder: Path = CONTENT_DIR / "organisations") -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    errors: list[ContentError] = []
    for path in sorted(folder.glob("*.yml")):
        data = load_yaml(path)
        if not isinstance(data, list):
            errors.append(ContentError(path, "expected a list of organisations", 1))
            continue
        for item in data:
            key = str(item.get("key") or "")
            line = line_of(item)
            if not key:
                errors.append(ContentError(path, "organisation without key", line))
                continue
            if key in found:
                errors.append(ContentError(path, f"organisation {key!r} is defined twice", line))
                continue
            for required in ("name", "website"):
                if not str(item.get(required) or "").strip():
                    errors.append(ContentError(path, f"organisation {key!r} has no {required}", line))
            website = str(item.get("website") or "")
            if website and not website.startswith("https://"):
                errors.append(ContentError(path, f"organisation {key!r}: website must start with https://", line))
            found[key] = Organisation(
                key=key,
                name=str(item.get("name") or ""),
                website=website,
                about=bilingual(item, "about", path, errors=errors),
                phone=str(item.get("phone") or ""),
                phone_note=bilingual(item, "phone_note", path, required=False, errors=errors),
                chat=str(item.get("chat") or ""),
                emergency=bool(item.get("emergency", False)),
                source=str(item.get("source") or ""),
            )
    if errors:
        raise ContentErrors(errors)
    return found


# --- topics -----------------------------------------------------------------------------------
LANGS = ("nl", "en")
SECTIONS = {
    "nl": ("Wat is er aan de hand?", "Wat kun je doen?", "Wanneer hulp zoeken?", "Waar kun je terecht?"),
    "en": ("What is going on?", "What can you do?", "When to get help", "Where to go"),
}
MIN_WORDS, MAX_WORDS = 250, 600
MIN_TIPS, MAX_TIPS = 4, 7
MAX_SUMMARY = 160
TOKEN_RE = re.compile(r"\[\[(org|hulpmix):([^\]]*)\]\]")
HULPMIX_LINKS = ("chat", "mail")
WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True)
class Topic:
    slug: str
    category: str
    title: dict[str, str]
    summary: dict[str, str]
    organisations: tuple[str, ...]
    related: tuple[str, ...]
    search_terms: dict[str, tuple[str, ...]]
    body: dict[str, str]  # the Markdown of each language, with [[...]] tokens

    def plain_text(self, lang: str) -> str:
        return plain_text(self.body[lang])


@dataclass(frozen=True)
class HelpContent:
    """Everything the public help pages show, validated together."""

    categories: list[Category]
    organisations: dict[str, Organisation]
    topics: dict[str, Topic]

    def category(self, key: str) -> Category | None:
        return next((c for c in self.categories if c.key == key), None)

    def topics_in(self, key: str) -> list[Topic]:
        return [t for t in self.topics.values() if t.category == key]


def plain_text(markdown_text: str) -> str:
    """The words of a Markdown text without markup: headings, emphasis, lists and [[tokens]]."""
    text = TOKEN_RE.sub(" ", markdown_text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [label](url) -> label
    text = re.sub(r"^\s{0,3}(#{1,6}|[-*+]|\d+[.)]|>)\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"[*_`]+", "", text)
    return text


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def _str_list(value) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(v).strip() for v in value if str(v).strip()]


def _line_in(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def check_topic_markdown(path: Path, text: str, lang: str, organisations: list[str],
                         known_orgs: dict[str, Organisation], errors: list[ContentError]) -> None:
    """The structure rules of one language file of a topic."""
    headings = [(m.group(1).strip(), text.count("\n", 0, m.start()) + 1)
                for m in re.finditer(r"^##\s+(.+?)\s*$", text, flags=re.MULTILINE)]
    expected = SECTIONS[lang]
    found = [h for h, _ in headings]
    if re.search(r"^#\s", text, flags=re.MULTILINE):
        errors.append(ContentError(path, "no H1 heading: the title comes from the .yml", _line_in(text, "\n# ") or 1))
    if found != list(expected):
        missing = [h for h in expected if h not in found]
        extra = [h for h in found if h not in expected]
        detail = []
        if missing:
            detail.append("missing " + ", ".join(f"'## {h}'" for h in missing))
        if extra:
            detail.append("unexpected " + ", ".join(f"'## {h}'" for h in extra))
        if not detail:
            detail.append("the order must be " + ", ".join(f"'## {h}'" for h in expected))
        line = next((ln for h, ln in headings if h in extra), headings[0][1] if headings else 1)
        errors.append(ContentError(path, "sections: " + "; ".join(detail), line))
    else:
        if not text[: text.find("## ")].strip():
            errors.append(ContentError(path, "starts with a heading: open with 1-3 short paragraphs", 1))
        tips_heading = dict(headings)[expected[1]]
        lines = text.splitlines()
        next_heading = dict(headings)[expected[2]]
        section = lines[tips_heading: next_heading - 1]
        tips = [ln for ln in section if re.match(r"^[-*+]\s+\S", ln)]
        if not MIN_TIPS <= len(tips) <= MAX_TIPS:
            errors.append(ContentError(
                path, f"'## {expected[1]}' needs a list of {MIN_TIPS}-{MAX_TIPS} tips, found {len(tips)}",
                tips_heading))
    used = []
    for match in TOKEN_RE.finditer(text):
        kind, value = match.groups()
        line = text.count("\n", 0, match.start()) + 1
        if kind == "org":
            used.append(value)
            if value not in known_orgs:
                errors.append(ContentError(path, f"unknown organisation [[org:{value}]]", line))
        elif value not in HULPMIX_LINKS:
            errors.append(ContentError(path, f"[[hulpmix:{value}]] must be [[hulpmix:chat]] or [[hulpmix:mail]]", line))
    for key in organisations:
        if key not in used:
            errors.append(ContentError(path, f"organisation {key!r} is listed in the .yml but not used here", 1))
    for key in dict.fromkeys(used):
        if key in known_orgs and key not in organisations:
            errors.append(ContentError(path, f"[[org:{key}]] is used but not listed under organisations:",
                                       _line_in(text, f"[[org:{key}]]")))
    count = len(words(plain_text(text)))
    if not MIN_WORDS <= count <= MAX_WORDS:
        errors.append(ContentError(path, f"{count} words: a topic has {MIN_WORDS}-{MAX_WORDS} words per language", 1))


def load_topic(yml: Path, categories: set[str], known_orgs: dict[str, Organisation],
               errors: list[ContentError]) -> Topic | None:
    slug = yml.name.removesuffix(".yml")
    try:
        data = load_yaml(yml)
    except ContentError as error:
        errors.append(error)
        return None
    if not isinstance(data, dict):
        errors.append(ContentError(yml, "expected a mapping with category, title, summary, ...", 1))
        return None
    category = str(data.get("category") or "")
    if category not in categories:
        errors.append(ContentError(yml, f"unknown category {category!r} (see categories.yml)",
                                   line_of(data)))
    title = bilingual(data, "title", yml, errors=errors)
    summary = bilingual(data, "summary", yml, errors=errors)
    for lang in LANGS:
        if len(summary[lang]) > MAX_SUMMARY:
            errors.append(ContentError(yml, f"summary ({lang}) is {len(summary[lang])} characters, at most {MAX_SUMMARY}",
                                       line_of(data.get("summary"), line_of(data))))
    organisations = _str_list(data.get("organisations"))
    for key in organisations:
        if key not in known_orgs:
            errors.append(ContentError(yml, f"unknown organisation {key!r}", line_of(data.get("organisations"))))
    related = _str_list(data.get("related"))
    if not 2 <= len(related) <= 4:
        errors.append(ContentError(yml, f"related: 2-4 topics, found {len(related)}",
                                   line_of(data.get("related"), line_of(data))))
    terms_data = data.get("search_terms")
    terms: dict[str, tuple[str, ...]] = {}
    for lang in LANGS:
        found = _str_list(terms_data.get(lang)) if isinstance(terms_data, dict) else []
        if not found:
            errors.append(ContentError(yml, f"search_terms has no {lang} terms", line_of(terms_data, line_of(data))))
        terms[lang] = tuple(found)
    body = {}
    for lang in LANGS:
        md = yml.with_name(f"{slug}.{lang}.md")
        if not md.exists():
            errors.append(ContentError(md, f"missing: every topic needs a {lang} text"))
            body[lang] = ""
            continue
        try:
            text = md.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            errors.append(ContentError(md, f"cannot read: {error}"))
            body[lang] = ""
            continue
        check_topic_markdown(md, text, lang, organisations, known_orgs, errors)
        body[lang] = text
    return Topic(slug, category, title, summary, tuple(organisations), tuple(related), terms, body)


def load_help_content(folder: Path = CONTENT_DIR) -> HelpContent:
    """Categories, organisations and topics, checked together; all problems at once."""
    errors: list[ContentError] = []
    try:
        categories = load_categories(folder / "categories.yml")
    except ContentErrors as problem:
        errors.extend(problem.errors)
        categories = []
    except ContentError as problem:
        errors.append(problem)
        categories = []
    try:
        organisations = load_organisations(folder / "organisations")
    except ContentErrors as problem:
        errors.extend(problem.errors)
        organisations = {}
    except ContentError as problem:
        errors.append(problem)
        organisations = {}
    topic_dir = folder / "topics"
    category_keys = {c.key for c in categories}
    topics: dict[str, Topic] = {}
    for yml in sorted(topic_dir.glob("*.yml")):
        topic = load_topic(yml, category_keys, organisations, errors)
        if topic is not None:
            topics[topic.slug] = topic
    for md in sorted(topic_dir.glob("*.md")):
        slug = md.name.split(".", 1)[0]
        if not md.with_name(f"{slug}.yml").exists():
            errors.append(ContentError(md, f"no {slug}.yml beside this text"))
    for topic in topics.values():
        for other in topic.related:
            if other == topic.slug:
                errors.append(ContentError(topic_dir / f"{topic.slug}.yml", "a topic cannot be related to itself"))
            elif other not in topics:
                errors.append(ContentError(topic_dir / f"{topic.slug}.yml", f"related topic {other!r} does not exist"))
    if errors:
        raise ContentErrors(errors)
    return HelpContent(categories, organisations, topics)


MAX_SHARED_RUN = 12
MIN_TOPICS_PER_CATEGORY = 6


def shared_runs(content: HelpContent, longest: int = MAX_SHARED_RUN) -> list[str]:
    """Pairs of topics that share a run of more than `longest` identical words (per language)."""
    found = []
    size = longest + 1
    for lang in LANGS:
        seen: dict[tuple[str, ...], str] = {}
        reported: set[tuple[str, str]] = set()
        for topic in content.topics.values():
            tokens = [w.lower() for w in words(topic.plain_text(lang))]
            for i in range(len(tokens) - size + 1):
                run = tuple(tokens[i:i + size])
                owner = seen.setdefault(run, topic.slug)
                if owner != topic.slug and (owner, topic.slug) not in reported:
                    reported.add((owner, topic.slug))
                    found.append(f"{topic.slug}.{lang}.md shares '{' '.join(run)}' with {owner}.{lang}.md")
    return found


def collection_problems(content: HelpContent, min_per_category: int = MIN_TOPICS_PER_CATEGORY) -> list[str]:
    """Rules over the whole set: shared sentences and categories with too few topics."""
    problems = shared_runs(content)
    for category in content.categories:
        count = len(content.topics_in(category.key))
        if count < min_per_category:
            problems.append(f"category {category.key!r} has {count} topics, at least {min_per_category}")
    return problems
