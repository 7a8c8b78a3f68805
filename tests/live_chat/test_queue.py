"""The live-chat queue: order, offers, accepting, the gate, time (grace, offers, closing),
requeue, risk, blocks and flood limits."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest

from app.certification.models import Certificate
from app.extensions import db
from app.timeutil import utcnow
from live_help.chat import services
from live_help.chat.models import ChatRequest
from tests.live_chat.conftest import events, staff_socket, start, youth_socket

pytestmark = pytest.mark.usefixtures("open_all_day")


def _order() -> list[str]:
    db.session.expire_all()
    return [r.nickname for r in services.waiting_requests()]


def test_risk_goes_first_then_waiting_time(app):
    now = utcnow()
    start("Eerste", now=now - timedelta(minutes=3))
    start("Tweede", now=now - timedelta(minutes=2))
    start("Zorgen", first="ik wil niet meer leven", now=now - timedelta(minutes=1))
    assert _order() == ["Zorgen", "Eerste", "Tweede"]
    first = db.session.scalar(db.select(ChatRequest).where(ChatRequest.nickname == "Tweede"))
    assert services.position_of(first) == 3


def test_a_risky_message_while_waiting_moves_the_chat_up_and_alerts_supervisors(app, socket_client, supervisor):
    request, token = start("Stil")
    start("Later")
    boss = staff_socket(app, socket_client, supervisor)
    youth = youth_socket(app, socket_client, token)
    db.session.execute(db.update(ChatRequest).where(ChatRequest.id == request.id)
                       .values(queued_at=utcnow() + timedelta(minutes=5)))  # came last
    db.session.commit()
    assert _order() == ["Later", "Stil"]
    ack = youth.emit("send", {"conversation_id": request.conversation_id, "client_id": "r1",
                              "body": "ik wil dood, ik zie het niet meer zitten"}, namespace="/chat", callback=True)
    assert ack["ok"] is True
    assert _order() == ["Stil", "Later"]
    alerts = events(boss, "live_alert")
    assert alerts and alerts[-1]["request_id"] == request.id and alerts[-1]["risk_level"] in ("high", "acute")


def test_a_false_friend_does_not_raise_the_alarm(app):
    request, _token = start("Lach", first="ik lag dood van het lachen om die video")
    assert request.risk_level == "none"


def test_offers_go_to_a_free_counsellor_and_accepting_starts_the_chat(app, socket_client, counsellor):
    sanne = counsellor("Sanne")
    sc = staff_socket(app, socket_client, sanne)
    assert sc.emit("live_duty", {"available": True}, namespace="/chat", callback=True)["ok"] is True
    request, token = start("Amira", first="hoi, ik heb ruzie thuis")
    youth = youth_socket(app, socket_client, token)
    offers = events(sc, "live_offer")
    assert [o["request_id"] for o in offers] == [request.id]
    ack = sc.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    assert ack == {"ok": True, "request_id": request.id, "conversation_id": request.conversation_id}
    assert events(youth, "live_accepted")[-1]["counsellor"] == "Sanne"
    # The counsellor reads what the young person wrote while waiting, and answers.
    joined = sc.emit("join", {"conversation_id": request.conversation_id, "after": 0}, namespace="/chat", callback=True)
    assert [m["body"] for m in joined["messages"] if m["side"] == "youth"] == ["hoi, ik heb ruzie thuis"]
    sent = sc.emit("send", {"conversation_id": request.conversation_id, "client_id": "c1", "body": "Hoi Amira"},
                   namespace="/chat", callback=True)
    assert sent["ok"] is True
    assert "Hoi Amira" in [m["body"] for m in events(youth, "message")]
    status = youth.emit("live_status", {}, namespace="/chat", callback=True)
    assert status["status"] == "active" and status["counsellor"] == "Sanne" and status["position"] == 0


def test_two_counsellors_accepting_the_same_chat_one_wins(app, socket_client, counsellor):
    a = staff_socket(app, socket_client, counsellor("Anouk"))
    b = staff_socket(app, socket_client, counsellor("Bilal"))
    request, _token = start("Yara")
    first = a.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    second = b.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    assert first["ok"] is True
    assert second["ok"] is False and second["error"] == "taken" and second["message"]
    db.session.expire_all()
    assert db.session.get(ChatRequest, request.id).counsellor.display_name == "Anouk"


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="true parallel writers need PostgreSQL")
def test_two_counsellors_accepting_at_the_same_moment_on_postgresql_one_wins(app, counsellor):
    people = [counsellor(f"Counsellor {i}") for i in range(6)]
    request, _token = start("Yara")
    barrier = threading.Barrier(len(people))
    results: list[str] = []

    def take(user_id: int) -> None:
        with app.test_request_context("/"):
            user = db.session.get(type(people[0]), user_id)
            barrier.wait()
            try:
                services.accept(user, request.id)
                results.append("won")
            except services.LiveError as exc:
                results.append(exc.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take, args=(p.id,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["taken"] * 5 + ["won"]
    db.session.expire_all()
    conversation = db.session.get(ChatRequest, request.id).conversation
    assert len([p for p in conversation.participants if p.side == "counsellor"]) == 1


def test_language_wish_waits_for_a_speaker_then_anyone_may_take_it(app, socket_client, counsellor):
    now = utcnow()
    dutch = staff_socket(app, socket_client, counsellor("Eva"))
    dutch.emit("live_duty", {"available": True}, namespace="/chat", callback=True)
    wish, _t = start("Mehmet", language="tr", now=now)
    plain, _t2 = start("Lisa", now=now + timedelta(seconds=1))
    # Eva speaks no Turkish: she is offered Lisa, who came later, and Mehmet waits.
    assert [o["request_id"] for o in events(dutch, "live_offer")] == [plain.id]
    turkish = staff_socket(app, socket_client, counsellor("Selin", languages=("tr",)))
    turkish.emit("live_duty", {"available": True}, namespace="/chat", callback=True)
    assert [o["request_id"] for o in events(turkish, "live_offer")] == [wish.id]


def test_after_the_extra_wait_a_language_wish_goes_to_anyone(app, socket_client, counsellor):
    now = utcnow()
    wish, _t = start("Mehmet", language="tr", now=now - timedelta(seconds=app.config["LIVE_LANGUAGE_EXTRA_WAIT"] + 1))
    dutch = staff_socket(app, socket_client, counsellor("Eva"))
    dutch.emit("live_duty", {"available": True}, namespace="/chat", callback=True)
    assert [o["request_id"] for o in events(dutch, "live_offer")] == [wish.id]


def test_the_gate_decides_how_many_chats_at_once(app, socket_client, counsellor):
    sanne = staff_socket(app, socket_client, counsellor("Sanne"))  # founding: live, 2 chats
    requests = [start(f"J{i}")[0] for i in range(3)]
    assert sanne.emit("live_accept", {"request_id": requests[0].id}, namespace="/chat", callback=True)["ok"]
    assert sanne.emit("live_accept", {"request_id": requests[1].id}, namespace="/chat", callback=True)["ok"]
    third = sanne.emit("live_accept", {"request_id": requests[2].id}, namespace="/chat", callback=True)
    assert third["ok"] is False and third["error"] == "at_limit"
    new = staff_socket(app, socket_client, counsellor("Nieuw", mode="supervised"))  # supervised: 1 chat
    assert new.emit("live_accept", {"request_id": requests[2].id}, namespace="/chat", callback=True)["ok"]
    fourth, _t = start("J4")
    refused = new.emit("live_accept", {"request_id": fourth.id}, namespace="/chat", callback=True)
    assert refused["error"] == "at_limit"


def test_a_counsellor_the_gate_no_longer_allows_cannot_go_on_duty_or_accept(app, socket_client, counsellor):
    sanne = counsellor("Sanne")
    sc = staff_socket(app, socket_client, sanne)
    certificate = db.session.scalar(db.select(Certificate).where(Certificate.holder_id == sanne.id))
    certificate.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    request, _token = start("Noor")
    duty = sc.emit("live_duty", {"available": True}, namespace="/chat", callback=True)
    assert duty["ok"] is False and duty["error"] == "not_allowed" and "verlopen" in duty["message"]
    accepted = sc.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    assert accepted["error"] == "not_allowed"
    db.session.expire_all()
    assert db.session.get(ChatRequest, request.id).status == "waiting"


def test_an_offer_that_runs_out_moves_on_and_puts_the_counsellor_off_duty(app, socket_client, counsellor):
    away = staff_socket(app, socket_client, counsellor("Away"))
    away.emit("live_duty", {"available": True}, namespace="/chat", callback=True)
    request, _token = start("Sam")
    assert [o["request_id"] for o in events(away, "live_offer")] == [request.id]
    there = staff_socket(app, socket_client, counsellor("There"))
    there.emit("live_duty", {"available": True}, namespace="/chat", callback=True)
    services.tick(utcnow() + timedelta(seconds=app.config["LIVE_OFFER_SECONDS"] + 1))
    assert events(away, "live_duty")[-1] == {"available": False, "reason": "offer_expired"}
    assert [o["request_id"] for o in events(there, "live_offer")] == [request.id]


def test_a_young_person_who_closes_the_tab_leaves_the_queue_after_the_grace_period(app, socket_client):
    request, token = start("Weg")
    youth = youth_socket(app, socket_client, token)
    youth.disconnect("/chat")
    services.tick(utcnow() + timedelta(seconds=30))
    db.session.expire_all()
    assert db.session.get(ChatRequest, request.id).status == "waiting"
    again = youth_socket(app, socket_client, token)  # a reload within the grace period
    again.disconnect("/chat")
    services.tick(utcnow() + timedelta(seconds=app.config["LIVE_GRACE_SECONDS"] + 5))
    db.session.expire_all()
    assert db.session.get(ChatRequest, request.id).status == "left"


def test_two_tabs_one_closed_keeps_the_place(app, socket_client):
    request, token = start("Twee")
    first = youth_socket(app, socket_client, token)
    youth_socket(app, socket_client, token)
    first.disconnect("/chat")
    services.tick(utcnow() + timedelta(seconds=app.config["LIVE_GRACE_SECONDS"] + 5))
    db.session.expire_all()
    assert db.session.get(ChatRequest, request.id).status == "waiting"


def test_a_counsellor_lost_too_long_sends_the_young_person_back_to_the_front(app, socket_client, counsellor):
    sanne = counsellor("Sanne")
    sc = staff_socket(app, socket_client, sanne)
    sc.emit("live_duty", {"available": True}, namespace="/chat", callback=True)
    now = utcnow()
    request, token = start("Eerst", now=now - timedelta(minutes=10))
    youth = youth_socket(app, socket_client, token)
    sc.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    start("Later", now=now)
    sc.disconnect("/chat")
    services.tick(utcnow() + timedelta(seconds=app.config["LIVE_GRACE_SECONDS"] + 5))
    db.session.expire_all()
    assert _order() == ["Eerst", "Later"]
    assert events(youth, "live_requeued")
    told = [m["body"] for m in events(youth, "message") if m["kind"] == "system"]
    assert any("front of the line" in line or "vooraan" in line for line in told)


def test_at_closing_time_those_still_waiting_are_told_kindly(app, socket_client):
    from live_help.models import OpeningSlot
    from live_help.schedule import forget_cached

    request, token = start("Laat")
    youth = youth_socket(app, socket_client, token)
    db.session.execute(db.delete(OpeningSlot))
    db.session.commit()
    forget_cached()
    services.tick()
    db.session.expire_all()
    assert db.session.get(ChatRequest, request.id).status == "closed"
    assert events(youth, "live_ended")[-1]["status"] == "closed"


def test_a_blocked_browser_cannot_start_for_24_hours(app, socket_client, counsellor):
    sanne = counsellor("Sanne")
    sc = staff_socket(app, socket_client, sanne)
    request, _token = start("Trol", browser="b" * 30)
    sc.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    services.block(db.session.get(ChatRequest, request.id), sanne, "Scheldt en herhaalt dreigementen")
    with pytest.raises(services.LiveError) as refused:
        start("Trol2", browser="b" * 30)
    assert refused.value.code == "blocked"
    later = utcnow() + timedelta(hours=24, minutes=1)
    again, _t = start("Trol3", browser="b" * 30, now=later)
    assert again.status == "waiting"


def test_many_starts_from_one_browser_are_refused_with_a_clear_message(app):
    for i in range(app.config["LIVE_STARTS_PER_BROWSER"]):
        request, _t = start(f"N{i}", browser="c" * 30)
        services.leave(request)
    with pytest.raises(services.LiveError) as refused:
        start("N9", browser="c" * 30)
    assert refused.value.code == "too_many" and "uur" in refused.value.message


def test_chat_closed_refuses_a_start_and_points_to_mail(app):
    from live_help.models import OpeningSlot
    from live_help.schedule import forget_cached

    db.session.execute(db.delete(OpeningSlot))
    db.session.commit()
    forget_cached()
    with pytest.raises(services.LiveError) as refused:
        start("Nacht")
    assert refused.value.code == "closed" and "mail" in refused.value.message


def test_waiting_room_hears_its_position_and_expected_wait(app, socket_client, counsellor):
    first, _t1 = start("A")
    second, token = start("B")
    youth = youth_socket(app, socket_client, token)
    status = youth.emit("live_status", {}, namespace="/chat", callback=True)
    handling = app.config["LIVE_HANDLING_MINUTES"]
    assert status["position"] == 2 and status["on_duty"] == 0 and status["expected_minutes"] == 2 * handling
    staff_socket(app, socket_client, counsellor("Een")).emit("live_duty", {"available": True}, namespace="/chat",
                                                               callback=True)
    staff_socket(app, socket_client, counsellor("Twee")).emit("live_duty", {"available": True}, namespace="/chat",
                                                                callback=True)
    update = events(youth, "live_position")[-1]
    assert update["position"] == 2 and update["on_duty"] == 2 and update["expected_minutes"] == handling


def test_figures_for_the_public_widget(app, socket_client, counsellor):
    start("A")
    start("B")
    staff_socket(app, socket_client, counsellor("Een")).emit("live_duty", {"available": True}, namespace="/chat",
                                                               callback=True)
    figures = services.figures()
    assert figures.on_duty == 1 and figures.waiting == 2


def test_a_counsellor_with_one_chat_and_one_offer_gets_no_third(app, socket_client, counsellor):
    sanne = staff_socket(app, socket_client, counsellor("Sanne"))  # live: 2 chats
    sanne.emit("live_duty", {"available": True}, namespace="/chat", callback=True)
    first, _t = start("Een")
    sanne.emit("live_accept", {"request_id": first.id}, namespace="/chat", callback=True)
    second, _t = start("Twee")
    third, _t = start("Drie")
    offered = [o["request_id"] for o in events(sanne, "live_offer")]
    assert offered == [first.id, second.id]
    services.dispatch()
    assert [o["request_id"] for o in events(sanne, "live_offer")] == [first.id, second.id]
    db.session.expire_all()
    assert db.session.get(ChatRequest, third.id).status == "waiting"


def test_an_offer_the_counsellor_cannot_take_goes_on_at_once(app, socket_client, counsellor):
    sanne = staff_socket(app, socket_client, counsellor("Sanne"))
    sanne.emit("live_duty", {"available": True}, namespace="/chat", callback=True)
    a, _t = start("A")
    b, _t = start("B")
    sanne.emit("live_accept", {"request_id": a.id}, namespace="/chat", callback=True)
    extra, _t = start("Extra")
    sanne.emit("live_accept", {"request_id": extra.id}, namespace="/chat", callback=True)  # takes from the queue
    assert sanne.emit("live_accept", {"request_id": b.id}, namespace="/chat", callback=True)["error"] == "at_limit"
    db.session.expire_all()
    handed_back = db.session.get(ChatRequest, b.id)
    assert handed_back.status == "waiting" and handed_back.offered_to_id is None
    assert events(sanne, "live_offer_gone")[-1]["request_id"] == b.id
