"""Screening rules: the applicant's attempt, automatic scoring, reviewers, decisions, reports, data rights."""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update

from app import audit
from app.accounts.models import User, user_roles
from app.assessment import (
    Assessment,
    get_rubric,
    median_scores,
    quadratic_weighted_kappa,
    submit_assessment,
)
from app.extensions import db
from app.permissions import same_institution
from app.screening.instrument import DIMENSIONS, Instrument, Sample, get_instrument
from app.screening.models import (
    ACCEPTED,
    DECISIONS,
    DRAFT,
    FIRST,
    OPEN,
    REJECTED,
    SCORED,
    SECOND,
    SUBJECT_TYPE,
    SUBMITTED,
    THIRD,
    WAITLISTED,
    WITHDRAWN,
    Application,
    Review,
    SampleAnswer,
)
from app.timeutil import utcnow

log = logging.getLogger(__name__)

REVIEWER_ROLES = ("counsellor", "trainer", "supervisor", "coordinator")
ATTEMPT_INTERVAL = timedelta(days=182)  # one attempt per 6 months
MIN_GROUP = 5  # the smallest group the composition report shows
SAMPLE_MIN_CHARS = 20
SAMPLE_MAX_CHARS = 3000
TEXT_MAX_CHARS = 2000
MESSAGE_MAX_CHARS = 2000
STEPS = ("background", "scales", "vignettes", "samples")


class ScreeningError(Exception):
    """A rule refused the request; the message is meant for the user. Nothing was stored."""


def instrument() -> Instrument:
    return get_instrument()


# --- scoring (pure) ---------------------------------------------------------------------
def score_scales(answers: Mapping[str, int], inst: Instrument | None = None) -> dict[str, float]:
    """Per dimension, the mean item score (reverse items counted as 6 - answer), 1.0 to 5.0."""
    inst = inst or instrument()
    result = {}
    for dimension in inst.dimensions:
        values = [item.score(int(answers[item.key])) for item in dimension.items if item.key in answers]
        if values:
            result[dimension.key] = round(sum(values) / len(values), 2)
    return result


def score_vignettes(answers: Mapping[str, str], inst: Instrument | None = None) -> tuple[int, int]:
    """The sum of the expert-key scores of the chosen replies, and the highest possible sum."""
    inst = inst or instrument()
    total = 0
    for vignette in inst.vignettes:
        option = vignette.option(str(answers.get(vignette.key, "")))
        total += option.score if option else 0
    return total, sum(v.max_score for v in inst.vignettes)


def disputed(first: Mapping[str, int], second: Mapping[str, int]) -> bool:
    """Two reviewers more than one level apart on any criterion call a third reviewer."""
    return any(abs(int(first[key]) - int(second[key])) > 1 for key in first if key in second)


def sample_criteria(sample: Sample) -> tuple[str, ...]:
    return tuple(c.key for c in get_rubric(sample.rubric).sample_criteria)


# --- the applicant ----------------------------------------------------------------------
def applications_of(user) -> list[Application]:
    return list(db.session.scalars(select(Application).where(Application.user_id == user.id)
                                   .order_by(Application.created_at.desc(), Application.id.desc())))


def current_application(user) -> Application | None:
    """The applicant's latest attempt (open or decided), or None."""
    found = applications_of(user)
    return found[0] if found else None


def _last_attempt_at(user) -> datetime | None:
    dates = [a.submitted_at for a in applications_of(user) if a.submitted_at]
    # An attempt whose data the applicant deleted still counts for the 6-month rule: the
    # audit log keeps its submission date (and nothing else).
    for event in db.session.scalars(select(audit.AuditEvent).where(
            audit.AuditEvent.subject_user_id == user.id, audit.AuditEvent.action == "screening.deleted")):
        for value in (event.details or {}).get("submitted", []):
            dates.append(datetime.fromisoformat(value))
    return max(dates) if dates else None


def next_attempt_date(user) -> datetime | None:
    """When a new attempt may start, if the 6-month rule holds it back now."""
    last = _last_attempt_at(user)
    if last is None or utcnow() - last >= ATTEMPT_INTERVAL:
        return None
    return last + ATTEMPT_INTERVAL


