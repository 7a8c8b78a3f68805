"""Assessment: the rubric files and scored assessments, one rubric for training and review."""

from app.assessment.models import Annotation, Assessment
from app.assessment.rubric import Criterion, Rubric, get_rubric, load_rubric
from app.assessment.services import (
    mean_absolute_difference,
    median_scores,
    quadratic_weighted_kappa,
    submit_assessment,
)

__all__ = [
    "Annotation", "Assessment", "Criterion", "Rubric", "get_rubric", "load_rubric", "mean_absolute_difference",
    "median_scores", "quadratic_weighted_kappa", "submit_assessment",
]
