"""Live chat through its pages and events: the young person's start, chat, evaluation and
download; the counsellor's chat page, registration, transfer and block; supervision;
shadow drafts; reconnect without loss; the purge; the JSON start for any client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.audit import AuditEvent
from app.certification import chats_done
from app.conversations import Message
from app.extensions import db
from app.timeutil import utcnow
from live_help.chat import services
from live_help.chat.models import ChatRequest, ShadowDraft
from tests.conftest import sign_in_session
from tests.live_chat.conftest import events, staff_socket, start, youth_socket

pytestmark = pytest.mark.usefixtures("open_all_day")

START = {"nickname": "Zonnetje", "age_group": "15-17", "gender": "girl", "topic": "thuis", "language": "",
         "first_message": "Mijn ouders maken steeds ruzie", "accept_rules": "y"}


def _token(page: str) -> str:
    return re.search(r'data-token="([^"]+)"', page).group(1)


def _youth_starts(app, data=None):
    youth = app.test_client()
    response = youth.post("/chat/starten", data=data or START)
    assert response.status_code == 302 and response.headers["Location"].endswith("/chat/gesprek")
    page = youth.get("/chat/gesprek").get_data(as_text=True)
    return youth, page


def test_a_young_person_starts_waits_and_the_page_survives_a_reload(app):
    youth, page = _youth_starts(app)
    assert "Wachtkamer" in page and "Je bent nummer 1 in de rij." in page and "112" in page and "113" in page
    assert "Mijn ouders maken steeds ruzie" in page  # what they wrote on the start form is in the chat
    again = youth.get("/chat/gesprek").get_data(as_text=True)
    assert _token(again) == _token(page)
    # Starting again from the same browser brings them back to the same chat.
    assert youth.get("/chat/starten").headers["Location"].endswith("/chat/gesprek")
    request = db.session.scalar(db.select(ChatRequest))
    assert request.nickname == "Zonnetje" and request.browser_hash and request.status == "waiting"


def test_the_start_form_explains_what_is_missing_in_dutch_and_english(app):
    youth = app.test_client()
    response = youth.post("/chat/starten", data={"nickname": "x" * 40})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Kies je leeftijd." in page and "Accepteer de huisregels om te beginnen." in page
    assert "Hoogstens 30 tekens." in page
    youth.get("/language/en")
    page = youth.post("/chat/starten", data={}).get_data(as_text=True)
    assert "Choose your age." in page and "Accept the house rules to start." in page
    assert db.session.scalar(db.select(db.func.count()).select_from(ChatRequest)) == 0


def test_no_address_or_browser_line_is_stored_for_the_young_person(app):
    _youth_starts(app)
    row = db.session.execute(db.text("SELECT * FROM chat_requests")).mappings().one()
    values = " ".join(str(v) for v in row.values())
    assert "127.0.0.1" not in values and "werkzeug" not in values.lower()


def test_the_whole_chat_from_the_young_persons_side(app, socket_client, counsellor):
    youth, page = _youth_starts(app)
    token = _token(page)
    request = db.session.scalar(db.select(ChatRequest))
    sanne = counsellor("Sanne")
    sc = staff_socket(app, socket_client, sanne)
    ys = youth_socket(app, socket_client, token)
    assert sc.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)["ok"]
    sc.emit("send", {"conversation_id": request.conversation_id, "client_id": "c1", "body": "Hoi, vertel maar"},
            namespace="/chat", callback=True)
    ys.emit("send", {"conversation_id": request.conversation_id, "client_id": "y1", "body": "Het is zwaar thuis"},
            namespace="/chat", callback=True)
    # The young person ends; the evaluation follows.
    assert ys.emit("live_leave", {}, namespace="/chat", callback=True)["ok"]
    form = youth.get("/chat/evaluatie").get_data(as_text=True)
    assert "Welk cijfer geef je dit gesprek?" in form
    bad = youth.post("/chat/evaluatie", data={"grade": "11"})
    assert bad.status_code == 400 and "Geef een cijfer van 1 tot 10." in bad.get_data(as_text=True)
    ok = youth.post("/chat/evaluatie", data={"grade": "8", "understood": "yes", "helped": "somewhat",
                                              "background": "both", "comment": "Fijn"})
    assert ok.status_code == 302
    db.session.expire_all()
    evaluation = db.session.get(ChatRequest, request.id).evaluation
    assert (evaluation.grade, evaluation.understood, evaluation.helped, evaluation.background) == (8, "yes", "somewhat", "both")
    text = youth.get("/chat/gesprek.txt")
    assert text.headers["Content-Disposition"].startswith("attachment")
    body = text.get_data(as_text=True)
    assert "Sanne: Hoi, vertel maar" in body and "Jij: Het is zwaar thuis" in body
    assert youth.post("/chat/vergeten").status_code == 302
    assert youth.get("/chat/gesprek").status_code == 302


def test_reconnect_without_loss(app, socket_client, counsellor):
    request, token = start("Mo")
    sc = staff_socket(app, socket_client, counsellor("Sanne"))
    sc.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    ys = youth_socket(app, socket_client, token)
    ys.emit("send", {"conversation_id": request.conversation_id, "client_id": "y1", "body": "een"}, namespace="/chat",
            callback=True)
    ys.disconnect("/chat")  # the phone goes to sleep
    for i in range(3):
        sc.emit("send", {"conversation_id": request.conversation_id, "client_id": f"c{i}", "body": f"bericht {i}"},
                namespace="/chat", callback=True)
    back = youth_socket(app, socket_client, token)
    last_seen = 2  # the system line and "een"
    joined = back.emit("join", {"conversation_id": request.conversation_id, "after": last_seen}, namespace="/chat",
                       callback=True)
    assert [m["body"] for m in joined["messages"]] == ["bericht 0", "bericht 1", "bericht 2"]
    # A resend of an unacknowledged message with the same id is not doubled.
    again = back.emit("send", {"conversation_id": request.conversation_id, "client_id": "y1", "body": "een"},
                      namespace="/chat", callback=True)
    assert again["duplicate"] is True
    assert db.session.scalar(db.select(db.func.count()).select_from(Message).where(Message.body == "een")) == 1


def test_an_oversized_message_and_a_flood_get_clear_answers(app, socket_client):
    request, token = start("Flood")
    ys = youth_socket(app, socket_client, token)
    long = ys.emit("send", {"conversation_id": request.conversation_id, "client_id": "l1", "body": "x" * 2001},
                   namespace="/chat", callback=True)
    assert long == {"ok": False, "error": "too_long", "detail": "at most 2000 characters"}
    answers = [ys.emit("send", {"conversation_id": request.conversation_id, "client_id": f"f{i}", "body": "hoi"},
                       namespace="/chat", callback=True) for i in range(40)]
    assert answers[-1]["error"] == "rate_limited"
    stored = db.session.scalar(db.select(db.func.count()).select_from(Message).where(
        Message.conversation_id == request.conversation_id))
    assert stored == sum(1 for a in answers if a.get("ok"))


def test_the_counsellor_chat_page_registration_and_debrief(app, socket_client, counsellor):
    request, _token = start("Risk", first="ik wil niet meer leven")
    sanne = counsellor("Sanne")
    sc = staff_socket(app, socket_client, sanne)
    sc.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    http = app.test_client()
    sign_in_session(http, sanne)
    page = http.get(f"/hulp/chat/{request.id}").get_data(as_text=True)
    assert "Crisiskaart" in page and "0800-2000" in page and "Snelle teksten" in page and "data-console" in page
    opened = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "chat.transcript_opened", AuditEvent.actor_id == sanne.id))
    assert opened == 1
    missing = http.post(f"/hulp/chat/{request.id}/einde", data={"risk_level": "acute"})
    assert missing.status_code == 302
    db.session.expire_all()
    assert db.session.get(ChatRequest, request.id).status == "active"  # not ended without topics
    done = http.post(f"/hulp/chat/{request.id}/einde", data={"topic_codes": ["thuis"], "risk_level": "acute"})
    assert done.headers["Location"].endswith(f"/hulp/chat/{request.id}/nabespreking")
    db.session.expire_all()
    ended = db.session.get(ChatRequest, request.id)
    assert ended.status == "ended" and ended.registration.topic_codes == ["thuis"]
    assert chats_done(sanne) == 1
    http.post(f"/hulp/chat/{request.id}/nabespreking", data={"debrief": "Veiligheidsplan gemaakt"})
    db.session.expire_all()
    assert db.session.get(ChatRequest, request.id).registration.debrief == "Veiligheidsplan gemaakt"


def test_another_counsellor_cannot_open_or_end_someone_elses_chat(app, socket_client, counsellor):
    request, _token = start("Privé")
    sc = staff_socket(app, socket_client, counsellor("Sanne"))
    sc.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    other = app.test_client()
    sign_in_session(other, counsellor("Bram"))
    assert other.get(f"/hulp/chat/{request.id}").status_code == 403
    assert other.post(f"/hulp/chat/{request.id}/einde", data={"topic_codes": ["thuis"], "risk_level": "none"}).status_code == 403
    foreign = youth_socket(app, socket_client, start("Ander")[1])
    assert foreign.emit("send", {"conversation_id": request.conversation_id, "client_id": "x", "body": "hoi"},
                        namespace="/chat", callback=True) == {"ok": False, "error": "forbidden"}


def test_transfer_to_a_colleague_on_duty(app, socket_client, counsellor):
    request, token = start("Over")
    sanne, bram = counsellor("Sanne"), counsellor("Bram")
    a = staff_socket(app, socket_client, sanne)
    b = staff_socket(app, socket_client, bram)
    a.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    b.emit("live_duty", {"available": True}, namespace="/chat", callback=True)
    ys = youth_socket(app, socket_client, token)
    http = app.test_client()
    sign_in_session(http, sanne)
    http.post(f"/hulp/chat/{request.id}/overdragen", data={"to_user": bram.id, "note": "Gaat over school"})
    db.session.expire_all()
    assert db.session.get(ChatRequest, request.id).counsellor_id == bram.id
    assert events(b, "live_chat_started")[-1]["transferred"] is True
    assert any("Bram" in m["body"] for m in events(ys, "message") if m["kind"] == "system")
    # The old counsellor can no longer write; the new one can.
    a_send = a.emit("send", {"conversation_id": request.conversation_id, "client_id": "old", "body": "nog iets"},
                    namespace="/chat", callback=True)
    assert a_send["ok"] is False
    b_send = b.emit("send", {"conversation_id": request.conversation_id, "client_id": "new", "body": "Hoi, ik ben Bram"},
                    namespace="/chat", callback=True)
    assert b_send["ok"] is True


def test_block_from_the_chat_page_refuses_the_next_start_from_that_browser(app, socket_client, counsellor):
    youth, page = _youth_starts(app)
    request = db.session.scalar(db.select(ChatRequest))
    sanne = counsellor("Sanne")
    staff_socket(app, socket_client, sanne).emit("live_accept", {"request_id": request.id}, namespace="/chat",
                                                  callback=True)
    http = app.test_client()
    sign_in_session(http, sanne)
    assert http.post(f"/hulp/chat/{request.id}/blokkeren", data={"reason": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ChatRequest, request.id).status == "active"
    http.post(f"/hulp/chat/{request.id}/blokkeren", data={"reason": "Dreigt en scheldt"})
    db.session.expire_all()
    assert db.session.get(ChatRequest, request.id).status == "blocked"
    youth.post("/chat/vergeten")
    refused = youth.post("/chat/starten", data=START)
    assert refused.status_code == 403 and "Je kunt vanaf deze browser nu geen chat starten" in refused.get_data(as_text=True)


def test_supervisor_reads_along_whispers_and_takes_over(app, socket_client, counsellor, supervisor):
    request, token = start("Lees")
    sanne = counsellor("Sanne")
    sc = staff_socket(app, socket_client, sanne)
    sc.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    ys = youth_socket(app, socket_client, token)
    boss_http = app.test_client()
    sign_in_session(boss_http, supervisor)
    overview = boss_http.get("/hulp/supervisie").get_data(as_text=True)
    assert "Lees" in overview and "Sanne" in overview
    boss_http.post(f"/hulp/chat/{request.id}/meelezen")
    assert events(sc, "live_reader")[-1]["name"] == "Marloes"
    boss = staff_socket(app, socket_client, supervisor)
    joined = boss.emit("join", {"conversation_id": request.conversation_id, "after": 0}, namespace="/chat", callback=True)
    assert joined["ok"] and joined["side"] == "supervisor"
    silent = boss.emit("send", {"conversation_id": request.conversation_id, "client_id": "s", "body": "hoi"},
                       namespace="/chat", callback=True)
    assert silent["error"] == "read_only"
    assert boss.emit("live_whisper", {"request_id": request.id, "body": "Vraag naar veiligheid"}, namespace="/chat",
                     callback=True)["ok"]
    assert events(sc, "live_whisper")[-1]["body"] == "Vraag naar veiligheid"
    assert events(ys, "live_whisper") == []  # the young person never sees a whisper
    boss_http.post(f"/hulp/chat/{request.id}/overnemen")
    db.session.expire_all()
    assert db.session.get(ChatRequest, request.id).counsellor_id == supervisor.id
    assert events(sc, "live_taken_over")
    took = boss.emit("send", {"conversation_id": request.conversation_id, "client_id": "t", "body": "Ik neem het over"},
                     namespace="/chat", callback=True)
    assert took["ok"] is True


def test_a_supervised_counsellor_gets_a_supervisor_reading_along(app, socket_client, counsellor, supervisor):
    boss = staff_socket(app, socket_client, supervisor)
    boss.emit("live_duty", {"available": True}, namespace="/chat", callback=True)
    request, _token = start("Nieuw")
    new = staff_socket(app, socket_client, counsellor("Noa", mode="supervised"))
    assert new.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)["ok"]
    db.session.expire_all()
    chat = db.session.get(ChatRequest, request.id)
    assert chat.supervised is True
    assert [p.user_id for p in services.readers_of(chat.conversation)] == [supervisor.id]
    assert events(boss, "live_read_along")[-1]["request_id"] == request.id


def test_shadow_mode_drafts_reach_the_young_person_only_when_approved(app, socket_client, counsellor, make_user,
                                                                       shadow_ready):
    request, token = start("Schaduw")
    sanne = counsellor("Sanne")
    sc = staff_socket(app, socket_client, sanne)
    sc.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    trainee = make_user("trainee", display_name="Tim")
    ts = staff_socket(app, socket_client, trainee)
    assert ts.emit("live_duty", {"available": True}, namespace="/chat", callback=True)["ok"]
    ys = youth_socket(app, socket_client, token)
    http = app.test_client()
    sign_in_session(http, sanne)
    http.post(f"/hulp/chat/{request.id}/schaduw", data={"trainee": trainee.id})
    assert events(ts, "live_shadow")
    direct = ts.emit("send", {"conversation_id": request.conversation_id, "client_id": "d", "body": "direct"},
                     namespace="/chat", callback=True)
    assert direct["ok"] is False
    first = ts.emit("live_draft", {"request_id": request.id, "body": "Hoi, wat fijn dat je er bent"}, namespace="/chat",
                    callback=True)
    second = ts.emit("live_draft", {"request_id": request.id, "body": "Je moet gewoon weglopen"}, namespace="/chat",
                     callback=True)
    assert first["ok"] and second["ok"]
    assert [d["body"] for d in events(sc, "live_draft")] == ["Hoi, wat fijn dat je er bent", "Je moet gewoon weglopen"]
    assert not [m for m in events(ys, "message") if m["side"] == "counsellor"]
    edited = sc.emit("live_draft_decide", {"draft_id": first["draft_id"], "action": "approve",
                                           "body": "Hoi, fijn dat je er bent. Vertel maar."}, namespace="/chat", callback=True)
    assert edited["ok"] and edited["status"] == "edited"
    rejected = sc.emit("live_draft_decide", {"draft_id": second["draft_id"], "action": "reject"}, namespace="/chat",
                       callback=True)
    assert rejected["status"] == "rejected"
    seen = [m["body"] for m in events(ys, "message") if m["side"] == "counsellor"]
    assert seen == ["Hoi, fijn dat je er bent. Vertel maar."]
    twice = sc.emit("live_draft_decide", {"draft_id": first["draft_id"], "action": "approve"}, namespace="/chat",
                    callback=True)
    assert twice["error"] == "decided"
    assert [d["status"] for d in events(ts, "live_draft")] == ["edited", "rejected"]
    assert chats_done(trainee) == 0  # shadow drafts do not count as chats
    assert db.session.scalar(db.select(db.func.count()).select_from(ShadowDraft)) == 2


def test_purge_deletes_transcripts_after_the_retention_and_keeps_the_figures(app, socket_client, counsellor):
    old, _t = start("Oud")
    sc = staff_socket(app, socket_client, counsellor("Sanne"))
    sc.emit("live_accept", {"request_id": old.id}, namespace="/chat", callback=True)
    sc.emit("send", {"conversation_id": old.conversation_id, "client_id": "a", "body": "geheim"}, namespace="/chat",
            callback=True)
    services.end_chat(db.session.get(ChatRequest, old.id), "counsellor")
    db.session.execute(db.update(ChatRequest).where(ChatRequest.id == old.id)
                       .values(ended_at=utcnow() - timedelta(days=91)))
    db.session.commit()
    recent, _t2 = start("Nieuw")
    result = app.test_cli_runner().invoke(args=["hulpmix", "purge"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    gone = db.session.get(ChatRequest, old.id)
    assert gone.conversation_id is None and gone.nickname == "" and gone.browser_hash == "" and gone.purged_at
    assert gone.counsellor_id is not None and gone.accepted_at is not None  # the figures stay
    assert db.session.scalar(db.select(db.func.count()).select_from(Message).where(Message.body == "geheim")) == 0
    assert db.session.get(ChatRequest, recent.id).nickname == "Nieuw"
    assert "1" in result.output


def test_any_socketio_client_can_start_through_the_json_api(app, socket_client):
    http = app.test_client()
    bad = http.post("/api/chat/start", json={"age_group": "15-17"})
    assert bad.status_code == 400 and bad.get_json()["error"] == "invalid"
    ok = http.post("/api/chat/start", json={"age_group": "15-17", "topic": "school-werk", "accept_rules": True,
                                            "browser": "k" * 24, "lang": "en"})
    data = ok.get_json()
    assert ok.status_code == 200 and data["ok"] and data["token"]
    ys = youth_socket(app, socket_client, data["token"])
    status = ys.emit("live_status", {}, namespace="/chat", callback=True)
    assert status["status"] == "waiting" and status["position"] == 1


def test_the_public_widget_shows_live_figures(app, socket_client, counsellor):
    staff_socket(app, socket_client, counsellor("Sanne")).emit("live_duty", {"available": True}, namespace="/chat",
                                                                 callback=True)
    app.extensions.pop("hulpmix.way_in", None)
    page = app.test_client().get("/").get_data(as_text=True)
    assert "1 counselor is nu aan het werk." in page


def test_one_click_escalation_alerts_the_supervisors(app, socket_client, counsellor, supervisor):
    request, _token = start("Zorg")
    sc = staff_socket(app, socket_client, counsellor("Sanne"))
    sc.emit("live_accept", {"request_id": request.id}, namespace="/chat", callback=True)
    boss = staff_socket(app, socket_client, supervisor)
    assert sc.emit("live_escalate", {"request_id": request.id}, namespace="/chat", callback=True) == {"ok": True}
    alert = events(boss, "live_alert")[-1]
    assert alert == {"request_id": request.id, "risk_level": "acute", "source": "escalation", "categories": [],
                     "status": "active"}
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "chat.escalated")) == 1


def test_transcripts_are_for_the_counsellor_and_supervisors_only(app, socket_client, counsellor, supervisor, make_user):
    request, _token = start("Dagboek")
    sanne = counsellor("Sanne")
    staff_socket(app, socket_client, sanne).emit("live_accept", {"request_id": request.id}, namespace="/chat",
                                                  callback=True)
    services.end_chat(db.session.get(ChatRequest, request.id), "counsellor")
    for user, status in ((sanne, 200), (supervisor, 200), (make_user("admin"), 403), (counsellor("Bram"), 403),
                         (make_user("coordinator"), 403)):
        http = app.test_client()
        sign_in_session(http, user)
        assert http.get(f"/hulp/gesprekken/{request.id}").status_code == status, user.display_name
    readers = list(db.session.scalars(db.select(AuditEvent.actor_id).where(AuditEvent.action == "chat.transcript_opened")))
    assert readers == [sanne.id, supervisor.id]


def test_quick_exit_makes_this_browser_forget_the_chat(app):
    youth, page = _youth_starts(app)
    assert 'data-forget-url="/snel-weg"' in page
    assert youth.post("/snel-weg").status_code == 204  # as navigator.sendBeacon sends it: no token
    assert youth.get("/chat/gesprek").headers["Location"].endswith("/chat/starten")
    # The chat itself is not lost: it is still in the queue for whoever has the token.
    assert db.session.scalar(db.select(ChatRequest.status)) == "waiting"
