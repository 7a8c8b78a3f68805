"""The risk detector (Flask-free): normalising, false friends, levels, and list errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.contentfiles import ContentErrors
from app.risk import RiskDetector, load_detector, normalise
from tests.live_help.conftest import RISK_LISTS


@pytest.fixture
def detector(tmp_path) -> RiskDetector:
    for name, body in RISK_LISTS.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    return load_detector(tmp_path)


def test_normalising_folds_case_accents_repeats_and_chat_spelling():
    forms = normalise("ZELFMOORDDD  wíl ik, k weet t nie")
    assert "zelfmoord wil ik, ik weet het niet" in forms


@pytest.mark.parametrize(("text", "level", "categories"), [
    ("ik denk aan zelfmoord", "acute", ("suicide",)),
    ("ZELFMOORDDDD", "acute", ("suicide",)),
    ("ik wil níet meer leven", "acute", ("suicide",)),
    ("i want to die", "acute", ("suicide",)),
    ("mijn vader slaat mij", "high", ("abuse",)),
    ("mijn vader slaat mij en ik wil niet meer leven", "acute", ("suicide", "abuse")),
    ("ik ging dood van het lachen", "none", ()),
    ("dying of laughter at this", "none", ()),
    ("hoe laat gaat de chat open?", "none", ()),
    ("", "none", ()),
])
def test_the_detector_returns_level_and_categories(detector, text, level, categories):
    result = detector.detect(text)
    assert (result.level, result.categories) == (level, categories)


def test_a_false_friend_does_not_hide_a_real_risk_in_the_same_message(detector):
    result = detector.detect("ik ging dood van het lachen maar eigenlijk denk ik aan zelfmoord")
    assert result.level == "acute"


def test_broken_lists_are_named_by_file_and_line(tmp_path):
    (tmp_path / "bad.yml").write_text("key: bad\nlevel: extreme\ntitle: {nl: Slecht, en: Bad}\n"
                                      "patterns:\n  nl: ['(ongesloten']\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_detector(tmp_path)
    message = str(caught.value)
    assert "bad.yml:1: level must be one of low, medium, high, acute, not 'extreme'" in message
    assert "bad.yml:5: pattern '(ongesloten' (nl):" in message


def test_the_detector_does_not_use_flask():
    from pathlib import Path

    import app.risk

    for path in Path(app.risk.__file__).parent.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "import flask" not in source and "from flask" not in source, path


def test_the_real_lists_find_every_risk_line_of_the_labelled_set():
    import yaml

    from app.risk import LEVELS, default_detector

    rows = yaml.safe_load((Path(__file__).resolve().parents[2] / "app" / "risk" / "labelled.yml").read_text())
    detector = default_detector()
    missed = [r["text"] for r in rows if r["level"] != "none" and not detector.detect(r["text"]).is_risk]
    false_alarms = [r["text"] for r in rows if r["level"] == "none" and detector.detect(r["text"]).is_risk]
    too_low = [r["text"] for r in rows if r["level"] != "none"
               and LEVELS.index(detector.detect(r["text"]).level) < LEVELS.index(r["level"]) - 1]
    assert missed == [] and too_low == []
    assert len(false_alarms) <= 0.05 * sum(1 for r in rows if r["level"] == "none")
