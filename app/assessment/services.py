"""Writing assessments, and the statistics assessors are measured by."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from app.assessment.models import Assessment
from app.assessment.rubric import get_rubric
from app.extensions import db
from app.timeutil import utcnow


def submit_assessment(*, rubric_key: str, subject_type: str, subject_id: int, assessor_id: int | None,
                      scores: dict, comments: dict | None = None, summary: str = "", round: int = 1,
                      criteria: tuple[str, ...] | None = None, decide_pass: bool = True) -> Assessment:
    """Validate scores against the rubric and store them as submitted (the caller commits).

    Raises ValueError with a message naming the criterion when a score is missing or out of range.
    """
    rubric = get_rubric(rubric_key)
    clean = rubric.validate_scores(scores, keys=criteria)
    assessment = Assessment(
        rubric_key=rubric.key, rubric_version=rubric.version, subject_type=subject_type,
        subject_id=subject_id, round=round, assessor_id=assessor_id, scores=clean,
        comments={k: str(v).strip() for k, v in (comments or {}).items() if k in clean and str(v).strip()},
        summary=summary.strip(), passed=rubric.passes(clean) if decide_pass else None,
        submitted_at=utcnow(),
    )
    db.session.add(assessment)
    return assessment


def median_scores(score_sets: Sequence[dict[str, int]]) -> dict[str, float]:
    """Per criterion, the median over several assessors (e.g. three reviewers)."""
    keys = set().union(*score_sets) if score_sets else set()
    return {key: float(median(s[key] for s in score_sets if key in s)) for key in sorted(keys)}


def quadratic_weighted_kappa(first: Sequence[int], second: Sequence[int], levels: Sequence[int]) -> float | None:
    """Agreement between two raters on an ordinal scale (Cohen's kappa, quadratic weights).

    Returns None when there are no pairs or when expected disagreement is zero (both raters
    always gave one and the same level: agreement is undefined, not perfect).
    """
    if len(first) != len(second):
        raise ValueError("both raters need the same number of ratings")
    if not first:
        return None
    levels = sorted(levels)
    index = {level: i for i, level in enumerate(levels)}
    k = len(levels)
    n = len(first)
    observed = [[0.0] * k for _ in range(k)]
    for a, b in zip(first, second, strict=True):
        observed[index[a]][index[b]] += 1
    hist_a = [sum(row) for row in observed]
    hist_b = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    weight = [[((i - j) ** 2) / ((k - 1) ** 2) for j in range(k)] for i in range(k)]
    num = sum(weight[i][j] * observed[i][j] for i in range(k) for j in range(k)) / n
    den = sum(weight[i][j] * hist_a[i] * hist_b[j] for i in range(k) for j in range(k)) / (n * n)
    if den == 0:
        return None
    return 1.0 - num / den


def mean_absolute_difference(scores: dict[str, int], reference: dict[str, int]) -> dict[str, float]:
    """Per criterion, |score - reference| (used by the trainers' calibration exercise)."""
    return {key: abs(int(scores[key]) - int(reference[key])) for key in reference if key in scores}
