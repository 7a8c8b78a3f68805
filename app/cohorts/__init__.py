"""Cohorts: a trainer and a group of trainees; used by screening intake, courses and simulations."""

from app.cohorts.models import Cohort, CohortMember, CohortSession, IntakeEntry
from app.cohorts.profiles import register_profile_provider, weakest_dimensions
from app.cohorts.services import CohortError, add_to_intake, cohorts_of, enrol, waiting_intake

__all__ = ["Cohort", "CohortError", "CohortMember", "CohortSession", "IntakeEntry", "add_to_intake", "cohorts_of",
           "enrol", "register_profile_provider", "waiting_intake", "weakest_dimensions"]
