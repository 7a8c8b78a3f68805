"""The applicant's journey through the pages: steps, save and resume, submit once, bad input."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.screening import services
from app.screening.instrument import get_instrument
from app.screening.models import Application
from app.timeutil import freeze, utcnow
from tests.conftest import sign_in_session
from tests.screening.conftest import REPLY, answer_everything


def _application(user) -> Application:
    return services.current_application(user)


def test_the_applicant_sees_the_steps_and_the_instructions_before_the_scales(client, signed_in):
    user = signed_in("applicant")
    page = client.get("/screening/").get_data(as_text=True)
    assert "Start de screening" in page
    assert client.post("/screening/start").headers["Location"].endswith("/screening/step/background")
    scales = client.get("/screening/step/scales?lang=en").get_data(as_text=True)
    assert scales.index("Answer as you usually act") < scales.index(get_instrument().items_interleaved[0].text["en"])
    assert _application(user).status == "draft"


def test_background_answers_are_saved_with_languages_and_need_consent_for_background(client, signed_in):
    user = signed_in("applicant")
    client.post("/screening/start")
    form = {"languages-0-language": "Turks", "languages-0-level": "moedertaal",
            "languages-1-language": "Nederlands", "languages-1-level": "",
            "cultural_background": "Turks-Nederlands", "experience": "Huiswerkbegeleiding",
            "availability_hours": "4-6", "motivation": "Omdat het ertoe doet."}
    response = client.post("/screening/step/background", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kies een niveau voor deze taal." in page and "Vink dit aan" in page
    assert _application(user).background == {}
    form.update({"languages-1-level": "vloeiend", "consent": "y"})
    assert client.post("/screening/step/background", data=form).status_code == 302
    background = _application(user).background
    assert background["languages"] == [{"language": "Turks", "level": "moedertaal"},
                                       {"language": "Nederlands", "level": "vloeiend"}]
    assert background["cultural_background"] == "Turks-Nederlands"


def test_scales_can_be_saved_halfway_and_resumed(client, signed_in):
    user = signed_in("applicant")
    client.post("/screening/start")
    items = get_instrument().items
    half = {f"item:{item.key}": "4" for item in items[:10]}
    assert client.post("/screening/step/scales", data={**half, "action": "save"}).status_code == 302
    page = client.get("/screening/step/scales").get_data(as_text=True)
    assert page.count("checked") == 10
    response = client.post("/screening/step/scales", data={**half, "action": "next"})
    assert response.status_code == 200 and "10 van de 45 beantwoord" in response.get_data(as_text=True)
    everything = {f"item:{item.key}": "2" for item in items}
    response = client.post("/screening/step/scales", data={**everything, "action": "next"})
    assert response.headers["Location"].endswith("/screening/step/vignettes")
    assert set(_application(user).scale_answers.values()) == {2}


def test_answers_to_items_that_do_not_exist_or_out_of_range_are_refused_whole(client, signed_in):
    user = signed_in("applicant")
    client.post("/screening/start")
    key = get_instrument().items[0].key
    response = client.post("/screening/step/scales", data={f"item:{key}": "4", "item:zz99": "3", "action": "save"})
    assert response.status_code == 400 and "Er is geen stelling zz99" in response.get_data(as_text=True)
    response = client.post("/screening/step/scales", data={f"item:{key}": "9", "action": "save"})
    assert response.status_code == 400 and "Antwoorden zijn 1 tot 5" in response.get_data(as_text=True)
    vignette = get_instrument().vignettes[0].key
    response = client.post("/screening/step/vignettes", data={f"vignette:{vignette}": "e", "action": "save"})
    assert response.status_code == 400
    response = client.post("/screening/step/samples", data={"sample:s99": REPLY, "action": "save"})
    assert response.status_code == 400
    application = _application(user)
    assert application.scale_answers == {} and application.vignette_answers == {}
    assert application.sample_answers == []
    assert client.get("/screening/step/nonsense").status_code == 404


def test_incomplete_and_double_submissions_are_refused(client, signed_in, make_user):
    user = signed_in("applicant")
    client.post("/screening/start")
    response = client.post("/screening/submit", follow_redirects=True)
    assert "Maak eerst elke stap af" in response.get_data(as_text=True)
    assert _application(user).status == "draft"
    answer_everything(_application(user))
    assert "Verstuurd" in client.post("/screening/submit", follow_redirects=True).get_data(as_text=True)
    again = client.post("/screening/submit", follow_redirects=True).get_data(as_text=True)
    assert "Je hebt deze aanmelding al verstuurd." in again
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1
    # Answers cannot change after submitting.
    key = get_instrument().items[0].key
    client.post("/screening/step/scales", data={f"item:{key}": "1", "action": "save"})
    db.session.expire_all()
    assert _application(user).scale_answers[key] == 4


def test_one_attempt_per_six_months(client, signed_in, submitted, coordinator, reviewed):
    user = signed_in("applicant")
    application = submitted(user)
    services.withdraw(user, application)
    page = client.post("/screening/start", follow_redirects=True).get_data(as_text=True)
    assert "eens per 6 maanden" in page
    try:
        freeze(utcnow() + timedelta(days=183))
        sign_in_session(client, user)  # the earlier session timed out meanwhile
        assert client.post("/screening/start").status_code == 302
        assert _application(user).status == "draft" and _application(user).id != application.id
    finally:
        freeze(None)


def test_deleting_screening_data_does_not_reset_the_six_months(client, signed_in, submitted):
    user = signed_in("applicant")
    submitted(user)
    response = client.post("/screening/delete", data={"confirm": "y"}, follow_redirects=True)
    assert "Je screeninggegevens zijn verwijderd." in response.get_data(as_text=True)
    assert services.applications_of(user) == []
    assert "eens per 6 maanden" in client.post("/screening/start", follow_redirects=True).get_data(as_text=True)


def test_withdrawing_is_possible_until_the_decision(client, signed_in, submitted):
    user = signed_in("applicant")
    submitted(user)
    page = client.post("/screening/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "Je aanmelding is ingetrokken." in page and "Ingetrokken" in page
    again = client.post("/screening/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "al besloten of ze is al ingetrokken" in again
