"""Simulation rules: starting live role-plays and self-practice, the scripted youth's turn,
observers, feedback, assessment and the certification requirement."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from statistics import median

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import audit
from app.assessment import Annotation, Assessment, get_rubric, submit_assessment
from app.certification import RequirementResult
from app.cohorts import cohorts_of
from app.conversations import (
    Conversation,
    Message,
    NewParticipant,
    Participant,
    end_conversation,
    mark_phase,
    post_message,
    start_conversation,
)
from app.extensions import db
from app.permissions import policy, same_institution
from app.timeutil import utcnow
from simulations.detectors import detect
from simulations.engine import ScriptedYouth, YouthState
from simulations.models import Simulation
from simulations.scenarios import PHASES, Scenario, scenarios

SUBJECT = "simulation"


class SimulationError(Exception):
    """A refused action; the message is meant for the user."""


def scenario(key: str) -> Scenario:
    try:
        return scenarios()[key]
    except KeyError:
        raise SimulationError(_("That scenario does not exist.")) from None


# --- policies ----------------------------------------------------------------------------
@policy("view_simulation")
def _may_view(user, sim: Simulation) -> bool:
    if user.id in (sim.trainee_id, sim.trainer_id):
        return True
    if sim.conversation.participant_for(user.id) is not None:
        return True
    trainee = sim.trainee
    return user.has_role("trainer", "supervisor", "coordinator", "admin") and trainee is not None and \
        same_institution(user, trainee.institution_id)


@policy("assess_simulation")
def _may_assess(user, sim: Simulation) -> bool:
    if user.id == sim.trainee_id or not user.has_role("trainer", "admin"):
        return False
    if user.id == sim.trainer_id:
        return True
    return sim.trainee is not None and same_institution(user, sim.trainee.institution_id)


@policy("observe_simulation")
def _may_observe(user, sim: Simulation) -> bool:
    """Trainees of the same cohort may read along, read-only, with a live role-play."""
    if sim.mode != "live" or sim.status != "running" or user.id == sim.trainee_id or sim.trainee is None:
        return False
    mine = {c.id for c in cohorts_of(user)}
    return bool(mine & {c.id for c in cohorts_of(sim.trainee)})


# --- starting ----------------------------------------------------------------------------
def start_live(trainer, trainees: list, scenario_key: str, lang: str = "nl") -> list[Simulation]:
    """A trainer plays the young person for one or several trainees: one chat each."""
    card = scenario(scenario_key)
    if not trainees:
        raise SimulationError(_("Choose at least one trainee."))
    if any(t.id == trainer.id for t in trainees):
        raise SimulationError(_("You cannot play the young person in your own practice chat."))
    batch = secrets.token_hex(8)
    created = []
    for trainee in trainees:
        conversation, _tokens = start_conversation("simulation", [
            NewParticipant("counsellor", trainee.display_name, user_id=trainee.id),
            NewParticipant("youth", str(card.persona.get("name") or "Jongere"), user_id=trainer.id),
        ])
        sim = Simulation(scenario_key=card.key, mode="live", lang=lang, trainee_id=trainee.id,
                         trainer_id=trainer.id, conversation_id=conversation.id, batch=batch, risk=card.risk)
        db.session.add(sim)
        created.append(sim)
    db.session.commit()
    return created


def start_practice(trainee, scenario_key: str, lang: str = "nl") -> Simulation:
    """Self-practice with the scripted virtual youth, who opens the chat."""
    card = scenario(scenario_key)
    if not card.is_scripted:
        raise SimulationError(_("This scenario has no script for self-practice; a trainer can play it with you."))
    youth = ScriptedYouth(card, lang)
    opening, state = youth.start()
    conversation, _tokens = start_conversation("simulation", [
        NewParticipant("counsellor", trainee.display_name, user_id=trainee.id),
        NewParticipant("youth", str(card.persona.get("name") or "Jongere"), is_bot=True),
    ])
    sim = Simulation(scenario_key=card.key, mode="scripted", lang=youth.lang, trainee_id=trainee.id,
                     conversation_id=conversation.id, risk=card.risk, youth_state=state.to_dict())
    db.session.add(sim)
    db.session.commit()
    bot = _bot(conversation)
    for line in opening:
        post_message(bot, line)
    return sim


def _bot(conversation: Conversation) -> Participant:
    return next(p for p in conversation.participants if p.is_bot)


def simulation_for_conversation(conversation_id: int) -> Simulation | None:
    return db.session.scalar(select(Simulation).where(Simulation.conversation_id == conversation_id))


# --- the scripted youth's turn -------------------------------------------------------------
def on_message_stored(participant, payload: dict, conversation_kind: str = "", **_kwargs) -> None:
    """Connected to app.signals.message_stored: the scripted youth answers the trainee."""
    if conversation_kind != "simulation" or participant.side != "counsellor" or payload.get("kind") != "text":
        return
    sim = simulation_for_conversation(payload["conversation_id"])
    if sim is None or sim.mode != "scripted" or sim.status != "running":
        return
    youth = ScriptedYouth(scenario(sim.scenario_key), sim.lang)
    reply = youth.respond(YouthState.from_dict(sim.youth_state), payload["body"])
    sim.youth_state = reply.state.to_dict()
    db.session.commit()
    conversation = db.session.get(Conversation, sim.conversation_id)
    bot = _bot(conversation)
    for line in reply.lines:
        post_message(bot, line)
    if reply.phase and reply.phase != _last_suggestion(conversation):
        mark_phase(conversation, None, reply.phase, suggested=True)
    if reply.ended:
        finish(sim, by="youth")


def _last_suggestion(conversation: Conversation) -> str | None:
    suggested = [m.phase for m in conversation.phase_marks if m.suggested]
    return suggested[-1] if suggested else None


# --- ending, observing ---------------------------------------------------------------------
def finish(sim: Simulation, by: str) -> None:
    if sim.status != "running":
        return
    sim.status = "ended"
    sim.ended_at = utcnow()
    db.session.commit()
    end_conversation(db.session.get(Conversation, sim.conversation_id), by=by)


def add_observer(sim: Simulation, user) -> Participant:
    conversation = sim.conversation
    existing = conversation.participant_for(user.id)
    if existing is not None:
        return existing
    observer = Participant(conversation=conversation, user_id=user.id, side="observer",
                           display_name=user.display_name, can_write=False)
    db.session.add(observer)
    db.session.commit()
    return observer


# --- feedback ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Feedback:
    phases_marked: tuple[str, ...]
    phases_detected: tuple[str, ...]
    phases_missing: tuple[str, ...]
    counsellor_messages: int
    open_questions: int
    closed_questions: int
    reflections: int
    advice: int
    safety_asked: bool
    safety_needed: bool
    first_safety_seq: int | None
    response_seconds_median: float | None
    response_seconds_max: float | None


_PHASE_BY_DETECTOR = {"greeting": "welcome", "goal_question": "goal", "closing": "close", "advice": "work"}


def feedback(sim: Simulation) -> Feedback:
    """The automatic feedback after a practice chat: measured from the transcript itself."""
    conversation = sim.conversation
    rows = list(db.session.scalars(select(Message).where(Message.conversation_id == conversation.id)
                                   .order_by(Message.seq)))
    counts = dict.fromkeys(("open_question", "closed_question", "reflection", "advice"), 0)
    detected: list[str] = []
    first_safety = None
    waits: list[float] = []
    last_youth_at = None
    for message in rows:
        if message.side == "youth":
            last_youth_at = last_youth_at or message.created_at
            continue
        if message.side != "counsellor":
            continue
        fired = detect(message.body)
        for name in counts:
            counts[name] += name in fired
        for name, phase in _PHASE_BY_DETECTOR.items():
            if name in fired and phase not in detected:
                detected.append(phase)
        if "open_question" in fired and "goal" not in detected and "clarify" not in detected:
            detected.append("clarify")
        if "safety_question" in fired and first_safety is None:
            first_safety = message.seq
        if last_youth_at is not None:
            waits.append((message.created_at - last_youth_at).total_seconds())
            last_youth_at = None
    marked = []
    for mark in conversation.phase_marks:
        if not mark.suggested and mark.phase not in marked:
            marked.append(mark.phase)
    covered = set(marked) | set(detected)
    return Feedback(
        phases_marked=tuple(marked), phases_detected=tuple(p for p in PHASES if p in detected),
        phases_missing=tuple(p for p in PHASES if p not in covered),
        counsellor_messages=sum(1 for m in rows if m.side == "counsellor"),
        open_questions=counts["open_question"], closed_questions=counts["closed_question"],
        reflections=counts["reflection"], advice=counts["advice"],
        safety_asked=first_safety is not None, safety_needed=sim.risk in ("medium", "high", "acute"),
        first_safety_seq=first_safety,
        response_seconds_median=round(median(waits), 1) if waits else None,
        response_seconds_max=round(max(waits), 1) if waits else None,
    )


# --- assessment -----------------------------------------------------------------------------
def assess(sim: Simulation, trainer, *, scores: dict, comments: dict, summary: str, passed: bool) -> Assessment:
    if sim.status == "running":
        raise SimulationError(_("End the simulation before you assess it."))
    if sim.status == "assessed":
        raise SimulationError(_("This simulation has been assessed already."))
    rubric = get_rubric("chat")
    try:
        assessment = submit_assessment(rubric_key=rubric.key, subject_type=SUBJECT, subject_id=sim.id,
                                       assessor_id=trainer.id, scores=scores, comments=comments, summary=summary)
    except ValueError as exc:
        raise SimulationError(_("The scores are not complete: %(detail)s", detail=str(exc))) from None
    assessment.passed = bool(passed)
    sim.passed = bool(passed)
    sim.status = "assessed"
    sim.assessed_at = utcnow()
    audit.record("simulation.assessed", actor=trainer, subject=sim.trainee, object_type="simulation",
                 object_id=sim.id, passed=bool(passed))
    db.session.commit()
    return assessment


def assessment_of(sim: Simulation) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.subject_type == SUBJECT,
                                                      Assessment.subject_id == sim.id))


def mean_scores(sim_ids: list[int]) -> dict[int, float]:
    """The mean rubric level of each assessed simulation, in one query (progress over time)."""
    if not sim_ids:
        return {}
    rows = db.session.scalars(select(Assessment).where(Assessment.subject_type == SUBJECT,
                                                       Assessment.subject_id.in_(sim_ids)))
    return {a.subject_id: round(a.mean, 1) for a in rows if a.mean is not None}


def annotate(sim: Simulation, author, message_id: int, body: str) -> Annotation:
    text = (body or "").strip()
    if not text:
        raise SimulationError(_("Write a remark first."))
    if len(text) > 1000:
        raise SimulationError(_("A remark is at most 1,000 characters."))
    message = db.session.get(Message, message_id)
    if message is None or message.conversation_id != sim.conversation_id:
        raise SimulationError(_("That message is not part of this simulation."))
    annotation = Annotation(subject_type=SUBJECT, subject_id=sim.id, message_id=message.id,
                            author_id=author.id, body=text)
    db.session.add(annotation)
    db.session.commit()
    return annotation


def annotations_of(sim: Simulation) -> dict[int, list[Annotation]]:
    found: dict[int, list[Annotation]] = {}
    for annotation in db.session.scalars(select(Annotation).where(Annotation.subject_type == SUBJECT,
                                                                  Annotation.subject_id == sim.id)
                                         .order_by(Annotation.id)):
        found.setdefault(annotation.message_id, []).append(annotation)
    return found


# --- certification -------------------------------------------------------------------------
REQUIRED_PASSED = 3
REQUIRED_TRAINERS = 2


def simulations_requirement(user) -> RequirementResult:
    """At least 3 simulations passed, assessed by at least 2 trainers, at least one high-risk."""
    rows = db.session.execute(
        select(Simulation, Assessment.assessor_id).join(Assessment, (Assessment.subject_type == SUBJECT) &
                                                        (Assessment.subject_id == Simulation.id))
        .where(Simulation.trainee_id == user.id, Simulation.passed.is_(True))
    ).all()
    passed = [sim for sim, _ in rows]
    trainers = {assessor for _, assessor in rows if assessor is not None}
    high = [sim for sim in passed if sim.high_risk]
    missing = []
    if len(passed) < REQUIRED_PASSED:
        missing.append(_("%(n)d more simulation(s) to pass", n=REQUIRED_PASSED - len(passed)))
    if len(trainers) < REQUIRED_TRAINERS:
        missing.append(_("assessed by %(n)d more trainer(s)", n=REQUIRED_TRAINERS - len(trainers)))
    if not high:
        missing.append(_("one high-risk simulation passed"))
    evidence = tuple(f"{scenario_title(sim.scenario_key)} ({sim.assessed_at:%Y-%m-%d})" for sim in passed if sim.assessed_at)
    next_url = None
    with contextlib.suppress(RuntimeError):  # outside a request (CLI) there is no URL to give
        next_url = url_for("simulations.index")
    return RequirementResult(not missing, "; ".join(missing), evidence, next_url)


def scenario_title(key: str, lang: str = "nl") -> str:
    card = scenarios().get(key)
    return card.title.get(lang, key) if card else key


def requirement_enabled() -> bool:
    return bool(current_app.config.get("SIMULATIONS_REQUIREMENT", True))


def one_simulation_passed(user) -> RequirementResult:
    """Shadow mode needs at least one simulation passed (with the course passed)."""
    passed = db.session.scalar(select(func.count()).select_from(Simulation).where(
        Simulation.trainee_id == user.id, Simulation.passed.is_(True)))
    if passed:
        return RequirementResult(True, evidence=(_("%(n)d simulation(s) passed", n=passed),))
    return RequirementResult(False, _("pass a simulation first"))


def simulations_passed_since(user, since) -> int:
    """Renewal counts recent activity: simulations passed (assessed) since `since`."""
    return int(db.session.scalar(select(func.count()).select_from(Simulation).where(
        Simulation.trainee_id == user.id, Simulation.passed.is_(True), Simulation.assessed_at >= since)) or 0)
