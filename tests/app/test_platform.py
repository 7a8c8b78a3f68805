"""Platform defaults: configuration, headers, CSRF, sanitising, language, CLI and migrations."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import func, select

from app import ConfigError, create_app
from app.accounts.models import Institution, User
from app.certification import (
    RequirementRegistry,
    RequirementResult,
    evaluate,
    meets_requirements,
    register_requirement,
)
from app.config import ProductionConfig
from app.content import render_markdown, render_user_text
from app.extensions import db
from tests.conftest import ROOT


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(ConfigError, match="SECRET_KEY is required"):
        create_app(ProductionConfig)


def test_production_refuses_the_demo_two_factor_bypass(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 64)
    monkeypatch.setattr(ProductionConfig, "TWO_FACTOR_DEMO_BYPASS", True, raising=False)
    with pytest.raises(ConfigError, match="TWO_FACTOR_DEMO_BYPASS"):
        create_app(ProductionConfig)


def test_database_url_uses_psycopg3_for_postgres(monkeypatch):
    from app.config import _database_url

    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/hulpmix")
    assert _database_url("sqlite://") == "postgresql+psycopg://u@db/hulpmix"


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers
    secure = client.get("/", base_url="https://hulpmix.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_script_or_style(client):
    html = client.get("/").get_data(as_text=True) + client.get("/login").get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user("applicant")
    response = client.post("/login", data={"email": user.email, "password": "Correct-horse-42"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_forms_without_a_csrf_token_are_refused_kindly(csrf_app, make_user):
    user = make_user("applicant")
    response = csrf_app.test_client().post("/login", data={"email": user.email, "password": "Correct-horse-42"})
    assert response.status_code == 400
    assert "Het formulier is verlopen" in response.get_data(as_text=True)


def test_markdown_is_sanitised():
    html = render_markdown("# Kop\n\n<script>alert(1)</script> [link](javascript:alert(1)) **vet**")
    assert "<script>" not in html and "javascript:" not in html and "<strong>vet</strong>" in html


def test_user_text_is_escaped_and_keeps_line_breaks():
    html = render_user_text("<b>hoi</b>\nhoe gaat het")
    assert "&lt;b&gt;hoi&lt;/b&gt;<br>hoe gaat het" in html


def test_the_language_switch_persists_and_english_is_complete(client, signed_in):
    user = signed_in("trainee")
    assert "Hallo," in client.get("/dashboard").get_data(as_text=True)
    client.get("/language/en?next=/dashboard")
    assert "Hello," in client.get("/dashboard").get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale == "en"


def test_anonymous_language_choice_is_kept_in_the_session(client):
    client.get("/language/en")
    html = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in html and "Need help right now?" in html
    client.get("/language/nl")
    assert "Nu meteen hulp nodig?" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("catalogue", sorted(ROOT.glob("*/translations/nl/LC_MESSAGES/messages.po")),
                         ids=lambda p: p.parts[-5])
def test_the_dutch_catalogue_translates_every_message(catalogue):
    with catalogue.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    untranslated = [m.id for m in catalog if m.id and (not m.string or (not isinstance(m.string, str) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("code", [400, 403, 404, 429, 500])
def test_error_pages_speak_both_languages(app, code):
    from flask import abort

    @app.route(f"/test-error-{code}")
    def _raise():
        abort(code)

    _raise.access = None
    client = app.test_client()
    dutch = client.get(f"/test-error-{code}")
    english = client.get(f"/test-error-{code}?lang=en")
    assert dutch.status_code == english.status_code == code
    assert dutch.get_data(as_text=True) != english.get_data(as_text=True)
    assert 'class="code"' in dutch.get_data(as_text=True)


def test_unexpected_errors_show_the_friendly_500_page(app):
    app.config["PROPAGATE_TEST_ERRORS"] = False

    @app.route("/test-crash")
    def _crash():
        raise RuntimeError("boom")

    response = app.test_client().get("/test-crash")
    assert response.status_code == 500
    assert "Er ging bij ons iets mis" in response.get_data(as_text=True)


def test_seed_demo_is_idempotent(runner):
    first = runner.invoke(args=["hulpmix", "seed-demo"])
    second = runner.invoke(args=["hulpmix", "seed-demo"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 7
    names = set(db.session.scalars(select(Institution.name)))
    assert {"Bureau Jeugdzorg Overijssel", "Bureau Jeugdzorg Gelderland", "Bureau Jeugdzorg Zuid-Holland",
            "GGzE", "de Bascule"} <= names
    roles = {role for user in db.session.scalars(select(User)) for role in user.role_names}
    assert roles == {"applicant", "trainee", "counsellor", "trainer", "supervisor", "coordinator", "admin"}
    # The demo trainee is in the demo trainer's cohort (once), so they see the course.
    from app.cohorts.models import CohortMember

    members = list(db.session.scalars(select(CohortMember)))
    assert [m.user.email for m in members] == ["trainee@demo.hulpmix.nl"]
    assert members[0].cohort.trainer.email == "trainer@demo.hulpmix.nl"


def test_create_admin_makes_an_administrator(runner):
    result = runner.invoke(args=["hulpmix", "create-admin", "--email", "Beheer@Example.org", "--name", "Beheer",
                                 "--password", "Lang-genoeg-123"])
    assert result.exit_code == 0, result.output
    assert User.by_email("beheer@example.org").has_role("admin")
    short = runner.invoke(args=["hulpmix", "create-admin", "--email", "x@example.org", "--name", "X",
                                "--password", "kort"])
    assert short.exit_code != 0 and "10 characters" in short.output


def test_cli_commands_have_help(runner):
    result = runner.invoke(args=["hulpmix", "--help"])
    assert "seed-demo" in result.output and "create-admin" in result.output


def test_models_and_migrations_agree(app):
    """`flask db migrate` would find nothing to do: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.extensions import include_in_migrations

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_object": include_in_migrations})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_certification_requirements_register_in_any_order(app, make_user, monkeypatch):
    # An empty registry: the features register their own requirements in create_app.
    monkeypatch.setitem(app.extensions, "hulpmix.certification", RequirementRegistry())
    user = make_user("trainee")
    assert meets_requirements(user, "counsellor") is False  # nothing registered: never certified
    register_requirement(app, "counsellor", "course", "Course completed", lambda u: RequirementResult(True, evidence=("done",)), order=20)
    register_requirement(app, "counsellor", "screening", "Screening passed", lambda u: RequirementResult(False, missing="not yet"), order=10)
    assert [req.key for req, _ in evaluate(user, "counsellor")] == ["screening", "course"]
    assert meets_requirements(user, "counsellor") is False
    with pytest.raises(ValueError, match="twice"):
        register_requirement(app, "counsellor", "course", "again", lambda u: RequirementResult(True))
    with pytest.raises(ValueError, match="unknown certificate type"):
        register_requirement(app, "pilot", "x", "x", lambda u: RequirementResult(True))


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_static_files_never_write_the_session_back(app, make_user):
    """A stylesheet that was requested before a language switch must not answer with the old
    session after it (the cookie would switch the language back)."""
    from tests.conftest import sign_in_session

    client = app.test_client()
    sign_in_session(client, make_user("counsellor"))
    client.get("/dashboard")  # a page: the session is complete after it
    for url in ("/static/css/hulpmix.css", "/static/live_help/live_help/chat.css"):
        response = client.get(url)
        response.close()
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