def start_application(user) -> Application:
    """Begin an attempt, or return the open one; one submitted attempt per 6 months."""
    if user.has_role("trainee") or any(a.status == ACCEPTED for a in applications_of(user)):
        raise ScreeningError(_("You have been accepted already: the screening is behind you."))
    current = current_application(user)
    if current is not None and current.is_open:
        return current
    wait_until = next_attempt_date(user)
    if wait_until is not None:
        raise ScreeningError(_("You can do the screening once every 6 months. Your next attempt can start "
                               "on %(date)s.", date=wait_until.strftime("%d-%m-%Y")))
    application = Application(user_id=user.id, institution_id=user.institution_id, status=DRAFT)
    db.session.add(application)
    db.session.flush()
    audit.record("screening.started", actor=user, subject=user, object_type="screening_application",
                 object_id=application.id)
    db.session.commit()
    return application


def _editable(application: Application) -> None:
    if application.status != DRAFT:
        raise ScreeningError(_("This application has been submitted already; answers can no longer change."))


@dataclass(frozen=True)
class Step:
    key: str
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.done >= self.total


def steps(application: Application) -> list[Step]:
    inst = instrument()
    required = [q for q in inst.questions if q.required]
    background_done = sum(1 for q in required if _answered(application.background.get(q.key)))
    samples_done = sum(1 for s in inst.samples
                       if (answer := application.sample_answer(s.key)) and len(answer.text.strip()) >= SAMPLE_MIN_CHARS)
    return [
        Step("background", background_done, len(required)),
        Step("scales", sum(1 for i in inst.items if i.key in application.scale_answers), len(inst.items)),
        Step("vignettes", sum(1 for v in inst.vignettes if v.key in application.vignette_answers),
             len(inst.vignettes)),
        Step("samples", samples_done, len(inst.samples)),
    ]


def _answered(value) -> bool:
    if isinstance(value, list):
        return bool(value)
    return bool(str(value or "").strip())


def save_background(application: Application, answers: Mapping[str, object]) -> None:
    """Store the background answers (already checked by the form); unknown questions are refused."""
    _editable(application)
    inst = instrument()
    unknown = sorted(set(answers) - {q.key for q in inst.questions})
    if unknown:
        raise ScreeningError(_("There is no question %(keys)s in the screening.", keys=", ".join(unknown)))
    clean: dict[str, object] = {}
    for question in inst.questions:
        value = answers.get(question.key)
        if question.type == "languages":
            levels = {level.key for level in question.levels}
            rows = []
            for row in value or []:
                language = str(row.get("language") or "").strip()[:60]
                if not language:
                    continue
                if row.get("level") not in levels:
                    raise ScreeningError(_("Choose a level for %(language)s.", language=language))
                if language.casefold() not in {r["language"].casefold() for r in rows}:
                    rows.append({"language": language, "level": row["level"]})
            clean[question.key] = rows
        elif question.type == "choice":
            if value and value not in {option.key for option in question.options}:
                raise ScreeningError(_("Choose one of the answers for: %(question)s",
                                       question=question.label[_lang()]))
            clean[question.key] = value or ""
        else:
            clean[question.key] = str(value or "").strip()[:TEXT_MAX_CHARS]
    application.background = clean
    application.updated_at = utcnow()
    db.session.commit()


def _lang() -> str:
    """The language of content fields (nl/en) for the current request; Dutch outside one."""
    from flask import has_request_context
    from flask_babel import get_locale

    return "en" if has_request_context() and str(get_locale()) == "en" else "nl"


def save_scale_answers(application: Application, answers: Mapping[str, str]) -> None:
    """Store answers `item key -> "1".."5"`; any unknown item or value refuses the whole set."""
    _editable(application)
    inst = instrument()
    clean: dict[str, int] = {}
    for key, raw in answers.items():
        item = inst.item(key)
        if item is None:
            raise ScreeningError(_("There is no statement %(key)s in the screening; nothing was saved.", key=key))
        if raw in (None, ""):
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if value not in (1, 2, 3, 4, 5):
            raise ScreeningError(_("Answers are 1 to 5; nothing was saved."))
        clean[key] = value
    application.scale_answers = {**application.scale_answers, **clean}
    application.updated_at = utcnow()
    db.session.commit()


