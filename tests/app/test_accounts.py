"""Accounts as people use them: register, confirm, log in with two-factor, reset, profile, data."""

from __future__ import annotations

import json
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit import AuditEvent
from app.extensions import db
from app.timeutil import freeze, utcnow
from tests.conftest import PASSWORD, sign_in_session, totp_code


@pytest.fixture(autouse=True)
def _release_clock():
    yield
    freeze(None)


def register(client, institution, email="nieuw@example.org", **overrides):
    data = {"email": email, "display_name": "Nadia", "institution": institution.id,
            "password": PASSWORD, "password_again": PASSWORD, "accept": "y", **overrides}
    return client.post("/register", data=data)


def test_registration_sends_a_confirmation_mail_and_the_link_enables_login(client, institution, mailbox):
    response = register(client, institution)
    assert response.status_code == 200
    assert "nieuw@example.org" in response.get_data(as_text=True)

    refused = client.post("/login", data={"email": "nieuw@example.org", "password": PASSWORD})
    assert "Bevestig eerst je e-mailadres" in refused.get_data(as_text=True)

    link = mailbox.link_in_last("nieuw@example.org", "/confirm/")
    confirmed = client.get("/" + link.split("/", 3)[3])
    assert confirmed.status_code == 302
    user = User.by_email("nieuw@example.org")
    assert user.email_confirmed and user.has_role("applicant")

    logged_in = client.post("/login", data={"email": "nieuw@example.org", "password": PASSWORD})
    assert logged_in.status_code == 302 and logged_in.headers["Location"].endswith("/dashboard")
    assert "Hallo, Nadia" in client.get("/dashboard").get_data(as_text=True)


def test_registration_shows_dutch_errors_and_keeps_the_input(client, institution):
    response = register(client, institution, email="not-an-address", password="short", password_again="other")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ongeldig e-mailadres" in html
    assert "Gebruik minstens 10 tekens" in html
    assert 'value="Nadia"' in html
    assert db.session.scalar(select(User).where(User.email == "not-an-address")) is None


def test_registering_an_existing_address_is_refused_clearly(client, institution, make_user):
    make_user(email="taken@example.org")
    html = register(client, institution, email="Taken@Example.org").get_data(as_text=True)
    assert "bestaat al een account" in html


def test_an_invalid_confirmation_link_explains_what_to_do(client):
    response = client.get("/confirm/not-a-token", follow_redirects=True)
    assert "ongeldig of verlopen" in response.get_data(as_text=True)


