"""The shared rubric: loading with file:line errors, validating scores, pass rule, agreement."""

from __future__ import annotations

import pytest

from app.assessment import (
    get_rubric,
    load_rubric,
    median_scores,
    quadratic_weighted_kappa,
    submit_assessment,
)
from app.contentfiles import ContentErrors
from app.extensions import db


def test_the_chat_rubric_has_the_five_phases_and_more():
    rubric = get_rubric("chat")
    assert rubric.criterion_keys == ("welcome", "clarify", "goal", "work", "close", "intercultural", "risk", "writing")
    assert rubric.level_values == (1, 2, 3, 4)
    assert {c.key for c in rubric.sample_criteria} == {"welcome", "clarify", "work", "intercultural", "writing"}
    assert all(c.levels[level]["nl"] and c.levels[level]["en"] for c in rubric.criteria for level in (1, 2, 3, 4))


def test_a_broken_rubric_names_file_and_line(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text(
        "key: bad\ntitle: {nl: Slecht, en: Bad}\nlevels:\n  - {value: 1, nl: a, en: a}\n  - {value: 2, nl: b, en: b}\n"
        "criteria:\n  - key: one\n    title: {nl: Een, en: One}\n    levels:\n      1: {nl: x, en: x}\n"
    )
    with pytest.raises(ContentErrors) as error:
        load_rubric(path)
    assert f"{path}:10: criterion 'one' has no anchor in nl and en for level 2" in str(error.value)


def test_scores_must_cover_every_criterion_with_a_known_level():
    rubric = get_rubric("chat")
    full = dict.fromkeys(rubric.criterion_keys, 3)
    assert rubric.validate_scores(full) == full
    with pytest.raises(ValueError, match="without a score: risk"):
        rubric.validate_scores({k: 3 for k in rubric.criterion_keys if k != "risk"})
    with pytest.raises(ValueError, match="must be one of"):
        rubric.validate_scores({**full, "risk": 7})
    with pytest.raises(ValueError, match="unknown criteria: charm"):
        rubric.validate_scores({**full, "charm": 4})


def test_pass_rule_needs_a_mean_of_2_5_and_no_level_1():
    rubric = get_rubric("chat")
    keys = rubric.criterion_keys
    assert rubric.passes(dict.fromkeys(keys, 3))
    assert not rubric.passes({**dict.fromkeys(keys, 4), "risk": 1})
    assert not rubric.passes(dict.fromkeys(keys, 2))


def test_median_of_three_reviewers():
    assert median_scores([{"a": 1, "b": 4}, {"a": 3, "b": 4}, {"a": 4, "b": 2}]) == {"a": 3.0, "b": 4.0}


def test_quadratic_weighted_kappa():
    assert quadratic_weighted_kappa([1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]) == pytest.approx(1.0)
    assert quadratic_weighted_kappa([1, 2, 3, 4], [4, 3, 2, 1], [1, 2, 3, 4]) == pytest.approx(-1.0)
    # Worked by hand: observed weighted disagreement (2/9)/4 over expected (34/9)/16 gives 13/17.
    assert quadratic_weighted_kappa([1, 2, 3, 3], [1, 3, 3, 4], [1, 2, 3, 4]) == pytest.approx(13 / 17)
    assert quadratic_weighted_kappa([], [], [1, 2, 3, 4]) is None
    assert quadratic_weighted_kappa([2, 2], [2, 2], [1, 2, 3, 4]) is None


def test_an_assessment_is_stored_with_its_pass_decision(app, make_user):
    trainer = make_user("trainer")
    scores = dict.fromkeys(get_rubric("chat").criterion_keys, 3)
    assessment = submit_assessment(rubric_key="chat", subject_type="simulation", subject_id=1,
                                   assessor_id=trainer.id, scores=scores, comments={"risk": " Goed gevraagd "})
    db.session.commit()
    assert assessment.passed is True and assessment.mean == 3.0 and assessment.comments == {"risk": "Goed gevraagd"}
