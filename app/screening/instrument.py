"""The screening instrument files (scales, vignettes, samples, background), loaded and validated.

Flask-free: `load_instrument(directory)` reads the four YAML files under
app/screening/instrument/ and reports every problem as `file:line: message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from app.contentfiles import ContentError, ContentErrors, bilingual, line_of, load_yaml

INSTRUMENT_DIR = Path(__file__).parent / "instrument"
DIMENSIONS = ("cultural_empathy", "open_mindedness", "social_initiative", "emotional_stability", "flexibility")
ANSWER_VALUES = (1, 2, 3, 4, 5)
MIN_ITEMS_PER_DIMENSION = 8
MIN_VIGNETTES = 12
MIN_SAMPLES = 3
OPTIONS_PER_VIGNETTE = 4
OPTION_SCORES = (0, 1, 2, 3)
QUESTION_TYPES = ("text", "textarea", "choice", "languages")


@dataclass(frozen=True)
class Item:
    key: str
    dimension: str
    text: dict[str, str]
    reverse: bool = False

    def score(self, answer: int) -> int:
        """Reverse items count the other way round: 6 - answer on the 5-point scale."""
        return (ANSWER_VALUES[-1] + ANSWER_VALUES[0]) - answer if self.reverse else answer


@dataclass(frozen=True)
class Dimension:
    key: str
    title: dict[str, str]
    description: dict[str, str]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Option:
    key: str
    score: int
    text: dict[str, str]


@dataclass(frozen=True)
class Vignette:
    key: str
    background: dict[str, str]
    theme: dict[str, str]
    youth: dict[str, str]
    situation: dict[str, str]
    message: dict[str, tuple[str, ...]]
    options: tuple[Option, ...]
    rationale: dict[str, str]

    @property
    def max_score(self) -> int:
        return max(option.score for option in self.options)

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Sample:
    key: str
    situation: dict[str, str]
    message: dict[str, tuple[str, ...]]
    rubric: str


@dataclass(frozen=True)
class Choice:
    key: str
    label: dict[str, str]


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    required: bool
    label: dict[str, str]
    help: dict[str, str]
    options: tuple[Choice, ...] = ()
    levels: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class Instrument:
    answers: tuple[Choice, ...]  # the 5-point answer labels, keys "1".."5"
    dimensions: tuple[Dimension, ...]
    vignettes: tuple[Vignette, ...]
    samples: tuple[Sample, ...]
    questions: tuple[Question, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for dimension in self.dimensions for item in dimension.items)

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)

    def vignette(self, key: str) -> Vignette | None:
        return next((v for v in self.vignettes if v.key == key), None)

    def sample(self, key: str) -> Sample | None:
        return next((s for s in self.samples if s.key == key), None)

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    @property
    def items_interleaved(self) -> tuple[Item, ...]:
        """The items mixed across dimensions, so that no page reads as one trait."""
        rows = max(len(d.items) for d in self.dimensions)
        return tuple(d.items[i] for i in range(rows) for d in self.dimensions if i < len(d.items))


# --- helpers ------------------------------------------------------------------------------
def _key(node: Any, path: Path, errors: list[ContentError], seen: set[str], what: str) -> str | None:
    key = node.get("key") if isinstance(node, dict) else None
    if not isinstance(key, str) or not key.strip():
        errors.append(ContentError(path, f"{what} without a key", line_of(node)))
        return None
    if key in seen:
        errors.append(ContentError(path, f"{what} key {key!r} is used twice", line_of(node)))
        return None
    seen.add(key)
    return key


def _text_pair(node: Any, path: Path, errors: list[ContentError], what: str) -> dict[str, str]:
    """An entry with its own `nl:` and `en:` text (an item, an option, a choice)."""
    missing = [lang for lang in ("nl", "en") if not str((node or {}).get(lang) or "").strip()]
    if missing:
        errors.append(ContentError(path, f"{what} has no {' and '.join(missing)} text", line_of(node)))
        return {"nl": "", "en": ""}
    return {"nl": str(node["nl"]).strip(), "en": str(node["en"]).strip()}


def _lines(node: Any, key: str, path: Path, errors: list[ContentError], what: str) -> dict[str, tuple[str, ...]]:
    """`message: {nl: [...], en: [...]}`: chat lines in both languages, as many in each."""
    value = node.get(key) if isinstance(node, dict) else None
    line = line_of(value, line_of(node))
    if not isinstance(value, dict):
        errors.append(ContentError(path, f"{what} needs '{key}' with nl and en lines", line))
        return {"nl": (), "en": ()}
    result: dict[str, tuple[str, ...]] = {}
    for lang in ("nl", "en"):
        lines = value.get(lang)
        if not isinstance(lines, list) or not lines or not all(str(x or "").strip() for x in lines):
            errors.append(ContentError(path, f"{what} '{key}' needs a list of {lang} lines", line_of(lines, line)))
            result[lang] = ()
        else:
            result[lang] = tuple(str(x).strip() for x in lines)
    if result["nl"] and result["en"] and len(result["nl"]) != len(result["en"]):
        errors.append(ContentError(path, f"{what} '{key}' has {len(result['nl'])} nl lines and "
                                         f"{len(result['en'])} en lines", line))
    return result


def _list(data: Any, key: str, path: Path, errors: list[ContentError]) -> list:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        errors.append(ContentError(path, f"the file needs a top-level '{key}:' list", line_of(data, 1)))
        return []
    return value


def _load(path: Path, errors: list[ContentError]) -> Any:
    try:
        return load_yaml(path)
    except ContentError as error:
        errors.append(error)
        return None


# --- the four files -----------------------------------------------------------------------
def load_scales(path: Path, errors: list[ContentError]) -> tuple[tuple[Choice, ...], tuple[Dimension, ...]]:
    data = _load(path, errors)
    if data is None:
        return (), ()
    answers: list[Choice] = []
    values = []
    for node in _list(data, "answers", path, errors):
        value = node.get("value") if isinstance(node, dict) else None
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(ContentError(path, "an answer needs a whole-number value", line_of(node)))
            continue
        values.append(value)
        answers.append(Choice(str(value), _text_pair(node, path, errors, f"answer {value}")))
    if answers and tuple(sorted(values)) != ANSWER_VALUES:
        errors.append(ContentError(path, "the answers must be the values 1 to 5, each once",
                                   line_of(data.get("answers"))))
    dimensions: list[Dimension] = []
    seen_dimensions: set[str] = set()
    seen_items: set[str] = set()
    for node in _list(data, "dimensions", path, errors):
        key = _key(node, path, errors, seen_dimensions, "dimension")
        if key is None:
            continue
        if key not in DIMENSIONS:
            errors.append(ContentError(path, f"unknown dimension {key!r}; use one of {', '.join(DIMENSIONS)}",
                                       line_of(node)))
        items = []
        raw_items = node.get("items")
        if not isinstance(raw_items, list):
            raw_items = []
        for item_node in raw_items:
            item_key = _key(item_node, path, errors, seen_items, "item")
            if item_key is None:
                continue
            reverse = item_node.get("reverse", False)
            if not isinstance(reverse, bool):
                errors.append(ContentError(path, f"item {item_key!r}: 'reverse' must be true or false",
                                           line_of(item_node)))
                reverse = False
            items.append(Item(item_key, key, _text_pair(item_node, path, errors, f"item {item_key!r}"), reverse))
        if len(items) < MIN_ITEMS_PER_DIMENSION:
            errors.append(ContentError(path, f"dimension {key!r} has {len(items)} items; it needs at least "
                                             f"{MIN_ITEMS_PER_DIMENSION}", line_of(node)))
        reversed_count = sum(item.reverse for item in items)
        if items and not 0 < reversed_count < len(items):
            errors.append(ContentError(path, f"dimension {key!r} needs some reverse-scored items "
                                             "(reverse: true), but not only those", line_of(node)))
        dimensions.append(Dimension(key, bilingual(node, "title", path, errors=errors),
                                    bilingual(node, "description", path, errors=errors), tuple(items)))
    missing = [key for key in DIMENSIONS if key not in seen_dimensions]
    if missing and isinstance(data, dict):
        errors.append(ContentError(path, f"dimensions missing: {', '.join(missing)}", line_of(data.get("dimensions"), 1)))
    order = {key: i for i, key in enumerate(DIMENSIONS)}
    dimensions.sort(key=lambda d: order.get(d.key, len(order)))
    return tuple(answers), tuple(dimensions)


def load_vignettes(path: Path, errors: list[ContentError]) -> tuple[Vignette, ...]:
    data = _load(path, errors)
    if data is None:
        return ()
    vignettes: list[Vignette] = []
    seen: set[str] = set()
    nodes = _list(data, "vignettes", path, errors)
    for node in nodes:
        key = _key(node, path, errors, seen, "vignette")
        if key is None:
            continue
        what = f"vignette {key!r}"
        options: list[Option] = []
        option_keys: set[str] = set()
        raw_options = node.get("options")
        if not isinstance(raw_options, list) or len(raw_options) != OPTIONS_PER_VIGNETTE:
            errors.append(ContentError(path, f"{what} needs exactly {OPTIONS_PER_VIGNETTE} options",
                                       line_of(raw_options, line_of(node))))
            raw_options = raw_options if isinstance(raw_options, list) else []
        for option_node in raw_options:
            option_key = _key(option_node, path, errors, option_keys, f"{what}: option")
            if option_key is None:
                continue
            score = option_node.get("score")
            if not isinstance(score, int) or isinstance(score, bool) or score not in OPTION_SCORES:
                errors.append(ContentError(path, f"{what} option {option_key!r}: score must be 0, 1, 2 or 3",
                                           line_of(option_node)))
                continue
            options.append(Option(option_key, score,
                                  _text_pair(option_node, path, errors, f"{what} option {option_key!r}")))
        best = [option for option in options if option.score == OPTION_SCORES[-1]]
        if len(best) > 1 or (len(options) == OPTIONS_PER_VIGNETTE and not best):
            errors.append(ContentError(path, f"{what} needs exactly one option with score 3 (the expert key); "
                                             f"it has {len(best)}", line_of(raw_options, line_of(node))))
        vignettes.append(Vignette(
            key=key,
            background=bilingual(node, "background", path, errors=errors),
            theme=bilingual(node, "theme", path, errors=errors),
            youth=bilingual(node, "youth", path, required=False, errors=errors),
            situation=bilingual(node, "situation", path, errors=errors),
            message=_lines(node, "message", path, errors, what),
            options=tuple(options),
            rationale=bilingual(node, "rationale", path, errors=errors),
        ))
    if isinstance(data, dict) and isinstance(nodes, list) and len(vignettes) < MIN_VIGNETTES:
        errors.append(ContentError(path, f"{len(vignettes)} vignettes; the screening needs at least {MIN_VIGNETTES}",
                                   line_of(nodes, 1)))
    return tuple(vignettes)


def load_samples(path: Path, errors: list[ContentError], rubric_sample_criteria=None) -> tuple[Sample, ...]:
    data = _load(path, errors)
    if data is None:
        return ()
    samples: list[Sample] = []
    seen: set[str] = set()
    nodes = _list(data, "samples", path, errors)
    for node in nodes:
        key = _key(node, path, errors, seen, "sample")
        if key is None:
            continue
        rubric = str(node.get("rubric") or "chat")
        if rubric_sample_criteria is not None and not rubric_sample_criteria(rubric):
            errors.append(ContentError(path, f"sample {key!r}: rubric {rubric!r} does not exist or has no "
                                             "criteria marked samples: true", line_of(node)))
        samples.append(Sample(key, bilingual(node, "situation", path, errors=errors),
                              _lines(node, "message", path, errors, f"sample {key!r}"), rubric))
    if isinstance(data, dict) and isinstance(nodes, list) and len(samples) < MIN_SAMPLES:
        errors.append(ContentError(path, f"{len(samples)} samples; the screening needs at least {MIN_SAMPLES}",
                                   line_of(nodes, 1)))
    return tuple(samples)


def _choices(node: Any, key: str, path: Path, errors: list[ContentError], what: str) -> tuple[Choice, ...]:
    raw = node.get(key)
    if not isinstance(raw, list) or len(raw) < 2:
        errors.append(ContentError(path, f"{what} needs a '{key}:' list with at least two entries",
                                   line_of(raw, line_of(node))))
        return ()
    seen: set[str] = set()
    found = []
    for entry in raw:
        entry_key = _key(entry, path, errors, seen, f"{what}: {key[:-1]}")
        if entry_key is not None:
            found.append(Choice(str(entry_key), _text_pair(entry, path, errors, f"{what} {key[:-1]} {entry_key!r}")))
    return tuple(found)


def load_background(path: Path, errors: list[ContentError]) -> tuple[Question, ...]:
    data = _load(path, errors)
    if data is None:
        return ()
    questions: list[Question] = []
    seen: set[str] = set()
    for node in _list(data, "questions", path, errors):
        key = _key(node, path, errors, seen, "question")
        if key is None:
            continue
        what = f"question {key!r}"
        kind = node.get("type")
        if kind not in QUESTION_TYPES:
            errors.append(ContentError(path, f"{what}: type must be one of {', '.join(QUESTION_TYPES)}",
                                       line_of(node)))
            continue
        required = node.get("required", False)
        if not isinstance(required, bool):
            errors.append(ContentError(path, f"{what}: 'required' must be true or false", line_of(node)))
            required = False
        options = _choices(node, "options", path, errors, what) if kind == "choice" else ()
        levels = _choices(node, "levels", path, errors, what) if kind == "languages" else ()
        questions.append(Question(key, kind, required, bilingual(node, "label", path, errors=errors),
                                  bilingual(node, "help", path, required=False, errors=errors), options, levels))
    if isinstance(data, dict) and sum(q.type == "languages" for q in questions) != 1:
        errors.append(ContentError(path, "the background needs exactly one question of type languages",
                                   line_of(data.get("questions"), 1)))
    return tuple(questions)


def _rubric_has_sample_criteria(key: str) -> bool:
    from app.assessment.rubric import get_rubric

    try:
        return bool(get_rubric(key).sample_criteria)
    except (KeyError, ContentError, ContentErrors):
        return False


def load_instrument(directory: Path | str = INSTRUMENT_DIR) -> Instrument:
    """Read and check the four files; raise ContentErrors listing every problem found."""
    directory = Path(directory)
    errors: list[ContentError] = []
    answers, dimensions = load_scales(directory / "scales.yml", errors)
    vignettes = load_vignettes(directory / "vignettes.yml", errors)
    samples = load_samples(directory / "samples.yml", errors, _rubric_has_sample_criteria)
    questions = load_background(directory / "background.yml", errors)
    if errors:
        raise ContentErrors(errors)
    return Instrument(answers, dimensions, vignettes, samples, questions)


@cache
def get_instrument() -> Instrument:
    """The instrument from app/screening/instrument/ (cached; the files do not change at run time)."""
    return load_instrument(INSTRUMENT_DIR)