def test_wrong_passwords_lock_the_account_for_a_while(client, make_user):
    user = make_user("applicant")
    for _ in range(5):
        html = client.post("/login", data={"email": user.email, "password": "wrong-password"}).get_data(as_text=True)
    assert "E-mailadres of wachtwoord klopt niet" in html
    locked = client.post("/login", data={"email": user.email, "password": PASSWORD}).get_data(as_text=True)
    assert "Te veel mislukte pogingen" in locked
    freeze(utcnow() + timedelta(minutes=16))
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_staff_who_read_youth_words_must_set_up_two_factor_first(client, make_user):
    user = make_user("counsellor", totp=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/setup-two-factor")
    page = client.get("/login/setup-two-factor").get_data(as_text=True)
    assert "data:image/svg+xml" in page
    secret = page.split("data-totp-secret>")[1].split("<")[0]
    assert client.get("/dashboard").status_code == 302  # not logged in yet
    done = client.post("/login/setup-two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302 and done.headers["Location"].endswith("/dashboard")
    db.session.refresh(user)
    assert user.totp_enabled_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.two_factor_enabled"))


def test_two_factor_code_is_required_and_cannot_be_replayed(client, app, make_user):
    user = make_user("supervisor")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    wrong = client.post("/login/code", data={"code": "000000"})
    assert "klopt niet" in wrong.get_data(as_text=True)
    code = totp_code(user)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    replay = other.post("/login/code", data={"code": code})
    assert replay.status_code == 200 and "al gebruikt" in replay.get_data(as_text=True)


def test_demo_accounts_skip_two_factor_only_when_the_setting_allows(app, client, make_user):
    user = make_user("counsellor", totp=False)
    user.is_demo = True
    db.session.commit()
    app.config["TWO_FACTOR_DEMO_BYPASS"] = True
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).headers["Location"].endswith("/dashboard")
    client.post("/logout")
    app.config["TWO_FACTOR_DEMO_BYPASS"] = False
    assert "setup-two-factor" in client.post("/login", data={"email": user.email, "password": PASSWORD}).headers["Location"]


def test_password_reset_link_works_once(client, make_user, mailbox):
    user = make_user("trainee")
    client.post("/password/forgot", data={"email": user.email})
    path = "/" + mailbox.link_in_last(user.email, "/password/reset/").split("/", 3)[3]
    assert client.post(path, data={"password": "Nieuw-wachtwoord-9", "password_again": "Nieuw-wachtwoord-9"}).status_code == 302
    again = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert "ongeldig, gebruikt of verlopen" in again
    assert client.post("/login", data={"email": user.email, "password": "Nieuw-wachtwoord-9"}).status_code == 302


def test_forgot_password_does_not_reveal_whether_an_account_exists(client, mailbox):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert "Als er een account bestaat" in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_profile_keeps_languages_and_certificate_name(client, signed_in):
    user = signed_in("trainee")
    response = client.post("/account", data={
        "display_name": "Samira", "full_name": "Samira Haddou", "phone": "06 1234 5678",
        "cultural_background": "Marokkaans-Nederlands", "locale": "nl",
        "languages-0-code": "nl", "languages-0-level": "native",
        "languages-1-code": "ber", "languages-1-level": "fluent",
        "languages-2-code": "", "languages-2-level": "basic",
    })
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.name_for_certificate == "Samira Haddou"
    assert {(lang.code, lang.level) for lang in user.languages} == {("nl", "native"), ("ber", "fluent")}


def test_profile_refuses_a_language_twice(client, signed_in):
    signed_in("trainee")
    html = client.post("/account", data={
        "display_name": "Samira", "locale": "nl",
        "languages-0-code": "tr", "languages-0-level": "native",
        "languages-1-code": "tr", "languages-1-level": "basic",
    }).get_data(as_text=True)
    assert "Elke taal maar één keer" in html


def test_a_user_downloads_their_own_data(client, signed_in):
    user = signed_in("applicant")
    response = client.get("/account/data")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.data)
    assert data["account"]["email"] == user.email
    assert data["account"]["roles"] == ["applicant"]


def test_a_user_deletes_their_account_with_their_password(client, signed_in):
    user = signed_in("applicant")
    user_id = user.id
    wrong = client.post("/account/delete", data={"password": "nope", "confirm": "y"})
    assert "niets verwijderd" in wrong.get_data(as_text=True)
    assert client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    assert client.get("/dashboard").status_code == 302


def test_idle_and_absolute_timeouts_end_the_session(client, signed_in):
    signed_in("trainee")
    assert client.get("/dashboard").status_code == 200
    freeze(utcnow() + timedelta(minutes=31))
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_absolute_timeout_applies_even_when_active(client, signed_in):
    signed_in("trainee")
    start = utcnow()
    for minutes in range(25, 12 * 60, 25):
        freeze(start + timedelta(minutes=minutes))
        if client.get("/dashboard").status_code != 200:
            break
    assert minutes > 11 * 60  # active use keeps the session until the absolute limit
    freeze(start + timedelta(hours=12, minutes=5))
    assert client.get("/dashboard").status_code == 302


def test_logout_ends_sessions_on_other_devices(app, client, make_user):
    user = make_user("trainee")
    phone = app.test_client()
    sign_in_session(client, user)
    sign_in_session(phone, user)
    assert phone.get("/dashboard").status_code == 200
    client.post("/logout")
    assert phone.get("/dashboard").status_code == 302


def test_changing_the_password_needs_the_current_one(client, signed_in):
    user = signed_in("trainee")
    client.post("/account/password", data={"current": "wrong", "password": "Another-pass-77", "password_again": "Another-pass-77"})
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    client.post("/account/password", data={"current": PASSWORD, "password": "Another-pass-77", "password_again": "Another-pass-77"})
    db.session.refresh(user)
    assert user.check_password("Another-pass-77")


def test_login_redirects_only_to_paths_on_this_site(client, make_user):
    user = make_user("trainee")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "//evil.example/"})
    assert response.headers["Location"].endswith("/dashboard")
