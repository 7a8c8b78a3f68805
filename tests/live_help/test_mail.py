"""The anonymous mail service: write and pick up without an account (code + password, or a
secret link), the counsellors' inbox (claim, draft, send, approval), answer times in working
days, the wrong-password limit, deletion by the young person, retention and figures."""

from __future__ import annotations

import re
import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.certification.services import issue, register_founding, sign_off
from app.extensions import db
from app.timeutil import freeze, utcnow
from live_help.mail import services
from live_help.mail.models import MailMessage, MailStat, MailThread
from live_help.models import Holiday
from tests.certification.conftest import register_training
from tests.conftest import sign_in_session

PASSWORD = "geheim-wachtwoord"
QUESTION = {"subject": "Ruzie met mijn vader", "body": "Mijn vader en ik hebben elke dag ruzie over school. "
            "Ik weet niet meer hoe ik met hem moet praten.", "age_group": "15-17", "gender": "girl",
            "access": "password", "password": PASSWORD, "password_again": PASSWORD}
FOUNDING_REASON = "Counsellor at this institution since 2005, trained before Hulpmix."


# --- helpers ---------------------------------------------------------------------------------
@pytest.fixture
def training(app):
    return register_training(app)


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", display_name="Hodan")


@pytest.fixture
def counsellor(make_user, coordinator):
    """make_counsellor("supervisor", name=...): a founding counsellor, live at once."""

    def make(*extra_roles: str, name: str = "") -> object:
        user = make_user("counsellor", *extra_roles, display_name=name or None)
        register_founding(coordinator, user, "counsellor", FOUNDING_REASON)
        db.session.refresh(user)
        return user

    return make


def staff_client(app, user):
    staff = app.test_client()
    sign_in_session(staff, user)
    return staff


def write(client, **changes):
    response = client.post("/mail/schrijven", data={**QUESTION, **changes})
    html = response.get_data(as_text=True)
    code = re.search(r"data-pickup-code>([A-Z0-9-]+)<", html)
    link = re.search(r'data-mail-link>(http[^<]+)<', html)
    return response, (code.group(1) if code else None), (link.group(1) if link else None)


def latest_thread() -> MailThread:
    db.session.expire_all()
    return db.session.scalars(select(MailThread).order_by(MailThread.id.desc())).first()


def fresh_message(message_id: int) -> MailMessage:
    db.session.expire_all()
    return db.session.get(MailMessage, message_id)


def pick_up(client, code, password=PASSWORD):
    return client.post("/mail/ophalen", data={"code": code, "password": password})


# --- the young person's round trip -----------------------------------------------------------
def test_round_trip_write_claim_draft_send_pick_up_and_reply(app, client, counsellor):
    app.config["MAIL_APPROVAL_FIRST"] = 0
    response, code, _link = write(client)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", code)
    assert "Schrijf deze code nu op" in html
    thread = latest_thread()
    assert thread.pickup_code == code.replace("-", "") and thread.status == "waiting"
    assert thread.password_hash and PASSWORD not in thread.password_hash and not thread.link_hash
    assert (thread.age_group, thread.gender) == ("15-17", "girl")

    # Before an answer: the young person is told when to expect one.
    youth = app.test_client()
    assert pick_up(youth, code).status_code == 302
    page = youth.get("/mail/gesprek")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Je krijgt het uiterlijk op" in page.get_data(as_text=True)

    anna = counsellor(name="Anna")
    staff = staff_client(app, anna)
    inbox = staff.get("/mail/postvak").get_data(as_text=True)
    assert "Ruzie met mijn vader" in inbox and "vrij" in inbox
    assert staff.get(f"/mail/postvak/{thread.id}").status_code == 200
    opened = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mail.opened")).all()
    assert [(e.actor_id, e.object_type, e.object_id) for e in opened] == [(anna.id, "mail_thread", str(thread.id))]

    assert staff.post(f"/mail/postvak/{thread.id}/claimen").status_code == 302
    assert latest_thread().claimed_by_id == anna.id
    draft = "Wat naar dat jullie zoveel ruzie hebben. Wanneer gaat het wel een beetje goed tussen jullie?"
    assert staff.post(f"/mail/postvak/{thread.id}/antwoord", data={"body": draft, "save": "1"}).status_code == 302
    assert draft in staff.get(f"/mail/postvak/{thread.id}").get_data(as_text=True)  # editable
    assert draft not in youth.get("/mail/gesprek").get_data(as_text=True)  # a draft is not sent

    response = staff.post(f"/mail/postvak/{thread.id}/antwoord", data={"body": draft + " Groet, Anna", "send": "1"})
    assert response.status_code == 302
    assert latest_thread().status == "answered" and latest_thread().claimed_by_id is None

    # Reload keeps the thread open; a new device needs the code (typed loosely) and password.
    html = youth.get("/mail/gesprek").get_data(as_text=True)
    assert "Groet, Anna" in html and "Je hebt een antwoord" in html
    other = app.test_client()
    assert pick_up(other, " " + code.lower().replace("-", " ") + " ").status_code == 302
    assert "Groet, Anna" in other.get("/mail/gesprek").get_data(as_text=True)

    # The young person replies: the thread is back in the inbox.
    assert youth.post("/mail/gesprek", data={"body": "Dank je. Soms als we samen voetbal kijken."}).status_code == 302
    assert latest_thread().status == "waiting"
    assert "Ruzie met mijn vader" in staff.get("/mail/postvak").get_data(as_text=True)
    assert "samen voetbal kijken" in youth.get("/mail/gesprek").get_data(as_text=True)

    # Close forgets it on this device.
    youth.get("/mail/sluiten")
    assert youth.get("/mail/gesprek").headers["Location"].endswith("/mail/ophalen")


