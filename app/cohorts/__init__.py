"""Cohorts: a trainer and a group of trainees; used by screening intake, courses and simulations."""

from app.cohorts.models import Cohort, CohortMember, IntakeEntry
from app.cohorts.services import CohortError, add_to_intake, cohorts_of, enrol, waiting_intake

__all__ = ["Cohort", "CohortError", "CohortMember", "IntakeEntry", "add_to_intake", "cohorts_of", "enrol",
           "waiting_intake"]