def save_vignette_answers(application: Application, answers: Mapping[str, str]) -> None:
    """Store answers `vignette key -> option key`; an unknown vignette or reply refuses the whole set."""
    _editable(application)
    inst = instrument()
    clean: dict[str, str] = {}
    for key, raw in answers.items():
        vignette = inst.vignette(key)
        if vignette is None:
            raise ScreeningError(_("There is no situation %(key)s in the screening; nothing was saved.", key=key))
        if not raw:
            continue
        if vignette.option(str(raw)) is None:
            raise ScreeningError(_("Choose one of the four replies; nothing was saved."))
        clean[key] = str(raw)
    application.vignette_answers = {**application.vignette_answers, **clean}
    application.updated_at = utcnow()
    db.session.commit()


def save_sample_answers(application: Application, answers: Mapping[str, str]) -> None:
    """Store the free replies `sample key -> text`; an unknown sample refuses the whole set."""
    _editable(application)
    inst = instrument()
    for key, text in answers.items():
        if inst.sample(key) is None:
            raise ScreeningError(_("There is no chat sample %(key)s in the screening; nothing was saved.", key=key))
        if len(text or "") > SAMPLE_MAX_CHARS:
            raise ScreeningError(_("A reply can be at most %(n)d characters; nothing was saved.", n=SAMPLE_MAX_CHARS))
    for key, text in answers.items():
        answer = application.sample_answer(key)
        if answer is None:
            answer = SampleAnswer(sample_key=key)
            application.sample_answers.append(answer)
        answer.text = (text or "").strip()
    application.updated_at = utcnow()
    db.session.commit()


def missing_steps(application: Application) -> list[str]:
    return [step.key for step in steps(application) if not step.complete]


def submit_application(user, application: Application) -> None:
    """Submit once: every step complete; scales and vignettes are scored now."""
    if application.user_id != user.id:
        raise ScreeningError(_("This is not your application."))
    if application.status != DRAFT:
        raise ScreeningError(_("You have submitted this application already."))
    missing = missing_steps(application)
    if missing:
        raise ScreeningError(_("Finish every step before you submit. Still open: %(steps)s.",
                               steps=", ".join(str(STEP_TITLES[s]()) for s in missing)))
    inst = instrument()
    application.scale_scores = score_scales(application.scale_answers, inst)
    application.vignette_score, application.vignette_max = score_vignettes(application.vignette_answers, inst)
    application.status = SUBMITTED
    application.submitted_at = application.updated_at = utcnow()
    audit.record("screening.submitted", actor=user, subject=user, object_type="screening_application",
                 object_id=application.id)
    db.session.commit()


def withdraw(user, application: Application) -> None:
    if application.user_id != user.id:
        raise ScreeningError(_("This is not your application."))
    if not application.is_open:
        raise ScreeningError(_("This application has been decided or withdrawn already."))
    application.status = WITHDRAWN
    application.withdrawn_at = application.updated_at = utcnow()
    audit.record("screening.withdrawn", actor=user, subject=user, object_type="screening_application",
                 object_id=application.id)
    db.session.commit()


def delete_screening_data(user) -> int:
    """The applicant deletes their screening answers and scores (not possible once accepted:
    acceptance is the evidence for certification; deleting the account removes it too)."""
    found = applications_of(user)
    if any(a.status == ACCEPTED for a in found):
        raise ScreeningError(_("You have been accepted: your screening result is part of your training record. "
                               "Deleting your account deletes it too."))
    submitted = [a.submitted_at.isoformat() for a in found if a.submitted_at]
    _delete_applications(found)
    audit.record("screening.deleted", actor=user, subject=user, submitted=submitted)
    db.session.commit()
    return len(found)


def _delete_applications(applications: list[Application]) -> None:
    answer_ids = [answer.id for a in applications for answer in a.sample_answers]
    if answer_ids:
        db.session.execute(delete(Assessment).where(Assessment.subject_type == SUBJECT_TYPE,
                                                    Assessment.subject_id.in_(answer_ids)))
    for application in applications:
        db.session.delete(application)


# --- reviewers --------------------------------------------------------------------------
def eligible_reviewers(application: Application) -> list[User]:
    """Staff of the applicant's institution, never the applicant, nobody twice on one application."""
    taken = {review.reviewer_id for review in application.reviews if review.reviewer_id}
    query = (select(User).where(User.active.is_(True), User.id != application.user_id,
                                User.institution_id == application.institution_id,
                                User.id.in_(select(user_roles.c.user_id)
                                            .where(user_roles.c.role_name.in_(REVIEWER_ROLES))))
             .order_by(User.display_name, User.id))
    return [user for user in db.session.scalars(query) if user.id not in taken]


