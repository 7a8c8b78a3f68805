"""The rubric files: criteria with anchored levels, loaded and validated (Flask-free)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.contentfiles import ContentError, ContentErrors, bilingual, line_of, load_yaml

RUBRIC_DIR = Path(__file__).parent / "rubrics"


@dataclass(frozen=True)
class Criterion:
    key: str
    title: dict[str, str]
    levels: dict[int, dict[str, str]]
    samples: bool = False


@dataclass(frozen=True)
class Rubric:
    key: str
    version: int
    title: dict[str, str]
    levels: dict[int, dict[str, str]]  # the level names, e.g. 1: Onvoldoende
    criteria: tuple[Criterion, ...]
    pass_mean: float
    pass_min_level: int

    @property
    def criterion_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.criteria)

    @property
    def sample_criteria(self) -> tuple[Criterion, ...]:
        """The criteria reviewers use on a written screening sample."""
        return tuple(c for c in self.criteria if c.samples)

    @property
    def level_values(self) -> tuple[int, ...]:
        return tuple(sorted(self.levels))

    def criterion(self, key: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)

    def validate_scores(self, scores: dict[str, int], *, keys: tuple[str, ...] | None = None) -> dict[str, int]:
        """Every criterion in `keys` (default: all) scored with a known level; nothing else."""
        keys = keys or self.criterion_keys
        unknown = set(scores) - set(keys)
        if unknown:
            raise ValueError(f"unknown criteria: {', '.join(sorted(unknown))}")
        missing = [key for key in keys if key not in scores]
        if missing:
            raise ValueError(f"criteria without a score: {', '.join(missing)}")
        clean = {}
        for key in keys:
            try:
                value = int(scores[key])
            except (TypeError, ValueError):
                raise ValueError(f"score for {key} is not a whole number") from None
            if value not in self.levels:
                raise ValueError(f"score for {key} must be one of {list(self.level_values)}")
            clean[key] = value
        return clean

    def passes(self, scores: dict[str, int]) -> bool:
        """The rubric's pass rule: mean at least `pass_mean` and no level below `pass_min_level`."""
        if not scores:
            return False
        values = list(scores.values())
        return sum(values) / len(values) >= self.pass_mean and min(values) >= self.pass_min_level


def load_rubric(path: Path) -> Rubric:
    data = load_yaml(path)
    errors: list[ContentError] = []
    if not isinstance(data, dict):
        raise ContentError(path, "a rubric is a mapping with key, title, levels and criteria", 1)
    levels: dict[int, dict[str, str]] = {}
    for item in data.get("levels") or []:
        try:
            value = int(item["value"])
        except (KeyError, TypeError, ValueError):
            errors.append(ContentError(path, "a level needs a whole-number value", line_of(item)))
            continue
        levels[value] = {"nl": str(item.get("nl") or ""), "en": str(item.get("en") or "")}
    if len(levels) < 2:
        errors.append(ContentError(path, "a rubric needs at least two levels", line_of(data)))
    criteria, seen = [], set()
    for item in data.get("criteria") or []:
        key = str(item.get("key") or "")
        if not key or key in seen:
            errors.append(ContentError(path, f"criterion key missing or repeated: {key!r}", line_of(item)))
            continue
        seen.add(key)
        anchors = item.get("levels") or {}
        parsed: dict[int, dict[str, str]] = {}
        for value in levels:
            anchor = anchors.get(value)
            if not isinstance(anchor, dict) or not anchor.get("nl") or not anchor.get("en"):
                errors.append(ContentError(path, f"criterion {key!r} has no anchor in nl and en for level {value}",
                                           line_of(anchors, line_of(item))))
                continue
            parsed[value] = {"nl": str(anchor["nl"]).strip(), "en": str(anchor["en"]).strip()}
        extra = set(anchors) - set(levels)
        if extra:
            errors.append(ContentError(path, f"criterion {key!r} has anchors for unknown levels {sorted(extra)}",
                                       line_of(anchors)))
        criteria.append(Criterion(key, bilingual(item, "title", path, errors=errors), parsed,
                                  bool(item.get("samples", False))))
    if not criteria:
        errors.append(ContentError(path, "a rubric needs criteria", line_of(data)))
    rule = data.get("pass") or {}
    if errors:
        raise ContentErrors(errors)
    return Rubric(
        key=str(data.get("key") or path.stem), version=int(data.get("version") or 1),
        title=bilingual(data, "title", path), levels=levels, criteria=tuple(criteria),
        pass_mean=float(rule.get("mean_at_least", 2.5)), pass_min_level=int(rule.get("no_level_below", 2)),
    )


@cache
def get_rubric(key: str = "chat") -> Rubric:
    """The rubric named `key` from app/assessment/rubrics/ (cached; files do not change at run time)."""
    path = RUBRIC_DIR / f"{key}.yml"
    if not path.exists():
        raise KeyError(f"no rubric {key!r}")
    return load_rubric(path)
