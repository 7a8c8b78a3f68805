"""The peer forum: post under a nickname with a secret key, pre-moderation, held posts,
counsellor replies, invitations to chat or mail, reports, and bad input."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from live_help.models import ForumPost, ForumReport

QUESTION = {"nickname": "Zonnetje15", "title": "Mijn ouders maken steeds ruzie",
            "body": "Elke avond is er ruzie bij ons thuis en ik kan niet slapen. Wat moet ik doen?"}


def _ask(client, **changes):
    response = client.post("/forum/vraag", data={**QUESTION, **changes})
    html = response.get_data(as_text=True)
    match = re.search(r'data-secret-key data-post-id="(\d+)">([^<]+)<', html)
    return response, (int(match.group(1)), match.group(2)) if match else (None, None)


def _approve(client, post_id):
    return client.post(f"/forum/moderatie/{post_id}", data={"decision": "approve"})


def test_a_question_waits_for_a_moderator_and_shows_its_key_once(client, signed_in, app):
    response, (post_id, key) = _ask(client)
    assert response.status_code == 200 and key
    assert response.headers["Cache-Control"] == "no-store"
    post = db.session.get(ForumPost, post_id)
    assert post.status == "pending" and post.key_hash and key not in post.key_hash
    assert "Mijn ouders maken steeds ruzie" not in client.get("/forum").get_data(as_text=True)
    assert client.get(f"/forum/{post_id}").status_code == 404

    staff = app.test_client()
    from tests.conftest import sign_in_session

    counsellor = signed_in("counsellor")
    sign_in_session(staff, counsellor)
    queue = staff.get("/forum/moderatie").get_data(as_text=True)
    assert "Mijn ouders maken steeds ruzie" in queue
    assert _approve(staff, post_id).status_code == 302
    assert "Mijn ouders maken steeds ruzie" in client.get("/forum").get_data(as_text=True)
    assert client.get(f"/forum/{post_id}").status_code == 200
    assert key not in client.get(f"/forum/{post_id}").get_data(as_text=True)


def test_young_people_cannot_moderate(client):
    _, (post_id, _key) = _ask(client)
    response = _approve(client, post_id)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.get(ForumPost, post_id).status == "pending"


@pytest.mark.parametrize(("text", "reason", "label"), [
    ("Bel me maar op 06-12345678 als je wil praten", "phone", "telefoonnummer"),
    ("Mail me op zonnetje15@gmail.com dan praten we verder", "email", "e-mailadres"),
    ("Ik woon op de Kerkstraat 12 en daar is het altijd druk", "address", "adres"),
    ("Mijn juf heet Sara de Vries en zij doet heel gemeen tegen mij", "full_name", "volledige naam"),
])
def test_personal_data_is_held_with_the_reason_shown_to_the_moderator(client, app, make_user, text, reason, label):
    _, (post_id, _key) = _ask(client, body=text + " en ik weet niet wat ik moet doen.")
    post = db.session.get(ForumPost, post_id)
    assert post.status == "held" and post.hold_reasons == [reason]
    from tests.conftest import sign_in_session

    staff = app.test_client()
    sign_in_session(staff, make_user("supervisor"))
    page = staff.get(f"/forum/moderatie/{post_id}").get_data(as_text=True)
    assert "Tegengehouden vanwege:" in page and label in page


def test_risk_words_hold_a_post_and_it_can_become_an_invitation_to_chat(client, app, make_user):
    _, (post_id, key) = _ask(client, title="Ik kan niet meer",
                             body="Ik wil niet meer leven, niemand snapt me en ik zie het echt niet meer zitten.")
    post = db.session.get(ForumPost, post_id)
    assert post.status == "held" and post.hold_reasons == ["risk"]
    assert post.risk_level == "acute" and post.risk_categories == ["suicide"]
    from tests.conftest import sign_in_session

    staff = app.test_client()
    sign_in_session(staff, make_user("counsellor"))
    assert "risicowoorden" in staff.get("/forum/moderatie").get_data(as_text=True)
    staff.post(f"/forum/moderatie/{post_id}", data={"decision": "chat", "note": "We willen graag met je praten."})
    assert db.session.get(ForumPost, post_id).status == "invited"
    assert client.get(f"/forum/{post_id}").status_code == 404  # never on the forum
    page = client.post(f"/forum/bericht/{post_id}/beheren", data={"key": key}).get_data(as_text=True)
    assert "Een counselor heeft je bericht gelezen" in page and "We willen graag met je praten." in page
    assert 'href="/chat-en-mail#chat"' in page


def test_false_friends_do_not_hold_a_post(client):
    _, (post_id, _key) = _ask(client, body="Ik ging dood van het lachen om die video, maar nu heb ik een vraag.")
    assert db.session.get(ForumPost, post_id).status == "pending"


def test_the_writer_edits_and_deletes_with_the_key(client):
    _, (post_id, key) = _ask(client)
    opened = client.post(f"/forum/bericht/{post_id}/beheren", data={"key": key})
    assert opened.status_code == 200 and "Wijzigingen opslaan" in opened.get_data(as_text=True)
    saved = client.post(f"/forum/bericht/{post_id}/beheren",
                        data={"key": key, "title": "Ruzie thuis", "body": "Nieuwe tekst over de ruzie thuis.",
                              "save": "1"})
    assert saved.status_code == 200
    post = db.session.get(ForumPost, post_id)
    assert (post.title, post.body) == ("Ruzie thuis", "Nieuwe tekst over de ruzie thuis.")
    gone = client.post(f"/forum/bericht/{post_id}/beheren", data={"key": key, "delete": "1"})
    assert "Je bericht is verwijderd" in gone.get_data(as_text=True)
    db.session.expire_all()
    post = db.session.get(ForumPost, post_id)
    assert post.status == "deleted" and post.body == "" and post.title == ""
    assert client.post(f"/forum/bericht/{post_id}/beheren", data={"key": key}).status_code == 404


@pytest.mark.parametrize("tampered", ["", "x", "A" * 24, "A" * 500, "<script>", "../../etc"])
def test_a_tampered_key_is_refused_clearly_and_changes_nothing(client, tampered):
    _, (post_id, key) = _ask(client)
    for data in ({"key": tampered}, {"key": tampered, "delete": "1"},
                 {"key": tampered, "save": "1", "title": "Weg", "body": "Overschreven door iemand anders"}):
        response = client.post(f"/forum/bericht/{post_id}/beheren", data=data)
        assert response.status_code in (200, 400, 403)
        html = response.get_data(as_text=True)
        assert "Deze sleutel past niet" in html or "Vul de geheime sleutel in" in html
    post = db.session.get(ForumPost, post_id)
    assert post.status == "pending" and post.body == QUESTION["body"]
    other = client.post("/forum/vraag", data=QUESTION)
    other_id = int(re.search(r'data-post-id="(\d+)"', other.get_data(as_text=True)).group(1))
    assert client.post(f"/forum/bericht/{other_id}/beheren", data={"key": key}).status_code == 403


def test_replies_from_young_people_and_a_counsellor_with_a_badge(client, app, make_user):
    _, (post_id, _key) = _ask(client)
    from tests.conftest import sign_in_session

    staff = app.test_client()
    counsellor = make_user("counsellor", display_name="Noor")
    sign_in_session(staff, counsellor)
    _approve(staff, post_id)
    response = client.post(f"/forum/{post_id}/reageren", data={"nickname": "Ster", "body": "Bij mij ook, praat met je mentor."})
    reply_id = int(re.search(r'data-post-id="(\d+)"', response.get_data(as_text=True)).group(1))
    assert "Praat met je mentor" not in client.get(f"/forum/{post_id}").get_data(as_text=True)
    _approve(staff, reply_id)
    staff.post(f"/forum/{post_id}/counselor", data={"body": "Goed dat je dit vraagt. Je kunt ook met ons chatten."})
    html = client.get(f"/forum/{post_id}").get_data(as_text=True)
    assert "Bij mij ook, praat met je mentor." in html
    assert re.search(r'Noor <span class="badge badge-counsellor">Counselor</span>', html)
    assert html.count("badge-counsellor") == 1  # the young person's reply has no badge


def test_scripts_and_html_are_stored_as_text_and_shown_escaped(client, app, make_user):
    body = '<script>alert("hoi")</script> <b>vet</b> <img src=x onerror=alert(1)> en verder een gewone vraag.'
    _, (post_id, _key) = _ask(client, title="<i>Vraag</i>", body=body)
    assert db.session.get(ForumPost, post_id).body == body
    from tests.conftest import sign_in_session

    staff = app.test_client()
    sign_in_session(staff, make_user("counsellor"))
    _approve(staff, post_id)
    html = client.get(f"/forum/{post_id}").get_data(as_text=True)
    assert "<script>alert" not in html and "<b>vet</b>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;hoi&#34;)&lt;/script&gt;" in html and "&lt;i&gt;Vraag&lt;/i&gt;" in html


@pytest.mark.parametrize(("changes", "message"), [
    ({"body": ""}, "Schrijf iets meer over je vraag."),
    ({"body": "   "}, "Schrijf iets meer over je vraag."),
    ({"body": "x" * 3001}, "Gebruik 20 tot 3000 tekens."),
    ({"nickname": ""}, "Kies een schuilnaam."),
    ({"nickname": "n" * 41}, "Gebruik 2 tot 40 tekens."),
    ({"title": ""}, "Schrijf je vraag in één zin."),
])
def test_empty_or_oversized_posts_get_a_clear_message_and_nothing_is_stored(client, changes, message):
    response = client.post("/forum/vraag", data={**QUESTION, **changes})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert QUESTION["title"] in html or changes.get("title") == ""  # what was typed stays in the form
    assert db.session.scalar(select(func.count()).select_from(ForumPost)) == 0


def test_a_request_larger_than_allowed_is_refused_kindly(client):
    response = client.post("/forum/vraag", data={**QUESTION, "body": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Dat is te groot" in response.get_data(as_text=True)


def test_anyone_can_report_a_post_and_the_moderator_sees_it(client, app, make_user):
    _, (post_id, _key) = _ask(client)
    from tests.conftest import sign_in_session

    staff = app.test_client()
    sign_in_session(staff, make_user("counsellor"))
    _approve(staff, post_id)
    assert client.get(f"/forum/bericht/{post_id}/melden").status_code == 200
    response = client.post(f"/forum/bericht/{post_id}/melden", data={"reason": "worrying", "note": "Ik maak me zorgen"})
    assert response.status_code == 302
    assert db.session.scalar(select(ForumReport.reason)) == "worrying"
    assert client.post(f"/forum/bericht/{post_id}/melden", data={"reason": "nonsense"}).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(ForumReport)) == 1
    page = staff.get(f"/forum/moderatie/{post_id}").get_data(as_text=True)
    assert "Ik maak me zorgen" in page
    assert "gemeld" in staff.get("/forum/moderatie").get_data(as_text=True)


def test_there_are_no_private_messages(app):
    rules = [rule.rule for rule in app.url_map.iter_rules()]
    assert not [r for r in rules if "privé" in r or "private" in r or "message" in r or "bericht/<int:post_id>/stuur" in r]


class TestFloods:
    @pytest.fixture
    def app_config(self, risk_lists) -> dict:
        return {"RATELIMIT_ENABLED": True, "FORUM_RATE_LIMIT": "2 per 10 minutes", "RISK_LISTS_DIR": str(risk_lists)}

    def test_a_flood_from_one_browser_gets_a_friendly_message_and_keeps_the_text(self, client):
        token = "0f0e0d0c-0b0a-4909-8807-060504030201"
        for _ in range(2):
            assert client.post("/forum/vraag", data={**QUESTION, "browser_token": token}).status_code == 200
        response = client.post("/forum/vraag", data={**QUESTION, "browser_token": token, "title": "Mijn derde vraag"})
        html = response.get_data(as_text=True)
        assert response.status_code == 429
        assert "Wacht een paar minuten" in html and "Mijn derde vraag" in html
        other = client.post("/forum/vraag", data={**QUESTION, "browser_token": "1" * 32})
        assert other.status_code == 200  # another browser is not slowed down
        assert db.session.scalar(select(func.count()).select_from(ForumPost)) == 3