def needs_third_review(application: Application) -> bool:
    return bool(disputed_samples(application))


def _scores_by_round(application: Application) -> dict[int, dict[int, dict[str, int]]]:
    """round -> sample answer id -> scores, for the submitted assessments of this application."""
    ids = [answer.id for answer in application.sample_answers]
    found: dict[int, dict[int, dict[str, int]]] = {}
    if not ids:
        return found
    for assessment in db.session.scalars(select(Assessment).where(
            Assessment.subject_type == SUBJECT_TYPE, Assessment.subject_id.in_(ids),
            Assessment.submitted_at.is_not(None))):
        found.setdefault(assessment.round, {})[assessment.subject_id] = {
            k: int(v) for k, v in assessment.scores.items()}
    return found


def disputed_samples(application: Application) -> list[SampleAnswer]:
    """The samples on which the first two reviewers are more than one level apart."""
    rounds = _scores_by_round(application)
    first, second = rounds.get(FIRST, {}), rounds.get(SECOND, {})
    return [answer for answer in application.sample_answers
            if answer.id in first and answer.id in second and disputed(first[answer.id], second[answer.id])]


def first_two_in(application: Application) -> bool:
    return all((review := application.review(r)) is not None and review.is_done for r in (FIRST, SECOND))


def samples_for(review: Review) -> list[SampleAnswer]:
    """What a reviewer scores: every sample in rounds 1 and 2, the disputed ones in round 3."""
    if review.round == THIRD:
        return disputed_samples(review.application)
    return list(review.application.sample_answers)


def assign_reviewer(actor, application: Application, round_: int, reviewer: User | None) -> Review:
    if not same_institution(actor, application.institution_id):
        raise ScreeningError(_("This application belongs to another institution."))
    if application.status != SUBMITTED:
        raise ScreeningError(_("Reviewers are assigned to submitted applications that are not scored yet."))
    if round_ not in (FIRST, SECOND, THIRD):
        raise ScreeningError(_("There are a first, a second and a third reviewer, no more."))
    if round_ == THIRD and not (first_two_in(application) and needs_third_review(application)):
        raise ScreeningError(_("A third reviewer is only needed when the first two differ by more than one "
                               "level on a criterion."))
    if reviewer is None:
        raise ScreeningError(_("Choose a reviewer."))
    if reviewer.id == application.user_id:
        raise ScreeningError(_("Applicants never review their own application."))
    existing = application.review(round_)
    if existing is not None and existing.is_done:
        raise ScreeningError(_("This reviewer has scored already; the review cannot be reassigned."))
    eligible = {user.id for user in eligible_reviewers(application)}
    if existing is not None and existing.reviewer_id == reviewer.id:
        return existing
    if reviewer.id not in eligible:
        raise ScreeningError(_("%(name)s cannot review this application: reviewers are counsellors, trainers, "
                               "supervisors or coordinators of the same institution, and each reviews an "
                               "application once.", name=reviewer.display_name))
    if existing is None:
        existing = Review(round=round_)
        application.reviews.append(existing)
    existing.reviewer_id = reviewer.id
    existing.assigned_by_id = actor.id
    existing.assigned_at = utcnow()
    audit.record("screening.reviewer_assigned", actor=actor, subject=reviewer,
                 object_type="screening_application", object_id=application.id, round=round_)
    db.session.commit()
    return existing


