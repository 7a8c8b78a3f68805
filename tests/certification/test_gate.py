"""The live gate: no, shadow, supervised or live, and how many chats at once."""

from __future__ import annotations

import pytest

from app.certification import chats_done, live_gate, register_chat_counter
from app.certification.services import issue, sign_off
from app.extensions import db


@pytest.fixture
def newly_certified(make_user, coordinator, certified_trainer, training):
    person = make_user("trainee")
    training.meet(person)
    sign_off(certified_trainer, person, "counsellor")
    issue(coordinator, person, "counsellor")
    return person


def test_people_without_a_certificate_may_not_chat(make_user, training):
    for role in ("applicant", "supervisor", "coordinator"):
        gate = live_gate(make_user(role))
        assert (gate.mode, gate.max_chats, gate.reason) == ("no", 0, "no_certificate")
    assert live_gate(None).mode == "no"


def test_a_trainee_needs_the_course_and_a_simulation_for_shadow_mode(make_user, training):
    trainee = make_user("trainee")
    assert live_gate(trainee).reason == "shadow_not_ready"
    training.meet(trainee, "shadow_course")
    assert live_gate(trainee).mode == "no"
    training.meet(trainee, "shadow_simulation")
    gate = live_gate(trainee)
    assert (gate.mode, gate.max_chats) == ("shadow", 1)
    assert "drafts" in gate.message


def test_without_registered_shadow_prerequisites_nobody_shadows(app, make_user):
    assert live_gate(make_user("trainee")).mode == "no"


def test_newly_certified_counsellors_are_supervised_for_their_first_ten_chats(newly_certified, training):
    gate = live_gate(newly_certified)
    assert (gate.mode, gate.max_chats, gate.supervised_chats_left) == ("supervised", 1, 10)
    assert gate.may_start(0) and not gate.may_start(1)
    training.chats[newly_certified.id] = 9
    assert live_gate(newly_certified).supervised_chats_left == 1
    training.chats[newly_certified.id] = 10
    gate = live_gate(newly_certified)
    assert (gate.mode, gate.max_chats) == ("live", 2)
    assert gate.may_start(1) and not gate.may_start(2)


@pytest.mark.parametrize("app_config", [{"LIVE_SUPERVISED_CHATS": 3, "LIVE_MAX_CHATS": 4}])
def test_the_numbers_come_from_configuration(newly_certified, training, app_config):
    training.chats[newly_certified.id] = 2
    assert live_gate(newly_certified).supervised_chats_left == 1
    training.chats[newly_certified.id] = 3
    assert live_gate(newly_certified).max_chats == 4


def test_founding_staff_work_live_at_once(make_user, founding, training):
    person = make_user("supervisor")
    founding(person)
    gate = live_gate(person)
    assert (gate.mode, gate.max_chats, gate.reason) == ("live", 2, "founding")


def test_a_deactivated_account_may_not_chat(make_user, founding, training):
    person = make_user("supervisor")
    founding(person)
    person.active = False
    db.session.commit()
    assert live_gate(person).reason == "inactive"


def test_the_chat_counter_defaults_to_zero_and_registers_once(app, make_user):
    person = make_user("counsellor")
    app.extensions.pop("hulpmix.certification.chat_counter", None)  # the one live help registers
    assert chats_done(person) == 0
    register_chat_counter(app, lambda user, since: 7)
    assert chats_done(person) == 7
    with pytest.raises(ValueError, match="registered already"):
        register_chat_counter(app, lambda user, since: 0)


def test_the_progress_page_tells_the_counsellor_their_mode(client, newly_certified):
    from tests.conftest import sign_in_session

    db.session.refresh(newly_certified)
    sign_in_session(client, newly_certified)
    html = client.get("/certification/?lang=en").get_data(as_text=True)
    assert "Supervised: one chat at a time" in html and "for 10 more chats" in html
