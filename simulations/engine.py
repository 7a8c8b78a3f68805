"""The scripted virtual youth: a deterministic, offline state machine over a scenario's script.

Each counsellor message is analysed by the detectors; the first trigger of the current stage
whose conditions all hold fires: its reply lines are the youth's answer and its `goto` the
next stage. Nothing matching: the stage's fallback lines in turn, and after `patience`
misses in a row the youth moves to `on_impatience` (closing down, or leaving).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from simulations.detectors import detect, normalise
from simulations.scenarios import Scenario, Stage, Trigger


@dataclass
class YouthState:
    stage: str
    misses: int = 0
    fallback_index: int = 0
    turns: int = 0
    ended: bool = False
    visited: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> YouthState:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class YouthReply:
    lines: tuple[str, ...]
    state: YouthState
    ended: bool
    fired: frozenset[str]
    phase: str | None  # the phase the youth's new stage belongs to: the console's suggestion


class ScriptedYouth:
    def __init__(self, scenario: Scenario, lang: str = "nl") -> None:
        if scenario.script is None:
            raise ValueError(f"scenario {scenario.key} has no script")
        self.scenario = scenario
        self.script = scenario.script
        self.lang = lang if lang in ("nl", "en") else "nl"

    def start(self) -> tuple[tuple[str, ...], YouthState]:
        """The opening lines and the initial state."""
        state = YouthState(stage=self.script.start, visited=[self.script.start])
        return self.scenario.opening_lines[self.lang], state

    def _matches(self, trigger: Trigger, text: str, fired: frozenset[str]) -> bool:
        for condition in trigger.when:
            if condition == "pattern":
                clean = normalise(text)
                patterns = trigger.patterns.get(self.lang, ()) + trigger.patterns.get("en" if self.lang == "nl" else "nl", ())
                if not any(p.search(text) or p.search(clean) for p in patterns):
                    return False
            elif condition not in fired:
                return False
        return True

    def _stage(self, key: str) -> Stage:
        return self.script.stages[key]

    def respond(self, state: YouthState, text: str) -> YouthReply:
        """The youth's answer to one counsellor message."""
        fired = detect(text)
        state = YouthState.from_dict(state.to_dict())
        if state.ended:
            return YouthReply((), state, True, fired, None)
        stage = self._stage(state.stage)
        state.turns += 1
        lines: tuple[str, ...] = ()
        next_key = state.stage
        for trigger in stage.triggers:
            if self._matches(trigger, text, fired):
                lines = trigger.reply[self.lang]
                next_key = trigger.goto or state.stage
                state.misses = 0
                break
        else:
            fallback = stage.fallback.get(self.lang) or ()
            if fallback:
                lines = (fallback[state.fallback_index % len(fallback)],)
                state.fallback_index += 1
            state.misses += 1
            if stage.patience and stage.on_impatience and state.misses >= int(stage.patience):
                next_key = stage.on_impatience
        if next_key != state.stage:
            state.stage = next_key
            state.misses = 0
            state.fallback_index = 0
            state.visited.append(next_key)
        new_stage = self._stage(state.stage)
        state.ended = new_stage.end
        return YouthReply(tuple(lines), state, state.ended, fired, new_stage.phase)
