"""Simulation pages: the list, the scenario cards, the console, feedback and assessment."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from app.accounts.models import User
from app.assessment import get_rubric
from app.cohorts import Cohort, CohortMember
from app.conversations import history, phase_timeline
from app.extensions import db
from app.formtools import choices
from app.permissions import authorize, can, roles_required
from simulations import forms, services
from simulations.models import Simulation
from simulations.scenarios import scenarios

bp = Blueprint("simulations", __name__, url_prefix="/simulations", template_folder="templates",
               static_folder="static", static_url_path="/static/simulations")

STAFF = ("trainer", "supervisor", "coordinator")
RISK_LABELS = {"low": _l("low"), "medium": _l("medium"), "high": _l("high"), "acute": _l("acute")}


@bp.context_processor
def _labels():
    return {"risk_labels": RISK_LABELS}


def _lang() -> str:
    return "en" if str(get_locale()) == "en" else "nl"


def _simulation(sim_id: int) -> Simulation:
    sim = db.session.get(Simulation, sim_id)
    if sim is None:
        abort(404)
    return sim


def _trainees_for(trainer) -> list[User]:
    """Trainees the trainer may start a role-play with: their cohorts first, then their institution."""
    cohort_ids = select(Cohort.id).where(Cohort.trainer_id == trainer.id)
    in_cohorts = select(CohortMember.user_id).where(CohortMember.cohort_id.in_(cohort_ids))
    query = select(User).where(User.id != trainer.id, User.active.is_(True))
    if not trainer.has_role("admin"):
        query = query.where(or_(User.id.in_(in_cohorts), User.institution_id == trainer.institution_id))
    return [u for u in db.session.scalars(query.order_by(User.display_name)) if u.has_role("trainee")]


@bp.route("/")
@roles_required("trainee", *STAFF)
def index():
    lang = _lang()
    mine = list(db.session.scalars(select(Simulation).where(Simulation.trainee_id == current_user.id)
                                   .order_by(Simulation.created_at.desc())))
    playing = list(db.session.scalars(select(Simulation).where(Simulation.trainer_id == current_user.id,
                                                               Simulation.status == "running")
                                      .order_by(Simulation.created_at.desc())))
    to_assess = []
    if current_user.has_role("trainer", "admin"):
        ended = db.session.scalars(select(Simulation).where(Simulation.status == "ended")
                                   .order_by(Simulation.ended_at.desc()).limit(200))
        to_assess = [s for s in ended if can(current_user, "assess_simulation", s)]
    observable = []
    if current_user.has_role("trainee"):
        running = db.session.scalars(select(Simulation).where(Simulation.status == "running", Simulation.mode == "live"))
        observable = [s for s in running if can(current_user, "observe_simulation", s)]
    practice = [s for s in scenarios().values() if s.is_scripted]
    means = services.mean_scores([s.id for s in mine])
    return render_template("simulations/index.html", mine=mine, playing=playing, to_assess=to_assess,
                           observable=observable, practice=practice, lang=lang, catalogue=scenarios(), means=means,
                           practice_form=forms.PracticeForm(), observe_form=forms.ObserveForm(),
                           requirement=services.simulations_requirement(current_user)
                           if current_user.has_role("trainee") else None)


@bp.route("/scenarios")
@roles_required(*STAFF)
def scenario_list():
    return render_template("simulations/scenarios.html", catalogue=sorted(scenarios().values(), key=lambda s: s.key),
                           lang=_lang())


@bp.route("/scenarios/<key>")
@roles_required(*STAFF)
def scenario_card(key: str):
    card = scenarios().get(key)
    if card is None:
        abort(404)
    return render_template("simulations/scenario.html", card=card, lang=_lang())


@bp.route("/practice", methods=["POST"])
@roles_required("trainee")
def practice():
    form = forms.PracticeForm()
    if not form.validate_on_submit():
        flash(_("Choose a scenario to practise with."), "error")
        return redirect(url_for("simulations.index"))
    try:
        sim = services.start_practice(current_user, form.scenario.data, _lang())
    except services.SimulationError as error:
        flash(str(error), "error")
        return redirect(url_for("simulations.index"))
    return redirect(url_for("simulations.chat", sim_id=sim.id))


@bp.route("/start", methods=["GET", "POST"])
@roles_required("trainer")
def start_live():
    lang = _lang()
    form = forms.StartLiveForm(scenario=request.args.get("scenario"), lang=lang)
    form.scenario.choices = choices((s.key, f"{s.title[lang]} ({RISK_LABELS[s.risk]})") for s in sorted(scenarios().values(), key=lambda s: s.key))
    trainees = _trainees_for(current_user)
    form.trainees.choices = choices((t.id, t.display_name) for t in trainees)
    if form.validate_on_submit():
        chosen = [t for t in trainees if t.id in set(form.trainees.data)]
        try:
            started = services.start_live(current_user, chosen, form.scenario.data, form.lang.data)
        except services.SimulationError as error:
            flash(str(error), "error")
        else:
            flash(_("The role-play has started: one chat per trainee."), "success")
            return redirect(url_for("simulations.chat", sim_id=started[0].id))
    return render_template("simulations/start.html", form=form, trainees=trainees)


@bp.route("/<int:sim_id>")
@roles_required("trainee", *STAFF)
def chat(sim_id: int):
    sim = _simulation(sim_id)
    authorize("view_simulation", sim)
    participant = sim.conversation.participant_for(current_user.id)
    if participant is None:
        return redirect(url_for("simulations.transcript", sim_id=sim.id))
    card = scenarios().get(sim.scenario_key)
    siblings = []
    if participant.side == "youth" and sim.batch:
        siblings = list(db.session.scalars(select(Simulation).where(Simulation.batch == sim.batch)
                                           .order_by(Simulation.id)))
    return render_template("simulations/chat.html", sim=sim, participant=participant, card=card, lang=_lang(),
                           messages=history(sim.conversation), notes_form=forms.NotesForm(notes=sim.trainer_notes),
                           end_form=forms.EndForm(), siblings=siblings)


@bp.route("/<int:sim_id>/observe", methods=["POST"])
@roles_required("trainee")
def observe(sim_id: int):
    sim = _simulation(sim_id)
    authorize("observe_simulation", sim)
    if forms.ObserveForm().validate_on_submit():
        services.add_observer(sim, current_user)
    return redirect(url_for("simulations.chat", sim_id=sim.id))


@bp.route("/<int:sim_id>/notes", methods=["POST"])
@roles_required("trainer")
def notes(sim_id: int):
    sim = _simulation(sim_id)
    if current_user.id != sim.trainer_id:
        abort(403)
    form = forms.NotesForm()
    if form.validate_on_submit():
        sim.trainer_notes = form.notes.data or ""
        db.session.commit()
        flash(_("Notes saved."), "success")
    else:
        flash(_("Notes are at most 5,000 characters."), "error")
    return redirect(url_for("simulations.chat", sim_id=sim.id))


@bp.route("/<int:sim_id>/end", methods=["POST"])
@roles_required("trainee", "trainer")
def end(sim_id: int):
    sim = _simulation(sim_id)
    if current_user.id not in (sim.trainee_id, sim.trainer_id):
        abort(403)
    if forms.EndForm().validate_on_submit():
        services.finish(sim, by="trainer" if current_user.id == sim.trainer_id else "counsellor")
    if current_user.id == sim.trainer_id:
        return redirect(url_for("simulations.assess", sim_id=sim.id))
    return redirect(url_for("simulations.transcript", sim_id=sim.id))


@bp.route("/<int:sim_id>/transcript")
@roles_required("trainee", *STAFF)
def transcript(sim_id: int):
    sim = _simulation(sim_id)
    authorize("view_simulation", sim)
    assessment = services.assessment_of(sim)
    is_trainee = current_user.id == sim.trainee_id
    return render_template(
        "simulations/transcript.html", sim=sim, lang=_lang(), messages=history(sim.conversation),
        timeline=phase_timeline(sim.conversation), rubric=get_rubric("chat"),
        assessment=assessment, annotations=services.annotations_of(sim) if (assessment or not is_trainee) else {},
        feedback=services.feedback(sim) if sim.status != "running" else None,
        card=scenarios().get(sim.scenario_key), may_assess=can(current_user, "assess_simulation", sim),
    )


@bp.route("/<int:sim_id>/assess", methods=["GET", "POST"])
@roles_required("trainer")
def assess(sim_id: int):
    sim = _simulation(sim_id)
    authorize("assess_simulation", sim)
    lang = _lang()
    rubric = get_rubric("chat")
    if sim.status == "assessed":
        return redirect(url_for("simulations.transcript", sim_id=sim.id))
    form = forms.assessment_form(rubric, lang)
    annotation_form = forms.AnnotationForm()
    if request.method == "POST" and form.validate_on_submit():
        scores = {c.key: getattr(form, f"score_{c.key}").data for c in rubric.criteria}
        comments = {c.key: getattr(form, f"comment_{c.key}").data or "" for c in rubric.criteria}
        try:
            services.assess(sim, current_user, scores=scores, comments=comments, summary=form.summary.data or "",
                            passed=form.passed.data == "yes")
        except services.SimulationError as error:
            flash(str(error), "error")
        else:
            flash(_("The assessment is saved; the trainee can read it now."), "success")
            return redirect(url_for("simulations.transcript", sim_id=sim.id))
    return render_template("simulations/assess.html", sim=sim, form=form, rubric=rubric, lang=lang,
                           messages=history(sim.conversation), timeline=phase_timeline(sim.conversation),
                           annotations=services.annotations_of(sim), annotation_form=annotation_form,
                           feedback=services.feedback(sim) if sim.status != "running" else None,
                           card=scenarios().get(sim.scenario_key), end_form=forms.EndForm())


@bp.route("/<int:sim_id>/annotate", methods=["POST"])
@roles_required("trainer")
def annotate(sim_id: int):
    sim = _simulation(sim_id)
    authorize("assess_simulation", sim)
    form = forms.AnnotationForm()
    if form.validate_on_submit():
        try:
            services.annotate(sim, current_user, form.message_id.data, form.body.data)
        except services.SimulationError as error:
            flash(str(error), "error")
    else:
        flash(_("Write a remark of at most 1,000 characters."), "error")
    return redirect(url_for("simulations.assess", sim_id=sim.id) + f"#m{form.message_id.data or ''}")