def test_the_secret_link_opens_the_thread_and_only_its_hash_is_stored(app, client):
    response, code, link = write(client, access="link", password="", password_again="")
    assert response.status_code == 200 and link and code is None
    token = link.rsplit("/", 1)[1]
    thread = latest_thread()
    assert thread.link_hash == services.hash_link(token) and token not in thread.link_hash
    assert not thread.password_hash

    youth = app.test_client()
    opened = youth.get(link.replace("http://hulpmix.test", ""))
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/mail/gesprek")
    assert "Ruzie met mijn vader" in youth.get("/mail/gesprek").get_data(as_text=True)
    wrong = app.test_client().get("/mail/link/" + token[:-2] + "xx")
    assert wrong.status_code == 404 and "opent geen mail" in wrong.get_data(as_text=True)
    # The pickup code of a link thread cannot be opened with any password.
    assert pick_up(app.test_client(), thread.pickup_code, "").status_code == 400
    assert pick_up(app.test_client(), thread.pickup_code, "whatever-123").status_code == 403


def test_a_stale_session_does_not_open_a_new_thread_with_the_same_id(app, client):
    _r, code, _l = write(client)
    youth = app.test_client()
    pick_up(youth, code)
    services.delete_thread(latest_thread())
    write(client, subject="Iemand anders zijn vraag")  # SQLite may give it the same id
    assert youth.get("/mail/gesprek").status_code == 302


