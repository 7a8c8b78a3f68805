"""Automatic scoring of scales and vignettes, the reviewers' rounds and their agreement."""

from __future__ import annotations

import pytest

from app.assessment import Assessment
from app.extensions import db
from app.screening import services
from app.screening.instrument import get_instrument
from app.screening.models import SCORED, SUBMITTED, THIRD
from tests.screening.conftest import levels


def test_reverse_items_count_the_other_way_round():
    inst = get_instrument()
    # Agreeing fully with everything: 5 on normal items, 1 on reverse items.
    scores = services.score_scales({item.key: 5 for item in inst.items})
    for dimension in inst.dimensions:
        reverse = sum(item.reverse for item in dimension.items)
        expected = (5 * (len(dimension.items) - reverse) + 1 * reverse) / len(dimension.items)
        assert scores[dimension.key] == round(expected, 2)
    # Someone who agrees only with the reverse items scores the lowest possible.
    lowest = services.score_scales({item.key: 5 if item.reverse else 1 for item in inst.items})
    assert set(lowest.values()) == {1.0}


def test_vignettes_score_by_the_expert_key():
    inst = get_instrument()
    best = {v.key: next(o.key for o in v.options if o.score == 3) for v in inst.vignettes}
    assert services.score_vignettes(best) == (3 * len(inst.vignettes), 3 * len(inst.vignettes))
    worst = {v.key: next(o.key for o in v.options if o.score == 0) for v in inst.vignettes}
    assert services.score_vignettes(worst)[0] == 0


def test_submitting_stores_the_automatic_scores(submitted):
    application = submitted(scale_value=4)
    assert application.status == SUBMITTED
    assert application.vignette_score == application.vignette_max == 3 * len(get_instrument().vignettes)
    # 4 on every statement: normal items 4, reverse items 2.
    assert 2 < application.scale_scores["flexibility"] < 4


def test_a_difference_of_one_level_needs_no_third_reviewer(reviewed):
    application = reviewed(first=3, second=2)
    assert application.status == SCORED
    assert not services.needs_third_review(application)
    assert all(answer.final_scores == dict.fromkeys(answer.final_scores, 2.5)
               for answer in application.sample_answers)


def test_a_difference_of_two_levels_calls_a_third_reviewer_and_the_median_decides(reviewed, coordinator, make_user):
    first = {"welcome": 4, "clarify": 3, "work": 3, "intercultural": 3, "writing": 3}
    second = {**first, "welcome": 2}
    application = reviewed(first=first, second=second)
    assert application.status == SUBMITTED and services.needs_third_review(application)
    third = make_user("counsellor")
    services.assign_reviewer(coordinator, application, THIRD, third)
    services.submit_review(third, application.review(THIRD), levels({**first, "welcome": 2}))
    db.session.refresh(application)
    assert application.status == SCORED
    for answer in application.sample_answers:
        assert answer.final_scores["welcome"] == 2.0  # median of 4, 2, 2
        assert answer.final_scores["clarify"] == 3.0


def test_the_criteria_are_the_rubric_sample_criteria(reviewed):
    application = reviewed()
    stored = db.session.scalars(db.select(Assessment).where(Assessment.subject_type == "screening_sample")).all()
    assert {a.rubric_key for a in stored} == {"chat"}
    assert all(set(a.scores) == {"welcome", "clarify", "work", "intercultural", "writing"} for a in stored)
    assert len(stored) == 2 * len(application.sample_answers)


def test_agreement_is_quadratic_weighted_kappa_pooled_over_applications(reviewed, submitted, make_user):
    reviewed(first=3, second=3)
    reviewed(first=2, second=2, application=submitted())
    reviewed(first=4, second=3, application=submitted())
    rows = {row.criterion: row for row in services.agreement(None)}
    samples = len(get_instrument().samples)
    assert rows["welcome"].pairs == 3 * samples
    assert rows["welcome"].kappa == pytest.approx(0.8, abs=0.2) and rows["welcome"].kappa < 1
    assert rows["welcome"].exact == pytest.approx(2 / 3)
