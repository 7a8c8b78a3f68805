"""Simulations as trainees and trainers use them: scripted practice, live role-play,
observers, assessment with the rubric, and the certification requirement."""

from __future__ import annotations

import textwrap

import pytest
from sqlalchemy import func, select

from app.assessment import get_rubric
from app.certification import evaluate
from app.contentfiles import ContentErrors
from app.conversations import Conversation, Message
from app.extensions import db
from simulations import services
from simulations.engine import ScriptedYouth
from simulations.models import Simulation
from simulations.scenarios import load_all, load_scenario, scenarios
from tests.conftest import sign_in_session

SCRIPT = textwrap.dedent("""
    key: 99-test
    title: {nl: Test, en: Test}
    risk: high
    difficulty: 1
    persona: {name: Sara, age: 15, background: {nl: a, en: a}, family: {nl: b, en: b}, writing_style: {nl: c, en: c}}
    presenting_problem: {nl: ruzie, en: fight}
    underlying: {nl: meer, en: more}
    risk_signals: {nl: [dood], en: [dead]}
    learning_goals: {nl: [vragen], en: [ask]}
    trainer_instructions: {nl: speel, en: play}
    opening_lines: {nl: [hoi], en: [hi]}
    script:
      start: opening
      stages:
        opening:
          phase: welcome
          triggers:
            - when: [open_question]
              reply: {nl: ["nou", "thuis is het kut"], en: ["well", "home sucks"]}
              goto: story
            - when: [advice]
              reply: {nl: ["laat maar"], en: ["forget it"]}
              goto: gone
          fallback: {nl: ["..", "hallo?"], en: ["..", "hello?"]}
          patience: 2
          on_impatience: gone
        story:
          phase: clarify
          triggers:
            - when: [safety_question]
              reply: {nl: ["ja soms denk ik dat"], en: ["yes sometimes i think that"]}
              goto: done
          fallback: {nl: ["hmm"], en: ["hmm"]}
        done:
          end: true
        gone:
          end: true
""")


@pytest.fixture
def test_scenario(tmp_path):
    path = tmp_path / "99-test.yml"
    path.write_text(SCRIPT)
    return load_scenario(path)


def test_every_scenario_file_loads_with_its_script():
    found = load_all()
    assert len(found) >= 10
    assert sum(1 for s in found.values() if s.is_scripted) >= 4
    assert {s.risk for s in found.values()} >= {"low", "medium", "high"}


def test_a_broken_script_is_refused_with_file_and_line(tmp_path):
    broken = SCRIPT.replace("goto: story", "goto: nowhere").replace("pattern", "x")
    path = tmp_path / "99-test.yml"
    path.write_text(broken)
    with pytest.raises(ContentErrors) as error:
        load_scenario(path)
    text = str(error.value)
    assert "goto 'nowhere' names no stage" in text and f"{path}:" in text
    assert "stage 'story' cannot be reached" in text


def test_the_scripted_youth_opens_up_closes_down_and_leaves_as_its_script_says(test_scenario):
    youth = ScriptedYouth(test_scenario, "nl")
    opening, state = youth.start()
    assert opening == ("hoi",)
    reply = youth.respond(state, "Hoi! Wat is er aan de hand?")
    assert reply.lines == ("nou", "thuis is het kut") and reply.state.stage == "story" and reply.phase == "clarify"
    safe = youth.respond(reply.state, "Denk je weleens aan zelfmoord?")
    assert safe.lines == ("ja soms denk ik dat",) and safe.ended
    # Advice too early: the youth leaves.
    rushed = youth.respond(state, "Je moet gewoon met je ouders praten.")
    assert rushed.lines == ("laat maar",) and rushed.ended
    # Nothing that lands, twice: patience runs out.
    first = youth.respond(state, "Oké.")
    second = youth.respond(first.state, "Oké.")
    assert (first.lines, second.lines) == (("..",), ("hallo?",)) and second.ended


def test_the_scripted_youth_speaks_english_when_practising_in_english(test_scenario):
    youth = ScriptedYouth(test_scenario, "en")
    _, state = youth.start()
    assert youth.respond(state, "Hi! What is going on?").lines == ("well", "home sucks")


def _scripted_key() -> str:
    return next(s.key for s in scenarios().values() if s.is_scripted)


def test_a_trainee_practises_with_the_virtual_youth_through_the_console(app, client, signed_in, socket_client):
    trainee = signed_in("trainee")
    response = client.post("/simulations/practice", data={"scenario": _scripted_key()})
    assert response.status_code == 302
    sim = db.session.scalar(select(Simulation))
    assert sim.mode == "scripted" and sim.trainee_id == trainee.id
    opening = db.session.scalars(select(Message).where(Message.conversation_id == sim.conversation_id)).all()
    assert opening and all(m.side == "youth" for m in opening)

    page = client.get(f"/simulations/{sim.id}").get_data(as_text=True)
    assert "data-console" in page and "Simulatie" in page and opening[0].body in page

    sc = socket_client()
    ack = sc.emit("send", {"conversation_id": sim.conversation_id, "client_id": "t-1",
                           "body": "Hoi, welkom bij Hulpmix! Wat wil je vertellen?"}, namespace="/chat", callback=True)
    assert ack["ok"]
    replies = db.session.scalars(select(Message).where(Message.conversation_id == sim.conversation_id,
                                                       Message.seq > ack["seq"])).all()
    assert replies and all(m.side == "youth" for m in replies)
    db.session.refresh(sim)
    assert sim.youth_state["turns"] == 1