# --- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize(("changes", "message"), [
    ({"subject": ""}, "Schrijf een onderwerp."),
    ({"subject": "x" * 121}, "Gebruik hoogstens 120 tekens."),
    ({"body": ""}, "Schrijf je bericht."),
    ({"body": "x" * 5001}, "Gebruik hoogstens 5000 tekens."),
    ({"password": "kort", "password_again": "kort"}, "Gebruik minstens 8 tekens."),
    ({"password": "", "password_again": ""}, "Kies een wachtwoord, of kies een geheime link."),
    ({"password_again": "iets-anders-123"}, "De twee wachtwoorden zijn niet hetzelfde."),
    ({"age_group": "99"}, "Ongeldige keuze."),
])
def test_bad_input_gets_a_clear_message_and_nothing_is_stored(client, changes, message):
    response, code, _ = write(client, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and code is None
    assert message in html
    assert db.session.scalar(select(func.count()).select_from(MailThread)) == 0


def test_personal_data_gets_a_friendly_warning_once_and_can_be_sent_anyway(client):
    body = QUESTION["body"] + " Je kunt me bellen op 06-12345678."
    first = client.post("/mail/schrijven", data={**QUESTION, "body": body})
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "data-personal-warning" in html and "telefoonnummer" in html
    assert 'name="personal_checked" type="hidden" value="1"' in html
    assert db.session.scalar(select(func.count()).select_from(MailThread)) == 0
    response, code, _ = write(client, body=body, personal_checked="1")
    assert response.status_code == 200 and code


def test_risk_words_put_a_question_on_top_and_show_urgent_numbers(app, client, counsellor):
    write(client, subject="Gewoon een vraag")
    response, _code, _ = write(client, subject="Help", body="Ik wil niet meer leven, ik denk aan zelfmoord.")
    assert "113" in response.get_data(as_text=True)
    rows = services.inbox()
    assert [r.thread.subject for r in rows] == ["Help", "Gewoon een vraag"]
    assert rows[0].thread.risk_level == "acute"
    html = staff_client(app, counsellor()).get("/mail/postvak").get_data(as_text=True)
    assert "risico: acute" in html


def test_oversized_replies_and_requests_without_a_thread_never_fail(app, client):
    _r, code, _ = write(client)
    pick_up(client, code)
    response = client.post("/mail/gesprek", data={"body": "x" * 5001})
    assert response.status_code == 400 and "Gebruik hoogstens 5000 tekens." in response.get_data(as_text=True)
    fresh = app.test_client()
    for path in ("/mail/gesprek", "/mail/gesprek/verwijderen"):
        assert fresh.get(path).status_code == 302
        assert fresh.post(path, data={"body": "hallo"}).status_code == 302


# --- counsellors -----------------------------------------------------------------------------
def test_two_counsellors_claiming_at_once_one_wins(app, client, counsellor):
    write(client)
    thread_id = latest_thread().id
    first, second = counsellor(name="Anna"), counsellor(name="Bram")
    barrier = threading.Barrier(2)
    results: dict[int, bool] = {}

    def claim(user_id: int) -> None:
        with app.app_context():
            from app.accounts.models import User

            user = db.session.get(User, user_id)
            barrier.wait()
            results[user_id] = services.claim(thread_id, user)
            db.session.remove()

    workers = [threading.Thread(target=claim, args=(u.id,)) for u in (first, second)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(results.values()) == [False, True]
    winner = first.id if results[first.id] else second.id
    loser = second if winner == first.id else first
    assert latest_thread().claimed_by_id == winner
    # The other counsellor gets a clear message and cannot write the answer.
    staff = staff_client(app, loser)
    response = staff.post(f"/mail/postvak/{thread_id}/claimen", follow_redirects=True)
    assert "Een andere counselor heeft deze vraag net genomen." in response.get_data(as_text=True)
    response = staff.post(f"/mail/postvak/{thread_id}/antwoord", data={"body": "Hoi!", "send": "1"},
                          follow_redirects=True)
    assert "Een andere counselor heeft deze vraag genomen." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 1


def test_release_gives_the_question_back_and_keeps_the_draft(app, client, counsellor):
    write(client)
    thread = latest_thread()
    anna, bram = counsellor(name="Anna"), counsellor(name="Bram")
    staff = staff_client(app, anna)
    staff.post(f"/mail/postvak/{thread.id}/claimen")
    staff.post(f"/mail/postvak/{thread.id}/antwoord", data={"body": "Een begin van een antwoord.", "save": "1"})
    assert staff.post(f"/mail/postvak/{thread.id}/vrijgeven").status_code == 302
    assert latest_thread().claimed_by_id is None
    other = staff_client(app, bram)
    other.post(f"/mail/postvak/{thread.id}/claimen")
    assert "Een begin van een antwoord." in other.get(f"/mail/postvak/{thread.id}").get_data(as_text=True)


def test_a_counsellor_whose_gate_says_no_is_refused(app, client, make_user):
    write(client)
    thread = latest_thread()
    uncertified = make_user("counsellor")
    staff = staff_client(app, uncertified)
    inbox = staff.get("/mail/postvak")
    assert inbox.status_code == 200 and "Ruzie met mijn vader" not in inbox.get_data(as_text=True)
    assert "geldig counselorcertificaat" in inbox.get_data(as_text=True)
    assert "Ruzie met mijn vader" not in staff.get(f"/mail/postvak/{thread.id}").get_data(as_text=True)
    assert staff.post(f"/mail/postvak/{thread.id}/claimen").status_code == 302
    assert latest_thread().claimed_by_id is None
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mail.opened")).all()


def test_young_people_cannot_reach_the_inbox(client):
    write(client)
    thread = latest_thread()
    for path in ("/mail/postvak", f"/mail/postvak/{thread.id}", "/mail/goedkeuren"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- approval --------------------------------------------------------------------------------
def test_first_answers_wait_for_a_supervisor_who_edits_approves_or_returns(app, client, counsellor):
    app.config["MAIL_APPROVAL_FIRST"] = 1
    _r, code, _ = write(client)
    thread = latest_thread()
    anna, sara = counsellor(name="Anna"), counsellor("supervisor", name="Sara")
    staff = staff_client(app, anna)
    staff.post(f"/mail/postvak/{thread.id}/claimen")
    staff.post(f"/mail/postvak/{thread.id}/antwoord", data={"body": "Eerste versie van mijn antwoord.", "send": "1"})
    message = db.session.scalars(select(MailMessage).where(MailMessage.author == "counsellor")).one()
    assert message.status == "approval"
    youth = app.test_client()
    pick_up(youth, code)
    assert "Eerste versie" not in youth.get("/mail/gesprek").get_data(as_text=True)
    # The supervisor returns it with a comment: a draft again, the note shown to the writer.
    supervisor = staff_client(app, sara)
    assert "Ruzie met mijn vader" in supervisor.get("/mail/goedkeuren").get_data(as_text=True)
    no_note = supervisor.post(f"/mail/goedkeuren/{message.id}", data={"body": message.body, "send_back": "1"})
    assert no_note.status_code == 400 and "Schrijf een opmerking voor de counselor" in no_note.get_data(as_text=True)
    supervisor.post(f"/mail/goedkeuren/{message.id}",
                    data={"body": message.body, "note": "Vraag eerst wat ze zelf al geprobeerd heeft.", "send_back": "1"})
    assert fresh_message(message.id).status == "draft"
    assert "Vraag eerst wat ze zelf" in staff.get(f"/mail/postvak/{thread.id}").get_data(as_text=True)
    # Sent again, edited and approved by the supervisor: now the young person reads it.
    staff.post(f"/mail/postvak/{thread.id}/antwoord", data={"body": "Tweede versie.", "send": "1"})
    assert fresh_message(message.id).status == "approval"
    assert supervisor.post(f"/mail/goedkeuren/{message.id}",
                           data={"body": "Tweede versie, iets warmer.", "approve": "1"}).status_code == 302
    assert "Tweede versie, iets warmer." in youth.get("/mail/gesprek").get_data(as_text=True)
    assert services.answers_sent(anna) == 1
    # Her next answer goes straight to the young person.
    youth.post("/mail/gesprek", data={"body": "Dankjewel, ik heb het al geprobeerd."})
    staff.post(f"/mail/postvak/{thread.id}/claimen")
    staff.post(f"/mail/postvak/{thread.id}/antwoord", data={"body": "Goed dat je het probeerde.", "send": "1"})
    assert "Goed dat je het probeerde." in youth.get("/mail/gesprek").get_data(as_text=True)


def test_a_supervisor_does_not_approve_their_own_answer(app, client, counsellor):
    write(client)
    thread = latest_thread()
    sara = counsellor("supervisor", name="Sara")
    staff = staff_client(app, sara)
    staff.post(f"/mail/postvak/{thread.id}/claimen")
    staff.post(f"/mail/postvak/{thread.id}/antwoord", data={"body": "Mijn antwoord.", "send": "1"})
    message = db.session.scalars(select(MailMessage).where(MailMessage.author == "counsellor")).one()
    staff.post(f"/mail/goedkeuren/{message.id}", data={"body": "Mijn antwoord.", "approve": "1"})
    assert fresh_message(message.id).status == "approval"


def test_supervised_counsellors_always_go_past_a_supervisor(app, client, make_user, coordinator, counsellor, training):
    app.config["MAIL_APPROVAL_FIRST"] = 0
    trainer = counsellor("trainer", name="Karim")
    register_founding(coordinator, trainer, "trainer", FOUNDING_REASON)
    person = make_user("trainee")
    training.meet(person)
    sign_off(trainer, person, "counsellor")
    issue(coordinator, person, "counsellor")
    db.session.refresh(person)
    write(client)
    thread = latest_thread()
    staff = staff_client(app, person)
    assert "Je antwoorden gaan naar een supervisor" in staff.get("/mail/postvak").get_data(as_text=True)
    staff.post(f"/mail/postvak/{thread.id}/claimen")
    staff.post(f"/mail/postvak/{thread.id}/antwoord", data={"body": "Een antwoord.", "send": "1"})
    assert db.session.scalars(select(MailMessage.status).where(MailMessage.author == "counsellor")).one() == "approval"


# --- the wrong-password limit and the flood limit ------------------------------------------------
class TestLimits:
    @pytest.fixture
    def app_config(self, risk_lists) -> dict:
        return {"RATELIMIT_ENABLED": True, "MAIL_RATE_LIMIT": "2 per 10 minutes", "RISK_LISTS_DIR": str(risk_lists)}

    def test_wrong_passwords_are_limited_per_code_with_a_clear_message(self, app, client):
        _r, code, _ = write(client, browser_token="a" * 32)
        _r, other_code, _ = write(client, browser_token="b" * 32)
        youth = app.test_client()
        for _ in range(5):
            response = pick_up(youth, code, "verkeerd-wachtwoord")
            assert response.status_code == 403
            assert "Deze code en dit wachtwoord horen niet bij elkaar" in response.get_data(as_text=True)
        limited = pick_up(app.test_client(), code)  # even the right password, from another browser
        assert limited.status_code == 429 and "Wacht 15 minuten" in limited.get_data(as_text=True)
        english = app.test_client().post("/mail/ophalen?lang=en", data={"code": code, "password": PASSWORD})
        assert english.status_code == 429 and "Wait 15 minutes" in english.get_data(as_text=True)
        assert pick_up(app.test_client(), other_code).status_code == 302  # other codes are not slowed down

    def test_a_flood_of_new_mails_gets_a_friendly_message_and_keeps_the_text(self, client):
        token = "0f0e0d0c-0b0a-4909-8807-060504030201"
        for _ in range(2):
            assert write(client, browser_token=token)[0].status_code == 200
        response, code, _ = write(client, browser_token=token, subject="Mijn derde mail")
        html = response.get_data(as_text=True)
        assert response.status_code == 429 and code is None
        assert "Wacht een paar minuten" in html and "Mijn derde mail" in html
        assert write(client, browser_token="1" * 32)[0].status_code == 200


# --- deletion, retention and figures --------------------------------------------------------
def test_the_young_person_deletes_the_question_and_every_answer(app, client, counsellor):
    app.config["MAIL_APPROVAL_FIRST"] = 0
    _r, code, _ = write(client)
    thread = latest_thread()
    staff = staff_client(app, counsellor())
    staff.post(f"/mail/postvak/{thread.id}/claimen")
    staff.post(f"/mail/postvak/{thread.id}/antwoord", data={"body": "Een antwoord.", "send": "1"})
    pick_up(client, code)
    confirm = client.get("/mail/gesprek/verwijderen")
    assert confirm.status_code == 200 and "voorgoed" in confirm.get_data(as_text=True)
    done = client.post("/mail/gesprek/verwijderen")
    assert done.status_code == 200 and "verwijderd" in done.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MailThread)) == 0
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0
    stat = db.session.scalars(select(MailStat)).one()
    assert stat.deleted_by_youth and stat.answered
    assert client.get("/mail/gesprek").status_code == 302
    assert pick_up(app.test_client(), code).status_code == 403


def test_purge_deletes_old_threads_and_keeps_anonymous_figures(app, client, counsellor):
    app.config["MAIL_APPROVAL_FIRST"] = 0
    write(client, subject="Oud", body="Een oude vraag over school en vrienden.")
    old = latest_thread()
    staff = staff_client(app, counsellor())
    staff.post(f"/mail/postvak/{old.id}/claimen")
    staff.post(f"/mail/postvak/{old.id}/antwoord", data={"body": "Een antwoord.", "send": "1"})
    write(client, subject="Nieuw", body="Een nieuwe vraag over thuis.", age_group="")
    now = utcnow()
    old = db.session.get(MailThread, old.id)
    old.last_activity_at = now - timedelta(days=91)
    db.session.commit()

    assert services.purge(now, 90) == 1
    assert [t.subject for t in db.session.scalars(select(MailThread))] == ["Nieuw"]
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 1
    figures = services.mail_figures(now - timedelta(days=1))
    assert (figures.received, figures.answered, figures.waiting) == (2, 1, 1)
    assert figures.median_hours_to_answer is not None
    assert figures.by_age_group == {"15-17": 1, "unknown": 1}
    assert figures.by_risk_level == {"none": 2}
    assert services.purge(now) == 0  # LIVE_RETENTION_DAYS, 90 by default
    assert services.purge(now + timedelta(days=91)) == 1


# --- answer times ----------------------------------------------------------------------------
def _utc(local: str) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("Europe/Amsterdam")).astimezone(
        ZoneInfo("UTC")).replace(tzinfo=None)


