"""Find risk words in a message: normalise the text, remove false friends, match the lists.

The lists are `app/risk/lists/*.yml` (see docs/content-formats.md, "Risk words"). This module
does not import Flask, so the scripted youth, the forum and live chat can all use it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from app.contentfiles import ContentError, ContentErrors, bilingual, line_of, load_yaml

LISTS_DIR = Path(__file__).parent / "lists"
LEVELS = ("none", "low", "medium", "high", "acute")
LANGS = ("nl", "en")

# Chat spellings young people use, folded before matching (whole words only).
SPELLINGS = {
    "k": "ik", "kweet": "ik weet", "ff": "even", "mn": "mijn", "m'n": "mijn", "z'n": "zijn",
    "zn": "zijn", "n": "een", "t": "het", "da": "dat", "wnt": "want", "nie": "niet", "nt": "niet",
    "zelfmoort": "zelfmoord", "selfmoord": "zelfmoord", "suicide": "suicide", "im": "i'm",
    "wanna": "want to", "gonna": "going to", "u": "you", "ur": "your", "dont": "don't",
    "cant": "can't", "wont": "won't",
}
_WORD = re.compile(r"[a-z0-9']+")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold_spellings(text: str) -> str:
    return _WORD.sub(lambda m: SPELLINGS.get(m.group(0), m.group(0)), text)


def normalise(text: str) -> list[str]:
    """The forms a message is matched in: lowercase, no accents, spelling variants folded, and
    letters repeated three times or more folded to one and to two ("zelfmoorddd", "doooood")."""
    base = _strip_accents(text or "").lower().replace("’", "'")
    base = re.sub(r"\s+", " ", base).strip()
    variants = [re.sub(r"(.)\1{2,}", r"\1", base), re.sub(r"(.)\1{2,}", r"\1\1", base)]
    return list(dict.fromkeys(_fold_spellings(v) for v in variants))


@dataclass(frozen=True)
class RiskList:
    key: str
    level: str
    title: dict[str, str]
    patterns: tuple[re.Pattern, ...]
    false_friends: tuple[str, ...]


@dataclass(frozen=True)
class RiskResult:
    level: str = "none"
    categories: tuple[str, ...] = ()
    matches: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_risk(self) -> bool:
        return self.level != "none"


def _combined(patterns: tuple[re.Pattern, ...]) -> re.Pattern | None:
    """All patterns of a list as one alternation (None: search them one by one)."""
    if not patterns:
        return re.compile(r"(?!x)x")  # matches nothing
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)
    except re.error:
        return None


class RiskDetector:
    def __init__(self, lists: list[RiskList]) -> None:
        self.lists = lists
        friends = {f for risk_list in lists for f in risk_list.false_friends}
        # Longest first, so that a long false friend is removed before a shorter one inside it.
        self._false_friends = sorted(friends, key=len, reverse=True)
        self._friends_re = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(p) for p in self._false_friends) + r")(?!\w)"
        ) if friends else None
        # One search per list first: most messages match no list, and then that is all it costs.
        self._any = {r.key: _combined(r.patterns) for r in lists}

    def _without_false_friends(self, text: str) -> str:
        if self._friends_re is None:
            return text
        previous = None
        while previous != text:  # a removal can make a shorter false friend whole
            previous, text = text, self._friends_re.sub(" ", text)
        return text

    def detect(self, text: str) -> RiskResult:
        """The highest level of every list that matches, and the lists that matched."""
        found: dict[str, list[str]] = {}
        for variant in normalise(text):
            cleaned = self._without_false_friends(variant)
            for risk_list in self.lists:
                quick = self._any[risk_list.key]
                if quick is not None and not quick.search(cleaned):
                    continue
                for pattern in risk_list.patterns:
                    match = pattern.search(cleaned)
                    if match:
                        found.setdefault(risk_list.key, []).append(match.group(0))
        if not found:
            return RiskResult()
        by_key = {r.key: r for r in self.lists}
        level = max((by_key[key].level for key in found), key=LEVELS.index)
        categories = tuple(sorted(found, key=lambda k: (-LEVELS.index(by_key[k].level), k)))
        return RiskResult(level, categories, {k: tuple(dict.fromkeys(v)) for k, v in found.items()})


def _phrases(value, path, line, errors) -> dict[str, list[str]]:
    result = {}
    if value is None:
        return {lang: [] for lang in LANGS}
    if not isinstance(value, dict) or set(value) - set(LANGS):
        errors.append(ContentError(path, "expected nl: [...] and en: [...]", line))
        return {lang: [] for lang in LANGS}
    for lang in LANGS:
        items = value.get(lang) or []
        if not isinstance(items, list):
            errors.append(ContentError(path, f"{lang}: expected a list", line_of(value, line)))
            items = []
        result[lang] = [str(item) for item in items]
    return result


def load_list(path: Path, errors: list[ContentError]) -> RiskList | None:
    try:
        data = load_yaml(path)
    except ContentError as error:
        errors.append(error)
        return None
    if not isinstance(data, dict):
        errors.append(ContentError(path, "expected a mapping with key, level, title, patterns", 1))
        return None
    key = str(data.get("key") or "")
    if not key:
        errors.append(ContentError(path, "no key", line_of(data)))
    level = str(data.get("level") or "")
    if level not in LEVELS[1:]:
        errors.append(ContentError(path, f"level must be one of {', '.join(LEVELS[1:])}, not {level!r}",
                                   line_of(data)))
    title = bilingual(data, "title", path, errors=errors)
    patterns_data = data.get("patterns")
    patterns = []
    raw = _phrases(patterns_data, path, line_of(patterns_data, line_of(data)), errors)
    if not raw["nl"] and not raw["en"]:
        errors.append(ContentError(path, "no patterns", line_of(patterns_data, line_of(data))))
    for lang in LANGS:
        for source in raw[lang]:
            try:
                patterns.append(re.compile(source, re.IGNORECASE))
            except re.error as error:
                errors.append(ContentError(path, f"pattern {source!r} ({lang}): {error}",
                                           line_of(patterns_data.get(lang), line_of(patterns_data))))
    friends_data = data.get("false_friends")
    friends_raw = _phrases(friends_data, path, line_of(friends_data, line_of(data)), errors)
    friends = []
    for lang in LANGS:
        for phrase in friends_raw[lang]:
            friends.extend(normalise(phrase)[:1])
    return RiskList(key, level if level in LEVELS else "low", title, tuple(patterns), tuple(friends))


def load_detector(folder: Path | str = LISTS_DIR) -> RiskDetector:
    """Every list in `folder`, checked; all problems at once, each naming file and line."""
    errors: list[ContentError] = []
    lists = []
    keys: set[str] = set()
    for path in sorted(Path(folder).glob("*.yml")):
        risk_list = load_list(path, errors)
        if risk_list is None:
            continue
        if risk_list.key in keys:
            errors.append(ContentError(path, f"list {risk_list.key!r} is defined twice"))
        keys.add(risk_list.key)
        lists.append(risk_list)
    if errors:
        raise ContentErrors(errors)
    return RiskDetector(lists)


@cache
def default_detector() -> RiskDetector:
    """The detector on the lists in the repository, loaded once per process."""
    return load_detector(LISTS_DIR)
