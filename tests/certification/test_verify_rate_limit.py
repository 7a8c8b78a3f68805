"""Guessing codes is slow: the verification pages share a rate limit per visitor."""

from __future__ import annotations

import pytest

from app.certification.models import new_code


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "CERTIFICATION_VERIFY_RATE_LIMIT": "5 per minute"}


def test_guessing_many_codes_is_rate_limited(client):
    answers = [client.get(f"/verify/{new_code()}").status_code for _ in range(5)]
    assert answers == [404] * 5
    page = client.get(f"/verify/{new_code()}?lang=en")
    assert page.status_code == 429 and "Slow down" in page.get_data(as_text=True)
    data = client.get(f"/api/verify/{new_code()}")
    assert data.status_code == 429 and data.get_json()["error"]
    assert client.get("/verify?code=x").status_code == 429  # the form shares the limit