def test_answer_times_skip_weekends_and_holidays():
    # Wednesday 2026-12-23, 3 working days: Thursday 24, (Friday 25 and Monday 28 are holidays
    # here), Tuesday 29, Wednesday 30. Warned from the end of Tuesday.
    christmas = {date(2026, 12, 25), date(2026, 12, 28)}
    due = services.answer_due(_utc("2026-12-23 10:00"), christmas, 3)
    assert due.due_day == date(2026, 12, 30)
    assert due.state(_utc("2026-12-29 23:00")) == "ok"
    assert due.state(_utc("2026-12-30 08:00")) == "warning"
    assert due.state(_utc("2026-12-31 00:01")) == "overdue"
    # Wednesday over a weekend: Thursday, Friday, Monday. Saturday is within one working day.
    due = services.answer_due(_utc("2026-11-25 21:00"), set(), 3)
    assert due.due_day == date(2026, 11, 30)
    assert due.state(_utc("2026-11-27 20:00")) == "ok"
    assert due.state(_utc("2026-11-28 09:00")) == "warning"
    assert due.state(_utc("2026-11-30 23:59")) == "warning"
    assert due.state(_utc("2026-12-01 00:00")) == "overdue"
    # Written on a Saturday: the count starts on Monday.
    assert services.answer_due(_utc("2026-11-28 12:00"), set(), 3).due_day == date(2026, 12, 2)


