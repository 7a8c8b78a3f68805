"""Browser tests: Playwright drives Debian's Chromium against a real server on 127.0.0.1."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests.conftest import FreshContextClient, _base_config, _clean, free_port, require_service

CHROMIUM = os.environ.get("HULPMIX_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    require_service(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    return {"executable_path": CHROMIUM, "args": LAUNCH_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args():
    return {"locale": "nl-NL", "timezone_id": "Europe/Amsterdam", "viewport": {"width": 1280, "height": 900}}


class LiveServer:
    def __init__(self, app, port: int) -> None:
        self.app = app
        self.url = f"http://127.0.0.1:{port}"
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(database_url, smtp_server):
    """The app on a real port, on the session's database, mail to the test SMTP server.

    Tests set up data with `live_server.app.app_context()`: this app is the one the
    server runs, so its Socket.IO server is the current one.
    """
    config = {**_base_config(), "SQLALCHEMY_DATABASE_URI": database_url, "MAIL_SERVER": "127.0.0.1",
              "MAIL_PORT": smtp_server.port, "TESTING": False, "PROPAGATE_TEST_ERRORS": False}
    app = create_app(config)
    app.test_client_class = FreshContextClient
    with app.app_context():
        _clean(db.engine)
        db.session.remove()
    server = LiveServer(app, free_port())
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()