def test_a_trainer_plays_the_youth_live_for_two_trainees_and_assesses(app, client, cohort, socket_client):
    trainer, (emre, noor, _sem) = cohort
    sign_in_session(client, trainer)
    key = next(s.key for s in scenarios().values() if s.risk in ("high", "acute"))
    response = client.post("/simulations/start", data={"scenario": key, "trainees": [emre.id, noor.id], "lang": "nl"})
    assert response.status_code == 302
    sims = db.session.scalars(select(Simulation).order_by(Simulation.id)).all()
    assert [s.trainee_id for s in sims] == [emre.id, noor.id] and len({s.conversation_id for s in sims}) == 2
    card_page = client.get(f"/simulations/{sims[0].id}").get_data(as_text=True)
    assert "Scenariokaart" in card_page and "Emre" in card_page and "Noor" in card_page

    trainee_http = app.test_client()
    sign_in_session(trainee_http, emre)
    trainee_page = trainee_http.get(f"/simulations/{sims[0].id}").get_data(as_text=True)
    assert "Simulatie: oefenen, geen echte jongere" in trainee_page and "Scenariokaart" not in trainee_page

    youth_side, counsellor_side = socket_client(client), socket_client(trainee_http)
    cid = sims[0].conversation_id
    assert youth_side.emit("send", {"conversation_id": cid, "client_id": "y1", "body": "hoi"}, namespace="/chat", callback=True)["ok"]
    assert counsellor_side.emit("send", {"conversation_id": cid, "client_id": "c1", "body": "Hoi! Wat wil je vertellen?"},
                                namespace="/chat", callback=True)["ok"]
    # Noor's chat is separate: nothing of Emre's arrives there.
    assert db.session.scalar(select(func.count()).select_from(Message).where(Message.conversation_id == sims[1].conversation_id)) == 0

    not_yet = client.post(f"/simulations/{sims[0].id}/assess", data={})
    assert "Beëindig het gesprek voordat je het beoordeelt" in not_yet.get_data(as_text=True)
    client.post(f"/simulations/{sims[0].id}/end")
    assert db.session.get(Conversation, cid).status == "ended"

    message = db.session.scalar(select(Message).where(Message.conversation_id == cid, Message.side == "counsellor"))
    client.post(f"/simulations/{sims[0].id}/annotate", data={"message_id": message.id, "body": "Mooie open vraag."})
    scores = {f"score_{k}": "3" for k in get_rubric("chat").criterion_keys}
    incomplete = client.post(f"/simulations/{sims[0].id}/assess", data={**scores, "score_risk": "", "passed": "yes", "confirm": "y"})
    assert "Kies een niveau" in incomplete.get_data(as_text=True)
    done = client.post(f"/simulations/{sims[0].id}/assess", data={**scores, "passed": "yes", "confirm": "y",
                                                                  "summary": "Goed begin."})
    assert done.status_code == 302
    db.session.refresh(sims[0])
    assert sims[0].status == "assessed" and sims[0].passed is True

    transcript = trainee_http.get(f"/simulations/{sims[0].id}/transcript").get_data(as_text=True)
    assert "Mooie open vraag." in transcript and "Goed begin." in transcript and "gehaald" in transcript
    assert client.post(f"/simulations/{sims[0].id}/assess", data={**scores, "passed": "no", "confirm": "y"}).status_code == 302
    db.session.refresh(sims[0])
    assert sims[0].passed is True  # assessed once; a second post changes nothing


def test_a_trainee_cannot_assess_or_play_and_outsiders_cannot_look(app, client, cohort, make_user, make_institution):
    trainer, (emre, _noor, _sem) = cohort
    sim = services.start_live(trainer, [emre], _scripted_key())[0]
    sign_in_session(client, emre)
    assert client.get(f"/simulations/{sim.id}/assess").status_code == 403
    assert client.post(f"/simulations/{sim.id}/notes", data={"notes": "x"}).status_code == 403
    stranger = make_user("trainer", institution_obj=make_institution())
    other = app.test_client()
    sign_in_session(other, stranger)
    assert other.get(f"/simulations/{sim.id}").status_code == 403
    assert other.get(f"/simulations/{sim.id}/transcript").status_code == 403


def test_cohort_mates_read_along_without_writing(app, client, cohort, socket_client):
    trainer, (emre, noor, _sem) = cohort
    sim = services.start_live(trainer, [emre], _scripted_key())[0]
    sign_in_session(client, noor)
    assert client.post(f"/simulations/{sim.id}/observe").status_code == 302
    page = client.get(f"/simulations/{sim.id}").get_data(as_text=True)
    assert "je kunt hier niet schrijven" in page
    observer = socket_client(client)
    ack = observer.emit("send", {"conversation_id": sim.conversation_id, "client_id": "o1", "body": "hoi"},
                        namespace="/chat", callback=True)
    assert ack["error"] == "read_only"


def _passed(trainer, trainee, risk_key):
    sim = services.start_live(trainer, [trainee], risk_key)[0]
    services.finish(sim, by="trainer")
    services.assess(sim, trainer, scores=dict.fromkeys(get_rubric("chat").criterion_keys, 3), comments={},
                    summary="", passed=True)


def test_certification_needs_three_passed_by_two_trainers_one_high_risk(app, make_user):
    trainee = make_user("trainee")
    first, second = make_user("trainer"), make_user("trainer")
    low = next(s.key for s in scenarios().values() if s.risk == "low")
    high = next(s.key for s in scenarios().values() if s.risk in ("high", "acute"))
    requirement = dict((req.key, result) for req, result in evaluate(trainee, "counsellor"))["simulations"]
    assert not requirement.met
    _passed(first, trainee, low)
    _passed(first, trainee, low)
    _passed(first, trainee, low)
    result = services.simulations_requirement(trainee)
    assert not result.met and "trainer" in result.missing and "hoog risico" in result.missing
    _passed(second, trainee, high)
    assert services.simulations_requirement(trainee).met