def test_the_inbox_marks_warning_and_overdue_using_the_holidays_table(app, client, counsellor):
    db.session.add(Holiday(day=date(2026, 11, 30), name="Studiedag"))
    db.session.commit()
    for subject in ("Eerste", "Tweede", "Derde"):
        write(client, subject=subject)
    received = {"Eerste": "2026-11-25 10:00", "Tweede": "2026-11-26 10:00", "Derde": "2026-11-20 10:00"}
    for thread in db.session.scalars(select(MailThread)):
        thread.waiting_since = _utc(received[thread.subject])
    db.session.commit()
    # Monday 30 November is a holiday: Wednesday 25th is due Tuesday 1 December.
    states = {r.thread.subject: r.state for r in services.inbox(now=_utc("2026-11-28 12:00"))}
    assert states == {"Eerste": "warning", "Tweede": "ok", "Derde": "overdue"}
    freeze(_utc("2026-11-28 12:00"))
    try:
        html = staff_client(app, counsellor()).get("/mail/postvak").get_data(as_text=True)
    finally:
        freeze(None)
    assert "te laat" in html and 'data-state="overdue"' in html and 'data-state="warning"' in html


# --- the way in, dashboards ----------------------------------------------------------------------
def test_the_chat_and_mail_page_leads_to_writing_and_picking_up(client):
    html = client.get("/chat-en-mail").get_data(as_text=True)
    assert 'href="/mail/schrijven"' in html and 'href="/mail/ophalen"' in html


def test_the_dashboard_shows_how_many_mails_wait(app, client, counsellor):
    write(client)
    sara = counsellor("supervisor", name="Sara")
    html = staff_client(app, sara).get("/dashboard").get_data(as_text=True)
    assert "1 mails wachten op een antwoord." in html or "1 mail wacht op een antwoord." in html
    assert services.waiting_count() == 1 and services.approvals_waiting() == 0