def submit_review(reviewer, review: Review, scores: Mapping[str, Mapping[str, object]],
                  comments: Mapping[str, str] | None = None) -> None:
    """Store one reviewer's levels for their samples, all or nothing; then settle the scores.

    `scores` maps sample key -> criterion key -> level; `comments` sample key -> text.
    """
    application = review.application
    if reviewer.id == application.user_id:
        raise ScreeningError(_("You cannot score your own application."))
    if review.reviewer_id != reviewer.id:
        raise ScreeningError(_("You are not assigned to review this application."))
    if review.is_done:
        raise ScreeningError(_("You have scored this application already."))
    if application.status != SUBMITTED:
        raise ScreeningError(_("This application is no longer waiting for reviews."))
    if review.round == THIRD and not first_two_in(application):
        raise ScreeningError(_("The third review starts when the first two are in."))
    inst = instrument()
    todo = samples_for(review)
    unknown = sorted(set(scores) - {answer.sample_key for answer in todo})
    if unknown:
        raise ScreeningError(_("Sample %(keys)s is not part of this review; nothing was saved.",
                               keys=", ".join(unknown)))
    clean: dict[int, dict[str, int]] = {}
    for answer in todo:
        sample = inst.sample(answer.sample_key)
        rubric = get_rubric(sample.rubric)
        keys = sample_criteria(sample)
        given = scores.get(answer.sample_key) or {}
        extra = sorted(set(given) - set(keys))
        if extra:
            raise ScreeningError(_("Criterion %(keys)s is not used on written samples; nothing was saved.",
                                   keys=", ".join(extra)))
        levels = {}
        for key in keys:
            title = rubric.criterion(key).title[_lang()]
            raw = given.get(key)
            if raw in (None, ""):
                raise ScreeningError(_("Give every criterion a level: %(criterion)s is missing; nothing was saved.",
                                       criterion=title))
            try:
                value = int(raw)
            except (TypeError, ValueError):
                value = None
            if value not in rubric.levels:
                raise ScreeningError(_("The levels are %(low)d to %(high)d: %(criterion)s is out of range; "
                                       "nothing was saved.", low=min(rubric.levels), high=max(rubric.levels),
                                       criterion=title))
            levels[key] = value
        clean[answer.id] = levels
    for answer in todo:
        sample = inst.sample(answer.sample_key)
        submit_assessment(rubric_key=sample.rubric, subject_type=SUBJECT_TYPE, subject_id=answer.id,
                          assessor_id=reviewer.id, scores=clean[answer.id],
                          summary=str((comments or {}).get(answer.sample_key, ""))[:TEXT_MAX_CHARS],
                          round=review.round, criteria=sample_criteria(sample), decide_pass=False)
    review.completed_at = utcnow()
    audit.record("screening.reviewed", actor=reviewer, subject=application.user,
                 object_type="screening_application", object_id=application.id, round=review.round)
    db.session.flush()
    settle(application)
    db.session.commit()


def settle(application: Application) -> bool:
    """When the reviews are in, fix each sample's final levels (median of two, or of three
    where the first two disagree) and mark the application scored. The caller commits."""
    if not first_two_in(application):
        return False
    rounds = _scores_by_round(application)
    disputed_ids = {answer.id for answer in disputed_samples(application)}
    third = application.review(THIRD)
    if disputed_ids and not (third and third.is_done):
        return False
    for answer in application.sample_answers:
        sets = [rounds[r][answer.id] for r in (FIRST, SECOND)]
        if answer.id in disputed_ids:
            sets.append(rounds[THIRD][answer.id])
        answer.final_scores = median_scores(sets)
    application.status = SCORED
    application.scored_at = utcnow()
    return True


def review_scores(review: Review) -> dict[str, dict[str, int]]:
    """sample key -> levels this reviewer gave."""
    rounds = _scores_by_round(review.application).get(review.round, {})
    return {answer.sample_key: rounds[answer.id] for answer in review.application.sample_answers
            if answer.id in rounds}


def review_summaries(review: Review) -> dict[str, str]:
    ids = {answer.id: answer.sample_key for answer in review.application.sample_answers}
    if not ids:
        return {}
    found = db.session.scalars(select(Assessment).where(
        Assessment.subject_type == SUBJECT_TYPE, Assessment.subject_id.in_(list(ids)),
        Assessment.round == review.round))
    return {ids[a.subject_id]: a.summary for a in found if a.summary}


def may_see_all_scores(viewer, application: Application) -> bool:
    """Reviewers see each other's levels only when the first two are in (and their own too);
    coordinators see them from that moment as well."""
    if not first_two_in(application):
        return False
    own = next((r for r in application.reviews if r.reviewer_id == viewer.id), None)
    return own is None or own.is_done


def pending_reviews(reviewer) -> list[Review]:
    query = (select(Review).join(Application).where(Review.reviewer_id == reviewer.id,
                                                    Review.completed_at.is_(None),
                                                    Application.status == SUBMITTED)
             .order_by(Review.assigned_at))
    reviews = list(db.session.scalars(query))
    return [r for r in reviews if r.round != THIRD or first_two_in(r.application)]


def done_reviews(reviewer, limit: int = 20) -> list[Review]:
    return list(db.session.scalars(select(Review).where(Review.reviewer_id == reviewer.id,
                                                        Review.completed_at.is_not(None))
                                   .order_by(Review.completed_at.desc()).limit(limit)))


