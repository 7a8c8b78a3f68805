"""Reports for coordinators, the profile that feeds training, certification and data rights."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from app.assessment import Assessment
from app.certification import evaluate
from app.cohorts import Cohort, CohortMember
from app.extensions import db
from app.screening import services, weakest_dimensions
from app.screening.instrument import get_instrument
from app.screening.models import Application
from app.timeutil import freeze, utcnow
from tests.conftest import PASSWORD, sign_in_session


def _accept(app, coordinator, application, message="Welkom"):
    with app.test_request_context():
        services.decide(coordinator, application, "accepted", message)


def test_the_funnel_and_pass_rates_per_vignette(client, app, submitted, reviewed, coordinator, make_user):
    make_user("applicant")  # registered, never started
    submitted(best_replies=False)
    application = reviewed()
    _accept(app, coordinator, application)
    report = services.report(coordinator.institution_id)
    assert dict(report.funnel) == {"registered": 3, "started": 2, "submitted": 2, "scored": 1, "decided": 1,
                                   "accepted": 1}
    first = report.vignettes[0]
    assert first.answered == 2 and first.best == 0.5 and first.acceptable == 0.5
    assert [s.count for s in report.stages] == [2, 1, 1]
    sign_in_session(client, coordinator)
    page = client.get("/screening/reports").get_data(as_text=True)
    assert "Trechter" in page and "Slagingspercentages per chatsituatie" in page
    csv = client.get("/screening/reports.csv")
    assert csv.mimetype == "text/csv"
    assert "funnel,accepted,1" in csv.get_data(as_text=True)
    assert "vignette_best_reply," + get_instrument().vignettes[0].key + ",2,0.50,0.50" in csv.get_data(as_text=True)


def test_the_accepted_pool_is_shown_only_in_groups_of_at_least_five(app, client, submitted, reviewed, coordinator,
                                                                    make_user):
    for _ in range(6):
        _accept(app, coordinator, reviewed(application=submitted()))  # Arabisch + Nederlands, Marokkaans-Nederlands
    lonely = submitted()
    lonely.background = {**lonely.background, "languages": [{"language": "Tigrinya", "level": "moedertaal"}],
                         "cultural_background": "Eritrees"}
    db.session.commit()
    _accept(app, coordinator, reviewed(application=lonely))
    report = services.report(coordinator.institution_id)
    assert {g.label: g.count for g in report.languages.groups} == {"Nederlands": 6, "Arabisch": 6}
    assert report.languages.other is None and report.languages.hidden
    assert {g.label: g.count for g in report.backgrounds.groups} == {"Marokkaans-Nederlands": 6}
    sign_in_session(client, coordinator)
    page = client.get("/screening/reports").get_data(as_text=True)
    csv = client.get("/screening/reports.csv").get_data(as_text=True)
    assert "Tigrinya" not in page and "Eritrees" not in page and "Tigrinya" not in csv
    assert "Marokkaans-Nederlands" in page


def test_weakest_dimensions_for_the_course_and_the_trainer(app, client, submitted, reviewed, coordinator, make_user):
    application = submitted()
    inst = get_instrument()
    # Low on flexibility and emotional stability, high elsewhere.
    answers = {}
    for item in inst.items:
        low = item.dimension in ("flexibility", "emotional_stability")
        answers[item.key] = (5 if item.reverse else 1) if low else (1 if item.reverse else 5)
    application.scale_answers = answers
    application.scale_scores = services.score_scales(answers)
    db.session.commit()
    assert weakest_dimensions(application.user) == ["emotional_stability", "flexibility"]
    assert weakest_dimensions(application.user, n=1) == ["emotional_stability"]
    assert weakest_dimensions(make_user("applicant")) == []
    trainer = make_user("trainer")
    cohort = Cohort(name="Voorjaar", course_key="counsellor", institution_id=trainer.institution_id,
                    trainer_id=trainer.id, starts_on=utcnow().date())
    db.session.add(cohort)
    db.session.flush()
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=application.user_id))
    db.session.commit()
    sign_in_session(client, trainer)
    page = client.get("/screening/trainees").get_data(as_text=True)
    assert application.user.display_name in page and "Emotionele stabiliteit" in page and "Flexibiliteit" in page
    assert "Screeningsprofielen van je cursisten" in client.get("/dashboard").get_data(as_text=True)


def test_screening_passed_is_a_counsellor_requirement(app, submitted, reviewed, coordinator):
    application = reviewed()
    results = {req.key: result for req, result in evaluate(application.user, "counsellor")}
    assert results["screening_passed"].met is False
    _accept(app, coordinator, application)
    with app.test_request_context():
        results = {req.key: result for req, result in evaluate(application.user, "counsellor")}
    assert results["screening_passed"].met is True and results["screening_passed"].evidence


def test_dashboard_panels_per_role(client, submitted, coordinator, reviewers):
    application = submitted()
    services.assign_reviewer(coordinator, application, 1, reviewers[0])
    sign_in_session(client, reviewers[0])
    assert "1 screeningsaanmelding wacht op jouw beoordeling." in client.get("/dashboard").get_data(as_text=True)
    sign_in_session(client, coordinator)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "0 om over te beslissen, 1 wachten op een beoordelaar." in page
    sign_in_session(client, application.user)
    assert "Je screening wordt beoordeeld" in client.get("/dashboard").get_data(as_text=True)


def test_purge_deletes_old_rejected_and_withdrawn_applications(app, runner, submitted, reviewed, coordinator):
    rejected = reviewed()
    with app.test_request_context():
        services.decide(coordinator, rejected, "rejected", "Helaas.")
    withdrawn = submitted()
    services.withdraw(withdrawn.user, withdrawn)
    kept = reviewed(application=submitted())
    _accept(app, coordinator, kept)
    assert "Deleted 0" in runner.invoke(args=["screening", "purge"]).output
    try:
        freeze(utcnow() + timedelta(days=731))
        result = runner.invoke(args=["screening", "purge"])
    finally:
        freeze(None)
    assert result.exit_code == 0 and "Deleted 2" in result.output
    assert [a.id for a in db.session.scalars(select(Application))] == [kept.id]
    remaining = {a.subject_id for a in db.session.scalars(select(Assessment))}
    assert remaining == {answer.id for answer in kept.sample_answers}


def test_retention_follows_the_setting(app, runner, submitted):
    application = submitted()
    services.withdraw(application.user, application)
    app.config["SCREENING_RETENTION_DAYS"] = 10
    try:
        freeze(utcnow() + timedelta(days=11))
        assert "Deleted 1" in runner.invoke(args=["screening", "purge"]).output
    finally:
        freeze(None)


def test_account_deletion_and_export_include_the_screening(client, reviewed, coordinator, reviewers):
    application = reviewed()
    applicant = application.user
    sign_in_session(client, applicant)
    exported = json.loads(client.get("/account/data").get_data(as_text=True))
    assert exported["screening"]["applications"][0]["status"] == "scored"
    assert exported["screening"]["applications"][0]["written_samples"][0]["reply"]
    sign_in_session(client, reviewers[0])
    assert json.loads(client.get("/account/data").get_data(as_text=True))["screening"]["reviews_given"] == 1
    sign_in_session(client, applicant)
    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0
    assert db.session.scalar(select(func.count()).select_from(Assessment)) == 0


def test_training_reads_the_profile_through_app_cohorts(submitted):
    from app.cohorts import weakest_dimensions as from_cohorts

    application = submitted()
    assert from_cohorts(application.user, 2) == weakest_dimensions(application.user, 2)
    assert len(from_cohorts(application.user, 2)) == 2
