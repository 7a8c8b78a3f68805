"""Fixtures for simulations: a cohort with a trainer and trainees."""

from __future__ import annotations

from datetime import date

import pytest

from app.cohorts import Cohort, CohortMember
from app.extensions import db


@pytest.fixture
def cohort(make_user):
    trainer = make_user("counsellor", "trainer", display_name="Karim")
    trainees = [make_user("trainee", display_name=name) for name in ("Emre", "Noor", "Sem")]
    group = Cohort(name="Voorjaar", course_key="counsellor", trainer_id=trainer.id, starts_on=date(2026, 3, 1),
                   institution_id=trainer.institution_id)
    group.members = [CohortMember(user_id=t.id) for t in trainees]
    db.session.add(group)
    db.session.commit()
    return trainer, trainees