@dataclass
class Agreement:
    criterion: str
    title: dict[str, str]
    kappa: float | None
    pairs: int
    exact: float | None  # share of pairs with the same level


def agreement(institution_id: int | None) -> list[Agreement]:
    """First versus second reviewer per criterion, pooled over all applications in scope."""
    query = select(SampleAnswer.id, SampleAnswer.sample_key).join(Application)
    if institution_id is not None:
        query = query.where(Application.institution_id == institution_id)
    answers = {row[0]: row[1] for row in db.session.execute(query)}
    by_answer: dict[int, dict[int, dict]] = {}
    if answers:
        for assessment in db.session.scalars(select(Assessment).where(
                Assessment.subject_type == SUBJECT_TYPE, Assessment.round.in_((FIRST, SECOND)),
                Assessment.subject_id.in_(list(answers)), Assessment.submitted_at.is_not(None))):
            by_answer.setdefault(assessment.subject_id, {})[assessment.round] = assessment.scores
    rubric = get_rubric("chat")
    result = []
    for criterion in rubric.sample_criteria:
        first, second = [], []
        for rounds in by_answer.values():
            if FIRST in rounds and SECOND in rounds and criterion.key in rounds[FIRST] and criterion.key in rounds[SECOND]:
                first.append(int(rounds[FIRST][criterion.key]))
                second.append(int(rounds[SECOND][criterion.key]))
        kappa = quadratic_weighted_kappa(first, second, rubric.level_values) if first else None
        exact = sum(a == b for a, b in zip(first, second, strict=True)) / len(first) if first else None
        result.append(Agreement(criterion.key, criterion.title, kappa, len(first), exact))
    return result


# --- decisions --------------------------------------------------------------------------
def decide(actor, application: Application, decision: str, message: str) -> None:
    """Accept, waitlist or reject with a message; acceptance grants the trainee role and a
    place on the intake list. The applicant is told by e-mail and on their dashboard."""
    from app.accounts.services import change_roles
    from app.cohorts import add_to_intake

    if decision not in DECISIONS:
        raise ScreeningError(_("Choose accept, waitlist or reject."))
    if not same_institution(actor, application.institution_id):
        raise ScreeningError(_("This application belongs to another institution."))
    if actor.id == application.user_id:
        raise ScreeningError(_("You cannot decide on your own application."))
    if application.status not in (SCORED, WAITLISTED):
        raise ScreeningError(_("Only scored applications (or waitlisted ones) can be decided."))
    if application.status == decision:
        raise ScreeningError(_("This application has that decision already."))
    message = (message or "").strip()
    if not message:
        raise ScreeningError(_("Write a message to the applicant."))
    if len(message) > MESSAGE_MAX_CHARS:
        raise ScreeningError(_("The message can be at most %(n)d characters.", n=MESSAGE_MAX_CHARS))
    applicant = application.user
    application.status = decision
    application.decision_message = message
    application.decided_at = application.updated_at = utcnow()
    application.decided_by_id = actor.id
    audit.record("screening.decided", actor=actor, subject=applicant, object_type="screening_application",
                 object_id=application.id, decision=decision)
    if decision == ACCEPTED:
        add_to_intake(applicant, course_key="counsellor", source="screening")
        # change_roles writes the audit entry, ends the applicant's sessions and commits all of it.
        change_roles(actor, applicant, add={"trainee"}, reason="screening accepted")
    db.session.commit()
    _mail_decision(application)


def _mail_decision(application: Application) -> None:
    from app.mail import send_mail

    user = application.user
    with force_locale(user.locale or "nl"):
        subject = _("Your Hulpmix screening: the decision")
        try:
            send_mail(user.email, subject, "screening/email/decision.txt", user=user, application=application,
                      decision_label=DECISION_LABELS[application.status]())
        except (OSError, smtplib.SMTPException):
            # The decision stands and the dashboard shows it; the mail is not worth a failure.
            log.exception("could not mail the screening decision to user %s", user.id)


# --- the profile that feeds training ----------------------------------------------------
def profile_application(user) -> Application | None:
    """The attempt whose scores describe this person: the accepted one, else the latest scored."""
    found = [a for a in applications_of(user) if a.scale_scores]
    accepted = [a for a in found if a.status == ACCEPTED]
    return (accepted or found or [None])[0]


