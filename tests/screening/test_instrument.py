"""The instrument files: the real ones load; a broken one is reported with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.contentfiles import ContentErrors
from app.screening.instrument import DIMENSIONS, INSTRUMENT_DIR, load_instrument


def test_the_instrument_has_five_scales_twelve_vignettes_and_three_samples():
    inst = load_instrument()
    assert [d.key for d in inst.dimensions] == list(DIMENSIONS)
    for dimension in inst.dimensions:
        assert len(dimension.items) >= 8
        assert any(item.reverse for item in dimension.items)
        assert all(item.text["nl"] and item.text["en"] for item in dimension.items)
    assert len(inst.vignettes) >= 12
    for vignette in inst.vignettes:
        assert sorted(o.score for o in vignette.options).count(3) == 1 and len(vignette.options) == 4
        assert vignette.rationale["nl"] and vignette.rationale["en"]
    assert len(inst.samples) >= 3
    assert {q.type for q in inst.questions} >= {"languages", "text", "textarea", "choice"}
    # Items are mixed across the scales so no page reads as one trait.
    assert [i.dimension for i in inst.items_interleaved[:5]] == list(DIMENSIONS)


@pytest.fixture
def broken(tmp_path) -> Path:
    target = tmp_path / "instrument"
    shutil.copytree(INSTRUMENT_DIR, target)
    return target


def _replace(path: Path, old: str, new: str, count: int = 1) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def _errors(directory: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_instrument(directory)
    return [str(e) for e in caught.value.errors]


def test_a_vignette_with_two_best_replies_and_a_score_out_of_range_is_named_with_its_line(broken):
    path = broken / "vignettes.yml"
    _replace(path, "        score: 1\n", "        score: 3\n")  # v01 now has two 3s
    line = _replace(path, "        score: 0\n", "        score: 7\n")
    errors = _errors(broken)
    assert any("v01-broer-station" in e and "exactly one option with score 3" in e and str(path) in e
               for e in errors), errors
    assert any(e.startswith(f"{path}:{line - 1}:") and "score must be 0, 1, 2 or 3" in e for e in errors), errors


def test_a_scale_with_too_few_items_or_a_missing_language_is_reported(broken):
    path = broken / "scales.yml"
    text = path.read_text(encoding="utf-8")
    # Drop the last item of cultural empathy (ce9): 8 items stay; drop ce8 as well: 7.
    start = text.index("      - key: ce8")
    end = text.index("  - key: open_mindedness")
    path.write_text(text[:start] + "\n" + text[end:], encoding="utf-8")
    line = _replace(path, '        en: "I like hearing how other families', '        fr: "I like hearing how other families')
    errors = _errors(broken)
    assert any("dimension 'cultural_empathy' has 7 items; it needs at least 8" in e for e in errors), errors
    assert any(e.startswith(f"{path}:{line - 2}:") and "item 'om1' has no en text" in e for e in errors), errors


def test_reverse_items_must_exist_and_background_needs_its_languages_question(broken):
    scales = broken / "scales.yml"
    scales.write_text(scales.read_text(encoding="utf-8").replace("reverse: true", "reverse: false"), encoding="utf-8")
    background = broken / "background.yml"
    _replace(background, "type: languages", "type: text")
    errors = _errors(broken)
    assert sum("needs some reverse-scored items" in e for e in errors) == 5, errors
    assert any(str(background) in e and "exactly one question of type languages" in e for e in errors), errors


def test_invalid_yaml_and_an_unknown_rubric_name_the_file(broken):
    _replace(broken / "samples.yml", "    rubric: chat\n", "    rubric: nonsense\n")
    (broken / "background.yml").write_text("questions:\n  - key: x\n   type: [\n", encoding="utf-8")
    errors = _errors(broken)
    assert any("samples.yml" in e and "rubric 'nonsense' does not exist" in e for e in errors), errors
    assert any("background.yml:" in e and "invalid YAML" in e for e in errors), errors


def test_flask_screening_check_reports_ok_and_errors(runner, broken):
    ok = runner.invoke(args=["screening", "check"])
    assert ok.exit_code == 0 and "5 dimensions" in ok.output and "reverse-scored" in ok.output
    _replace(broken / "vignettes.yml", "        score: 1\n", "        score: 3\n")
    bad = runner.invoke(args=["screening", "check", "--directory", str(broken)])
    assert bad.exit_code == 1 and "vignettes.yml:" in bad.output and "exactly one option with score 3" in bad.output
