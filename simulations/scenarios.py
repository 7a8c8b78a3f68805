"""Loader for the scenario files (simulations/scenarios/*.yml), scripts included (Flask-free).

Every problem is reported with its file and line: a broken script never reaches a trainee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from app.contentfiles import ContentError, ContentErrors, bilingual, line_of, load_yaml
from simulations.detectors import DETECTORS

SCENARIO_DIR = Path(__file__).parent / "scenarios"
RISK_LEVELS = ("low", "medium", "high", "acute")
PHASES = ("welcome", "clarify", "goal", "work", "close")
LANGS = ("nl", "en")


@dataclass(frozen=True)
class Trigger:
    when: tuple[str, ...]
    reply: dict[str, tuple[str, ...]]
    goto: str | None = None
    patterns: dict[str, tuple[re.Pattern, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    key: str
    triggers: tuple[Trigger, ...] = ()
    fallback: dict[str, tuple[str, ...]] = field(default_factory=dict)
    patience: int | None = None
    on_impatience: str | None = None
    phase: str | None = None
    end: bool = False


@dataclass(frozen=True)
class Script:
    start: str
    stages: dict[str, Stage]


@dataclass(frozen=True)
class Scenario:
    key: str
    title: dict[str, str]
    risk: str
    difficulty: int
    persona: dict
    presenting_problem: dict[str, str]
    underlying: dict[str, str]
    risk_signals: dict[str, tuple[str, ...]]
    learning_goals: dict[str, tuple[str, ...]]
    trainer_instructions: dict[str, str]
    opening_lines: dict[str, tuple[str, ...]]
    script: Script | None
    path: str

    @property
    def is_scripted(self) -> bool:
        return self.script is not None

    @property
    def high_risk(self) -> bool:
        return self.risk in ("high", "acute")

    def persona_text(self, key: str, lang: str) -> str:
        value = self.persona.get(key)
        if isinstance(value, dict):
            return str(value.get(lang) or value.get("nl") or "")
        return "" if value is None else str(value)


def _lines(data, key: str, path, errors: list[ContentError], *, required: bool = True) -> dict[str, tuple[str, ...]]:
    value = data.get(key) if isinstance(data, dict) else None
    if value is None:
        if required:
            errors.append(ContentError(path, f"'{key}' is missing (needs nl and en lists)", line_of(data)))
        return {lang: () for lang in LANGS}
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), list) or not value.get(lang) for lang in LANGS):
        errors.append(ContentError(path, f"'{key}' needs a non-empty list for nl and for en", line_of(value, line_of(data))))
        return {lang: () for lang in LANGS}
    return {lang: tuple(str(line) for line in value[lang]) for lang in LANGS}


def _script(data, path, errors: list[ContentError]) -> Script | None:
    if data is None:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("stages"), dict):
        errors.append(ContentError(path, "script needs start and stages", line_of(data)))
        return None
    stages: dict[str, Stage] = {}
    gotos: list[tuple[str, int | None]] = []
    for key, raw in data["stages"].items():
        line = line_of(raw, line_of(data["stages"]))
        if not isinstance(raw, dict):
            errors.append(ContentError(path, f"stage {key!r} must be a mapping", line))
            continue
        phase = raw.get("phase")
        if phase is not None and phase not in PHASES:
            errors.append(ContentError(path, f"stage {key!r}: phase must be one of {', '.join(PHASES)}", line))
        triggers = []
        for trig in raw.get("triggers") or []:
            tline = line_of(trig, line)
            when = tuple(trig.get("when") or ())
            unknown = [w for w in when if w not in (*DETECTORS, "pattern")]
            if not when or unknown:
                errors.append(ContentError(path, f"stage {key!r}: trigger needs `when` with known detectors"
                                                 f"{' (unknown: ' + ', '.join(unknown) + ')' if unknown else ''}", tline))
            patterns: dict[str, tuple[re.Pattern, ...]] = {}
            if "pattern" in when:
                raw_patterns = trig.get("patterns") or {}
                for lang in LANGS:
                    compiled = []
                    for pattern in raw_patterns.get(lang) or []:
                        try:
                            compiled.append(re.compile(str(pattern), re.IGNORECASE))
                        except re.error as exc:
                            errors.append(ContentError(path, f"stage {key!r}: bad pattern {pattern!r}: {exc}", tline))
                    patterns[lang] = tuple(compiled)
                if not any(patterns.values()):
                    errors.append(ContentError(path, f"stage {key!r}: a pattern trigger needs patterns in nl and en", tline))
            reply = _lines(trig, "reply", path, errors)
            if reply["nl"] and reply["en"] and len(reply["nl"]) != len(reply["en"]):
                errors.append(ContentError(path, f"stage {key!r}: reply has {len(reply['nl'])} Dutch and "
                                                 f"{len(reply['en'])} English lines", tline))
            goto = trig.get("goto")
            if goto is not None:
                gotos.append((str(goto), tline))
            triggers.append(Trigger(when, reply, str(goto) if goto else None, patterns))
        end = bool(raw.get("end", False))
        fallback = _lines(raw, "fallback", path, errors, required=not end)
        on_impatience = raw.get("on_impatience")
        if on_impatience is not None:
            gotos.append((str(on_impatience), line))
        stages[str(key)] = Stage(str(key), tuple(triggers), fallback, raw.get("patience"),
                                 str(on_impatience) if on_impatience else None, phase, end)
    start = str(data.get("start") or "")
    if start not in stages:
        errors.append(ContentError(path, f"script start {start!r} is not a stage", line_of(data)))
    for target, tline in gotos:
        if target not in stages:
            errors.append(ContentError(path, f"goto {target!r} names no stage", tline))
    if not any(stage.end for stage in stages.values()):
        errors.append(ContentError(path, "the script needs at least one stage with end: true", line_of(data)))
    if start in stages:
        reachable, todo = set(), [start]
        while todo:
            current = todo.pop()
            if current in reachable or current not in stages:
                continue
            reachable.add(current)
            stage = stages[current]
            todo.extend(t.goto for t in stage.triggers if t.goto)
            if stage.on_impatience:
                todo.append(stage.on_impatience)
        for key in stages:
            if key not in reachable:
                errors.append(ContentError(path, f"stage {key!r} cannot be reached from {start!r}",
                                           line_of(data["stages"].get(key), line_of(data))))
    return Script(start, stages)


def load_scenario(path: Path) -> Scenario:
    data = load_yaml(path)
    errors: list[ContentError] = []
    if not isinstance(data, dict):
        raise ContentError(path, "a scenario is a mapping", 1)
    key = str(data.get("key") or "")
    if key != path.stem:
        errors.append(ContentError(path, f"key {key!r} must equal the file name {path.stem!r}", line_of(data)))
    risk = data.get("risk")
    if risk not in RISK_LEVELS:
        errors.append(ContentError(path, f"risk must be one of {', '.join(RISK_LEVELS)}", line_of(data)))
    difficulty = data.get("difficulty")
    if difficulty not in (1, 2, 3):
        errors.append(ContentError(path, "difficulty must be 1, 2 or 3", line_of(data)))
    persona = data.get("persona") or {}
    for needed in ("name", "age", "background", "family", "writing_style"):
        if not persona.get(needed):
            errors.append(ContentError(path, f"persona has no {needed}", line_of(persona, line_of(data))))
    scenario = Scenario(
        key=key, title=bilingual(data, "title", path, errors=errors), risk=str(risk), difficulty=int(difficulty or 1),
        persona=dict(persona), presenting_problem=bilingual(data, "presenting_problem", path, errors=errors),
        underlying=bilingual(data, "underlying", path, errors=errors),
        risk_signals=_lines(data, "risk_signals", path, errors, required=risk in ("high", "acute")),
        learning_goals=_lines(data, "learning_goals", path, errors),
        trainer_instructions=bilingual(data, "trainer_instructions", path, errors=errors),
        opening_lines=_lines(data, "opening_lines", path, errors),
        script=_script(data.get("script"), path, errors), path=str(path),
    )
    if errors:
        raise ContentErrors(errors)
    return scenario


def load_all(folder: Path = SCENARIO_DIR) -> dict[str, Scenario]:
    found: dict[str, Scenario] = {}
    errors: list[ContentError] = []
    for path in sorted(folder.glob("*.yml")):
        try:
            scenario = load_scenario(path)
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        except ContentError as exc:
            errors.append(exc)
            continue
        found[scenario.key] = scenario
    if errors:
        raise ContentErrors(errors)
    return found


@cache
def scenarios() -> dict[str, Scenario]:
    """All scenarios, loaded once per process (files change only with a deploy)."""
    return load_all()