def weakest_dimensions(user, n: int = 2) -> list[str]:
    """The keys of the user's `n` lowest-scoring dimensions (courses use these to suggest lessons).

    Returns [] for someone without a scored screening. Ties keep the instrument's order.
    """
    application = profile_application(user)
    if application is None:
        return []
    scores = application.scale_scores
    ranked = sorted((key for key in DIMENSIONS if key in scores), key=lambda k: (scores[k], DIMENSIONS.index(k)))
    return ranked[:max(0, n)]


def screening_passed(user) -> Application | None:
    return next((a for a in applications_of(user) if a.status == ACCEPTED), None)


# --- reports ----------------------------------------------------------------------------
@dataclass
class StageTime:
    key: str
    count: int
    median_days: float | None
    mean_days: float | None


@dataclass
class VignetteRate:
    key: str
    answered: int
    best: float | None  # share who chose the expert's best reply
    acceptable: float | None  # share with a reply scored 2 or 3
    mean: float | None


@dataclass
class Group:
    label: str
    count: int


@dataclass
class Composition:
    accepted: int
    groups: list[Group] = field(default_factory=list)
    other: int | None = None  # people in groups under MIN_GROUP, when together at least MIN_GROUP
    hidden: bool = False  # some people are in groups too small to show


@dataclass
class Report:
    funnel: list[tuple[str, int]]
    stages: list[StageTime]
    vignettes: list[VignetteRate]
    languages: Composition
    backgrounds: Composition


def _in_scope(query, institution_id: int | None):
    return query if institution_id is None else query.where(Application.institution_id == institution_id)


def report(institution_id: int | None) -> Report:
    applications = list(db.session.scalars(_in_scope(select(Application), institution_id)))
    registered_query = select(func.count(func.distinct(User.id))).where(
        User.id.in_(select(user_roles.c.user_id).where(user_roles.c.role_name == "applicant")))
    if institution_id is not None:
        registered_query = registered_query.where(User.institution_id == institution_id)
    registered = db.session.scalar(registered_query) or 0
    funnel = [
        ("registered", registered),
        ("started", len(applications)),
        ("submitted", sum(a.submitted_at is not None for a in applications)),
        ("scored", sum(a.scored_at is not None for a in applications)),
        ("decided", sum(a.decided_at is not None for a in applications)),
        ("accepted", sum(a.status == ACCEPTED for a in applications)),
    ]
    return Report(funnel, _stage_times(applications), _vignette_rates(applications),
                  _composition([a for a in applications if a.status == ACCEPTED], _languages_of),
                  _composition([a for a in applications if a.status == ACCEPTED], _background_of))


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400


def _stage_times(applications: list[Application]) -> list[StageTime]:
    spans = {
        "to_submit": [(a.user.created_at, a.submitted_at) for a in applications if a.submitted_at],
        "to_score": [(a.submitted_at, a.scored_at) for a in applications if a.submitted_at and a.scored_at],
        "to_decide": [(a.scored_at, a.decided_at) for a in applications if a.scored_at and a.decided_at],
    }
    result = []
    for key, pairs in spans.items():
        days = [max(0.0, _days(end - start)) for start, end in pairs]
        result.append(StageTime(key, len(days), round(median(days), 1) if days else None,
                                round(sum(days) / len(days), 1) if days else None))
    return result


def _vignette_rates(applications: list[Application]) -> list[VignetteRate]:
    inst = instrument()
    submitted = [a for a in applications if a.submitted_at]
    result = []
    for vignette in inst.vignettes:
        scores = [option.score for a in submitted
                  if (option := vignette.option(str(a.vignette_answers.get(vignette.key, "")))) is not None]
        n = len(scores)
        result.append(VignetteRate(vignette.key, n,
                                   round(sum(s == 3 for s in scores) / n, 2) if n else None,
                                   round(sum(s >= 2 for s in scores) / n, 2) if n else None,
                                   round(sum(scores) / n, 2) if n else None))
    return result


def _languages_of(application: Application) -> list[str]:
    inst = instrument()
    key = next(q.key for q in inst.questions if q.type == "languages")
    return [row["language"] for row in application.background.get(key) or [] if row.get("language")]


def _background_of(application: Application) -> list[str]:
    value = str(application.background.get("cultural_background") or "").strip()
    return [value] if value else []


