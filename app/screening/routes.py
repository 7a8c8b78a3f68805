"""Screening pages: the applicant's steps, the reviewers' scoring, the coordinators' decisions and reports."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import User
from app.assessment import get_rubric
from app.cohorts import Cohort, CohortMember
from app.extensions import db
from app.formtools import choices
from app.languages import LANGUAGES
from app.permissions import can, policy, roles_required, same_institution
from app.screening import forms, services
from app.screening.models import (
    DECISIONS,
    FIRST,
    SCORED,
    SECOND,
    SUBMITTED,
    THIRD,
    WAITLISTED,
    Application,
    Review,
)

bp = Blueprint("screening", __name__, url_prefix="/screening", template_folder="templates")

REVIEWERS = services.REVIEWER_ROLES


def _lang() -> str:
    return services._lang()  # noqa: SLF001 - one place decides nl/en for content fields


# --- policies -----------------------------------------------------------------------------
@policy("review_screening")
def _may_review(user, review: Review) -> bool:
    return review.reviewer_id == user.id and review.application.user_id != user.id


@policy("manage_screening_application")
def _may_manage(user, application: Application) -> bool:
    if application.user_id == user.id and not user.has_role("admin"):
        return False
    return user.has_role("admin") or (user.has_role("coordinator")
                                      and same_institution(user, application.institution_id))


@policy("view_screening_profile")
def _may_view_profile(user, person: User) -> bool:
    if user.has_role("admin"):
        return True
    if user.has_role("coordinator") and same_institution(user, person.institution_id):
        return True
    return user.has_role("trainer") and db.session.scalar(
        select(CohortMember.id).join(Cohort).where(Cohort.trainer_id == user.id, CohortMember.user_id == person.id)
    ) is not None


# --- the applicant ------------------------------------------------------------------------
@bp.route("/")
@roles_required("applicant")
def index():
    application = services.current_application(current_user)
    return render_template(
        "screening/index.html", application=application, inst=services.instrument(), lang=_lang(),
        steps=services.steps(application) if application else [], step_titles=services.STEP_TITLES,
        status_labels=services.STATUS_LABELS, next_attempt=services.next_attempt_date(current_user),
        form=forms.ActionForm(),
    )


@bp.route("/start", methods=["POST"])
@roles_required("applicant")
def start():
    if forms.ActionForm().validate_on_submit():
        try:
            services.start_application(current_user)
        except services.ScreeningError as error:
            flash(str(error), "error")
            return redirect(url_for("screening.index"))
        return redirect(url_for("screening.step", step="background"))
    return redirect(url_for("screening.index"))


def _draft_or_redirect():
    application = services.current_application(current_user)
    if application is None or application.status != "draft":
        flash(_("There is no screening in progress to fill in."), "info")
        return None
    return application


def _keyed(prefix: str) -> dict[str, str]:
    """Form fields named `prefix:key` as {key: value}; keys the instrument lacks are kept, to be refused."""
    return {name.split(":", 1)[1]: value for name, value in request.form.items() if name.startswith(prefix + ":")}


@bp.route("/step/<step>", methods=["GET", "POST"])
@roles_required("applicant")
def step(step: str):
    if step not in services.STEPS:
        abort(404)
    application = _draft_or_redirect()
    if application is None:
        return redirect(url_for("screening.index"))
    inst = services.instrument()
    lang = _lang()
    following = services.STEPS.index(step) + 1
    next_url = (url_for("screening.step", step=services.STEPS[following]) if following < len(services.STEPS)
                else url_for("screening.index"))
    context = {"application": application, "inst": inst, "lang": lang, "step": step,
               "steps": services.steps(application), "step_titles": services.STEP_TITLES}
    if step == "background":
        return _background_step(application, inst, lang, next_url, context)
    form = forms.ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        saver, prefix = {"scales": (services.save_scale_answers, "item"),
                         "vignettes": (services.save_vignette_answers, "vignette"),
                         "samples": (services.save_sample_answers, "sample")}[step]
        try:
            saver(application, _keyed(prefix))
        except services.ScreeningError as error:
            flash(str(error), "error")
            return render_template(f"screening/step_{step}.html", form=form, **context), 400
        current = next(s for s in services.steps(application) if s.key == step)
        if request.form.get("action") == "next" and not current.complete:
            flash(_("Saved. %(n)d of %(total)d answered: answer all of them to go on.",
                    n=current.done, total=current.total), "error")
            context["steps"] = services.steps(application)
            return render_template(f"screening/step_{step}.html", form=form, incomplete=True, **context)
        if request.form.get("action") == "next":
            return redirect(next_url)
        flash(_("Saved. You can come back later and go on where you left off."), "success")
        return redirect(url_for("screening.step", step=step))
    return render_template(f"screening/step_{step}.html", form=form, **context)


def _background_step(application, inst, lang, next_url, context):
    form_class = forms.background_form_class(inst, lang)
    question = form_class.languages_question
    data = dict(application.background)
    rows = data.get(question.key) or []
    data[question.key] = rows + [{}] * max(0, forms.LANGUAGE_ROWS - len(rows))
    data["consent"] = bool(str(application.background.get("cultural_background") or "").strip())
    form = form_class(data=data) if request.method == "GET" else form_class()
    if form.validate_on_submit():
        answers = {}
        for q in inst.questions:
            value = form[q.key].data
            if q.type == "languages":
                value = [{"language": row.get("language") or "", "level": row.get("level") or ""} for row in value]
            answers[q.key] = value
        if not form.consent.data and "cultural_background" in answers:
            answers["cultural_background"] = ""
        try:
            services.save_background(application, answers)
        except services.ScreeningError as error:
            flash(str(error), "error")
        else:
            return redirect(next_url)
    return render_template("screening/step_background.html", form=form, languages_field=form[question.key],
                           known_languages=[str(name) for name in LANGUAGES.values()], **context)


@bp.route("/submit", methods=["POST"])
@roles_required("applicant")
def submit():
    application = services.current_application(current_user)
    if forms.ActionForm().validate_on_submit():
        try:
            if application is None:
                raise services.ScreeningError(_("There is no screening to submit yet."))
            services.submit_application(current_user, application)
        except services.ScreeningError as error:
            flash(str(error), "error")
        else:
            flash(_("Submitted. Thank you! You can follow your application on this page."), "success")
    return redirect(url_for("screening.index"))


@bp.route("/withdraw", methods=["POST"])
@roles_required("applicant")
def withdraw():
    application = services.current_application(current_user)
    if forms.ActionForm().validate_on_submit():
        try:
            if application is None:
                raise services.ScreeningError(_("There is no application to withdraw."))
            services.withdraw(current_user, application)
        except services.ScreeningError as error:
            flash(str(error), "error")
        else:
            flash(_("Your application is withdrawn. You can also delete your screening data now."), "info")
    return redirect(url_for("screening.index"))


@bp.route("/delete", methods=["GET", "POST"])
@roles_required("applicant")
def delete_data():
    form = forms.DeleteDataForm()
    if form.validate_on_submit():
        try:
            services.delete_screening_data(current_user)
        except services.ScreeningError as error:
            flash(str(error), "error")
        else:
            flash(_("Your screening data has been deleted."), "info")
            return redirect(url_for("screening.index"))
    return render_template("screening/delete.html", form=form)


# --- reviewers ------------------------------------------------------------------------
@bp.route("/reviews")
@roles_required(*REVIEWERS)
def reviews():
    return render_template("screening/reviews.html", pending=services.pending_reviews(current_user),
                           done=services.done_reviews(current_user))


def _get_review(review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    if not can(current_user, "review_screening", review):
        abort(403)
    return review


@bp.route("/reviews/<int:review_id>", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def review(review_id: int):
    review = _get_review(review_id)
    form = forms.ActionForm()
    status = 200
    given: dict[str, dict[str, str]] = {}
    if request.method == "POST" and form.validate_on_submit():
        for name, value in request.form.items():
            parts = name.split(":")
            if parts[0] == "score" and len(parts) == 3:
                given.setdefault(parts[1], {})[parts[2]] = value
        comments = {name.split(":", 1)[1]: value for name, value in request.form.items()
                    if name.startswith("comment:")}
        try:
            services.submit_review(current_user, review, given, comments)
        except services.ScreeningError as error:
            db.session.rollback()
            flash(str(error), "error")
            status = 400
        else:
            flash(_("Thank you: your scores are in."), "success")
            return redirect(url_for("screening.review", review_id=review.id))
    application = review.application
    inst = services.instrument()
    show_all = review.is_done and services.may_see_all_scores(current_user, application)
    return render_template(
        "screening/review.html", review=review, application=application, inst=inst, lang=_lang(),
        samples=services.samples_for(review) if not review.is_done else application.sample_answers,
        rubric=get_rubric("chat"), own=services.review_scores(review) if review.is_done else {},
        all_scores=_all_scores(application) if show_all else None, given=given, form=form,
        may_score=not review.is_done and application.status == SUBMITTED,
    ), status


def _all_scores(application: Application) -> dict[int, dict[str, dict[str, int]]]:
    return {r.round: services.review_scores(r) for r in application.reviews if r.is_done}


# --- coordinators ----------------------------------------------------------------------
def _scope() -> int | None:
    return None if current_user.has_role("admin") else current_user.institution_id


@bp.route("/applications")
@roles_required("coordinator")
def applications():
    query = select(Application).where(Application.status != "draft").order_by(Application.submitted_at.desc())
    if _scope() is not None:
        query = query.where(Application.institution_id == _scope())
    found = [a for a in db.session.scalars(query) if can(current_user, "manage_screening_application", a)]
    return render_template("screening/applications.html", applications=found,
                           agreement=services.agreement(_scope()), lang=_lang(),
                           status_labels=services.STATUS_LABELS, services=services)


def _get_application(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    if not can(current_user, "manage_screening_application", application):
        abort(403)
    return application


@bp.route("/applications/<int:application_id>")
@roles_required("coordinator")
def application(application_id: int):
    application = _get_application(application_id)
    return _render_application(application)


def _render_application(application: Application, *, assign_form=None, decision_form=None, status: int = 200):
    inst = services.instrument()
    assign_form = assign_form or forms.AssignReviewerForm()
    rounds = [FIRST, SECOND]
    if services.first_two_in(application) and services.needs_third_review(application):
        rounds.append(THIRD)
    assign_form.round.choices = choices((r, str(r)) for r in rounds)
    eligible = services.eligible_reviewers(application)
    assign_form.reviewer.choices = choices([(0, "—")] + [(u.id, f"{u.display_name} ({u.email})") for u in eligible])
    decision_form = decision_form or forms.DecisionForm()
    show_scores = services.may_see_all_scores(current_user, application)
    return render_template(
        "screening/application.html", application=application, inst=inst, lang=_lang(),
        rubric=get_rubric("chat"), assign_form=assign_form, decision_form=decision_form,
        rounds=rounds, all_scores=_all_scores(application) if show_scores else None,
        may_assign=application.status == SUBMITTED,
        may_decide=application.status in (SCORED, WAITLISTED) and application.user_id != current_user.id,
        status_labels=services.STATUS_LABELS, weakest=services.weakest_dimensions(application.user),
        needs_third=services.first_two_in(application) and services.needs_third_review(application),
    ), status


@bp.route("/applications/<int:application_id>/reviewers", methods=["POST"])
@roles_required("coordinator")
def assign(application_id: int):
    application = _get_application(application_id)
    form = forms.AssignReviewerForm()
    form.round.choices = choices((r, str(r)) for r in (FIRST, SECOND, THIRD))
    form.reviewer.choices = choices([(0, "—")] + [(u.id, u.display_name)
                                                  for u in services.eligible_reviewers(application)]
                                    + [(r.reviewer_id, "") for r in application.reviews if r.reviewer_id])
    if not form.validate_on_submit():
        flash(_("Choose a reviewer from the list."), "error")
        return _render_application(application, assign_form=form, status=400)
    try:
        reviewer = db.session.get(User, form.reviewer.data)
        services.assign_reviewer(current_user, application, form.round.data, reviewer)
    except services.ScreeningError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _render_application(application, assign_form=form, status=400)
    flash(_("Reviewer assigned."), "success")
    return redirect(url_for("screening.application", application_id=application.id))


@bp.route("/applications/<int:application_id>/decision", methods=["POST"])
@roles_required("coordinator")
def decision(application_id: int):
    application = _get_application(application_id)
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        return _render_application(application, decision_form=form, status=400)
    if form.decision.data not in DECISIONS:
        abort(400)
    try:
        services.decide(current_user, application, form.decision.data, form.message.data)
    except services.ScreeningError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _render_application(application, decision_form=form, status=400)
    flash(_("Decision saved; the applicant has been told by e-mail."), "success")
    return redirect(url_for("screening.application", application_id=application.id))


@bp.route("/reports")
@roles_required("coordinator")
def reports():
    return render_template("screening/reports.html", report=services.report(_scope()), inst=services.instrument(),
                           lang=_lang(), agreement=services.agreement(_scope()), min_group=services.MIN_GROUP)


@bp.route("/reports.csv")
@roles_required("coordinator")
def reports_csv():
    report = services.report(_scope())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "key", "count", "value", "extra"])
    for key, count in report.funnel:
        writer.writerow(["funnel", key, count, "", ""])
    for stage in report.stages:
        writer.writerow(["days_per_stage", stage.key, stage.count, _num(stage.median_days), _num(stage.mean_days)])
    for rate in report.vignettes:
        writer.writerow(["vignette_best_reply", rate.key, rate.answered, _num(rate.best), _num(rate.acceptable)])
    for name, composition in (("languages", report.languages), ("background", report.backgrounds)):
        for group in composition.groups:
            writer.writerow([name, _cell(group.label), group.count, "", ""])
        if composition.other is not None:
            writer.writerow([name, f"other groups under {services.MIN_GROUP} or not stated", composition.other, "", ""])
    for row in services.agreement(_scope()):
        writer.writerow(["agreement_kappa", row.criterion, row.pairs, _num(row.kappa), _num(row.exact)])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=hulpmix-screening-report.csv"})


def _cell(text: str) -> str:
    """Text typed by applicants, made safe for spreadsheets (no formulas)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _num(value) -> str:
    return "" if value is None else f"{value:.2f}"


# --- trainers -------------------------------------------------------------------------
@bp.route("/trainees")
@roles_required("trainer", "coordinator")
def trainees():
    """The screening profile of each trainee in the trainer's cohorts (coordinators: the institution's)."""
    if current_user.has_role("admin"):
        people_query = select(User).join(CohortMember, CohortMember.user_id == User.id)
    elif current_user.has_role("coordinator"):
        people_query = (select(User).join(CohortMember, CohortMember.user_id == User.id)
                        .where(User.institution_id == current_user.institution_id))
    else:
        people_query = (select(User).join(CohortMember, CohortMember.user_id == User.id).join(Cohort)
                        .where(Cohort.trainer_id == current_user.id))
    people = list(db.session.scalars(people_query.distinct().order_by(User.display_name)))
    rows = [(person, services.profile_application(person), services.weakest_dimensions(person))
            for person in people if can(current_user, "view_screening_profile", person)]
    return render_template("screening/trainees.html", rows=rows, inst=services.instrument(), lang=_lang())
