"""The public verification page and its JSON twin: only what is printed, never a guess."""

from __future__ import annotations

import secrets
import string

import pytest

from app.certification.models import CODE_BYTES, new_code


@pytest.fixture
def certificate(make_user, founding):
    holder = make_user("supervisor", display_name="Marieke", email="marieke@example.org")
    holder.phone = "06-12345678"
    return founding(holder)


def test_the_verification_page_shows_the_name_type_and_validity_and_nothing_else(client, certificate):
    response = client.get(f"/verify/{certificate.code}?lang=en")
    html = response.get_data(as_text=True)
    html = html[html.index("<main"):html.index("</main>")]  # the footer names the institutions
    assert response.status_code == 200
    assert "This certificate is valid" in html
    assert certificate.holder_name in html and "Online youth counsellor" in html
    assert certificate.expires_at.date().isoformat() in html
    for private in ("marieke@example.org", "06-12345678", "Bureau Jeugdzorg", "since 2005", "Marieke"):
        assert private not in html
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_the_verification_page_speaks_dutch_first(client, certificate):
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Dit certificaat is geldig" in html and "Online jongerencounselor" in html


def test_the_json_variant_gives_the_same_answer(client, certificate):
    response = client.get(f"/api/verify/{certificate.code}?lang=en")
    assert response.status_code == 200
    assert response.get_json() == {
        "found": True, "holder_name": certificate.holder_name, "certificate_type": "counsellor",
        "certificate_type_label": "Online youth counsellor",
        "issued_on": certificate.issued_at.date().isoformat(),
        "expires_on": certificate.expires_at.date().isoformat(),
        "status": "valid", "valid": True, "revoked": False, "revoked_on": None,
    }


def test_a_typed_code_is_looked_up_even_with_spaces(client, certificate):
    spaced = " ".join([certificate.code[:8], certificate.code[8:16], certificate.code[16:]])
    response = client.get("/verify", query_string={"code": f"  {spaced} "})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{certificate.code}")


def test_the_form_explains_itself_and_refuses_an_empty_code(client):
    empty = client.get("/verify?lang=en")
    assert empty.status_code == 200 and "Verification code" in empty.get_data(as_text=True)
    blank = client.get("/verify?code=&lang=en")
    assert blank.status_code == 400 and "Type the code from the certificate." in blank.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["abc", "<script>alert(1)</script>", "x" * 90, "DROP TABLE certificates;"])
def test_malformed_codes_get_a_clear_message(client, typed):
    response = client.get("/verify", query_string={"code": typed, "lang": "en"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "This is not a code from a Hulpmix certificate" in html or "Field cannot be longer" in html


@pytest.mark.parametrize("code", ["abc", "not a code", "%3Cb%3E", "a" * 65])
def test_malformed_codes_in_the_address_are_refused(client, code):
    page = client.get(f"/verify/{code}?lang=en")
    assert page.status_code == 400 and "This is not a certificate code" in page.get_data(as_text=True)
    data = client.get(f"/api/verify/{code}")
    assert data.status_code == 400 and data.get_json() == {"found": False, "error": "malformed_code"}


def test_a_guessed_code_is_not_found(client, certificate):
    guess = new_code()
    page = client.get(f"/verify/{guess}?lang=en")
    assert page.status_code == 404 and "No certificate has this code" in page.get_data(as_text=True)
    near = certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B")
    assert client.get(f"/api/verify/{near}").get_json() == {"found": False, "error": "not_found"}


def test_codes_are_unguessable_and_url_safe():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert CODE_BYTES * 8 >= 128
    alphabet = set(string.ascii_letters + string.digits + "-_")
    assert all(len(code) == 24 and set(code) <= alphabet for code in codes)
    assert new_code() != secrets.token_urlsafe(CODE_BYTES)