def _composition(accepted: list[Application], values_of) -> Composition:
    """Count people per group (case-insensitive); groups under MIN_GROUP are never named."""
    people_per_user: dict[int, set[str]] = {}
    labels: dict[str, str] = {}
    for application in accepted:
        for value in values_of(application):
            norm = " ".join(value.casefold().split())
            labels.setdefault(norm, value.strip())
            people_per_user.setdefault(application.user_id, set()).add(norm)
    counts = Counter(norm for groups in people_per_user.values() for norm in groups)
    shown = [Group(labels[norm], n) for norm, n in counts.most_common() if n >= MIN_GROUP]
    small_people = {uid for uid, groups in people_per_user.items()
                    if any(counts[g] < MIN_GROUP for g in groups)}
    unstated = len({a.user_id for a in accepted}) - len(people_per_user)
    small = len(small_people) + unstated
    return Composition(len({a.user_id for a in accepted}), sorted(shown, key=lambda g: (-g.count, g.label)),
                       small if small >= MIN_GROUP else None, hidden=0 < small < MIN_GROUP)


# --- data rights ------------------------------------------------------------------------
def retention_days() -> int:
    return int(current_app.config.get("SCREENING_RETENTION_DAYS", 730))


def purge_expired(now: datetime | None = None) -> int:
    """Delete rejected and withdrawn applications (and drafts left untouched) older than the
    retention period; returns how many were deleted."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days())
    expired = list(db.session.scalars(select(Application).where(or_(
        (Application.status == REJECTED) & (Application.decided_at < cutoff),
        (Application.status == WITHDRAWN) & (Application.withdrawn_at < cutoff),
        (Application.status == DRAFT) & (Application.updated_at < cutoff),
    ))))
    _delete_applications(expired)
    if expired:
        audit.record("screening.purged", count=len(expired), retention_days=retention_days())
    db.session.commit()
    return len(expired)


def on_account_deleting(user, **_kwargs) -> None:
    """The account goes: its applications go with it; reviews it gave stay, without the name."""
    _delete_applications(applications_of(user))
    db.session.execute(update(Review).where(Review.reviewer_id == user.id).values(reviewer_id=None))
    db.session.execute(update(Review).where(Review.assigned_by_id == user.id).values(assigned_by_id=None))
    db.session.execute(update(Application).where(Application.decided_by_id == user.id).values(decided_by_id=None))


def on_account_exporting(user, **_kwargs):
    """The screening section of the personal data download."""
    applications = applications_of(user)
    reviews_given = db.session.scalar(select(func.count()).select_from(Review)
                                      .where(Review.reviewer_id == user.id, Review.completed_at.is_not(None)))
    if not applications and not reviews_given:
        return None

    def stamp(value):
        return value.isoformat() + "Z" if value else None

    return "screening", {
        "applications": [{
            "status": a.status,
            "started_at": stamp(a.created_at), "submitted_at": stamp(a.submitted_at),
            "scored_at": stamp(a.scored_at), "decided_at": stamp(a.decided_at),
            "withdrawn_at": stamp(a.withdrawn_at), "decision_message": a.decision_message,
            "background": a.background, "scale_answers": a.scale_answers,
            "vignette_answers": a.vignette_answers, "scale_scores": a.scale_scores,
            "vignette_score": a.vignette_score, "vignette_max": a.vignette_max,
            "written_samples": [{"sample": s.sample_key, "reply": s.text, "final_scores": s.final_scores}
                                for s in a.sample_answers],
        } for a in applications],
        "reviews_given": reviews_given,
    }


# --- labels (translated at use) ---------------------------------------------------------
STEP_TITLES = {
    "background": lambda: _("About you"),
    "scales": lambda: _("Statements about yourself"),
    "vignettes": lambda: _("Chat situations"),
    "samples": lambda: _("Write a reply"),
}
DECISION_LABELS = {
    ACCEPTED: lambda: _("accepted"),
    WAITLISTED: lambda: _("on the waiting list"),
    REJECTED: lambda: _("not accepted"),
}
STATUS_LABELS = {
    DRAFT: lambda: _("Not submitted yet"),
    SUBMITTED: lambda: _("Submitted: being reviewed"),
    SCORED: lambda: _("Scored: waiting for a decision"),
    ACCEPTED: lambda: _("Accepted"),
    WAITLISTED: lambda: _("On the waiting list"),
    REJECTED: lambda: _("Not accepted"),
    WITHDRAWN: lambda: _("Withdrawn"),
}
OPEN_STATUSES = OPEN
