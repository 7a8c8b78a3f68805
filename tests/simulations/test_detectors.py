"""The counsellor-line detectors: labelled set, measured floors, and lines a trainer would recognise.

Floors sit a little under the figures measured on 2026-11-23 (docs/detectors.md), so a change
to the rules that loses precision or recall fails here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simulations.detectors import (
    DETECTORS,
    detect,
    load_labelled,
    measure,
    normalise,
    report,
    sentences,
)

ROOT = Path(__file__).resolve().parents[2]

# (precision, recall) floors on the full labelled set; measured figures in docs/detectors.md.
FLOORS = {
    "open_question": (0.95, 0.95),
    "closed_question": (0.95, 0.95),
    "reflection": (0.95, 0.93),
    "safety_question": (0.95, 0.95),
    "goal_question": (0.90, 0.95),
    "advice": (0.92, 0.95),
    "greeting": (0.95, 0.95),
    "closing": (0.95, 0.95),
}


@pytest.fixture(scope="module")
def labelled() -> list[dict]:
    return load_labelled()


def test_the_labelled_file_loads_with_enough_lines_in_both_languages(labelled):
    assert len(labelled) >= 150
    by_lang = {lang: [i for i in labelled if i["lang"] == lang] for lang in ("nl", "en")}
    assert {i["lang"] for i in labelled} == {"nl", "en"}
    assert all(len(lines) >= 100 for lines in by_lang.values())
    for item in labelled:
        assert item["text"].strip()
        assert set(item["labels"] or []) <= set(DETECTORS), item
    for name in DETECTORS:
        for lang, lines in by_lang.items():
            assert any(name in (i["labels"] or []) for i in lines), f"{name} has no {lang} example"


def test_every_detector_has_a_floor():
    assert set(FLOORS) == set(DETECTORS)


@pytest.mark.parametrize("name", DETECTORS)
def test_each_detector_meets_its_floor_on_the_full_set(labelled, name):
    row = measure(labelled)[name]
    floor_p, floor_r = FLOORS[name]
    assert row["precision"] >= floor_p, row
    assert row["recall"] >= floor_r, row


@pytest.mark.parametrize("name", DETECTORS)
def test_the_held_out_half_meets_the_target(labelled, name):
    """Rules were tuned on the even-index lines; the odd-index lines must still do well."""
    row = measure(labelled[1::2])[name]
    assert row["precision"] >= 0.85, row
    assert row["recall"] >= 0.80, row


@pytest.mark.parametrize(("text", "present", "absent"), [
    # Open questions, also as a polite yes/no form or without a question mark.
    ("Kun je daar meer over vertellen?", {"open_question"}, {"closed_question"}),
    ("Hoe ging het vandaag op school", {"open_question"}, {"closed_question"}),
    ("Vertel eens, wat gebeurde er daarna?", {"open_question"}, {"advice"}),
    ("What was it like when your dad came home?", {"open_question"}, {"closed_question"}),
    # Closed questions: Dutch inversion, English auxiliary first, a choice, a tag.
    ("Heeft je broer dit ook gezien?", {"closed_question"}, {"open_question"}),
    ("Do your friends know?", {"closed_question"}, {"open_question", "advice"}),
    ("Wie is er strenger, je vader of je moeder?", {"closed_question"}, {"open_question"}),
    # A reflection said as a question is both.
    ("Dus je bent boos?", {"closed_question", "reflection"}, {"open_question"}),
    ("Je voelt je vooral alleen, klopt dat?", {"closed_question", "reflection"}, set()),
    ("It sounds like nobody at home listens to you.", {"reflection"}, {"closed_question"}),
    ("Sinds de verhuizing heb je op school geen vrienden meer.", {"reflection"}, set()),
    # Sympathy or praise that names nothing of theirs is not a reflection.
    ("Wat erg!!", set(), {"reflection", "open_question"}),
    ("Wat knap dat je dit durft te vertellen.", set(), {"reflection", "open_question"}),
    # Safety questions.
    ("Denk je er weleens aan om een eind aan je leven te maken?", {"safety_question", "closed_question"}, set()),
    ("Ben je nu alleen thuis?", {"safety_question"}, set()),
    ("Does anyone at home hurt you?", {"safety_question", "closed_question"}, set()),
    ("Als je in gevaar bent, bel dan 112.", {"advice"}, {"safety_question"}),
    ("Is je opa dood?", {"closed_question"}, {"safety_question"}),
    ("Did you find out your grades?", {"closed_question"}, {"safety_question"}),
    # Goals.
    ("Wat zou je willen dat er na dit gesprek anders is?", {"goal_question", "open_question"}, set()),
    ("Shall we look at what you could say to your teacher?", {"goal_question"}, {"advice"}),
    # Advice, also as a suggestion question.
    ("Je moet gewoon met je mentor praten", {"advice"}, {"reflection", "closed_question"}),
    ("Heb je er al aan gedacht om je tante te bellen?", {"advice", "closed_question"}, set()),
    ("Wat als je het eerst opschrijft?", {"advice"}, {"open_question", "closed_question"}),
    ("Why don't you just ignore him?", {"advice"}, {"open_question", "closed_question"}),
    ("Je kunt ook de Kindertelefoon bellen.", {"advice"}, {"reflection"}),
    ("Neem je tijd, ik wacht.", set(), {"advice", "closed_question"}),
    # Greeting and closing.
    ("Hoi :) welkom bij de chat. Waar wil je het over hebben?", {"greeting", "open_question"}, set()),
    ("Thanks for chatting, take care!", {"closing"}, set()),
    ("Je kunt altijd terugkomen. Doei!", {"closing"}, {"advice", "reflection"}),
    ("Thanks for telling me.", set(), {"closing"}),
    ("Hoe was het gesprek met je vader?", {"open_question"}, {"closing", "goal_question"}),
])
def test_lines_a_trainer_would_recognise(text, present, absent):
    found = detect(text)
    assert present <= found, (text, sorted(found))
    assert not (absent & found), (text, sorted(found))


def test_the_public_helpers_behave():
    assert detect("") == frozenset()
    assert isinstance(detect("Hoe gaat het?"), frozenset)
    assert detect("Hoe gaat het?") == detect("  HOE gaat   het? ")
    assert normalise("  Oké ’goed’ ") == "oke 'goed'"
    assert sentences("hoi :) hoe gaat het? goed.") == ["hoi", "hoe gaat het?", "goed."]


def test_the_module_prints_the_table_it_documents():
    table = report()
    for name in DETECTORS:
        assert f"| {name} |" in table
    done = subprocess.run([sys.executable, "-m", "simulations.detectors"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    assert "| detector | held-out P |" in done.stdout
