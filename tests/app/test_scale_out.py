"""Two real server processes (the production command) sharing Redis: rate limits and
Socket.IO events cross workers. Flask-SocketIO's test client cannot use a message queue,
so these tests start gunicorn with the gevent worker and talk to it over HTTP and WebSocket."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests
import socketio

from app.extensions import db
from tests.conftest import PASSWORD, ROOT, free_port, port_open, require_service

pytestmark = pytest.mark.redis
REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_namespace():
    """A key prefix and channel of our own: other test runs may share this Redis."""
    require_service(port_open("127.0.0.1", 6379), "Redis is not running on 127.0.0.1:6379")
    prefix = f"hulpmix-test-{uuid.uuid4().hex[:10]}"
    client = redis.Redis.from_url(REDIS_URL)
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


class Worker:
    def __init__(self, env: dict, tmp: Path, name: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"{name}.log"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
            cwd=ROOT, env={**env, "HULPMIX_BIND": f"127.0.0.1:{self.port}"},
            stdout=self._log_file, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited:\n{self.log.read_text()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:  # refused, or accepted before the worker runs
                pass
            time.sleep(0.1)  # polling a readiness condition, bounded by the deadline
        raise AssertionError(f"worker not ready:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self._log_file.close()


@pytest.fixture
def workers(app, database_url, smtp_server, redis_namespace, tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "FLASK"))},
        "HULPMIX_ENV": "production", "SECRET_KEY": "shared-secret-for-both-workers-" + "x" * 32,
        "SESSION_COOKIE_SECURE": "false", "DATABASE_URL": database_url,
        "SOCKETIO_MESSAGE_QUEUE": REDIS_URL, "RATELIMIT_STORAGE_URI": REDIS_URL,
        "SOCKETIO_CHANNEL": redis_namespace, "RATELIMIT_KEY_PREFIX": redis_namespace,
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_server.port), "PYTHONPATH": str(ROOT),
    }
    started = [Worker(env, tmp_path, "a"), Worker(env, tmp_path, "b")]
    try:
        for worker in started:
            worker.wait_ready()
        yield started
    finally:
        for worker in started:
            worker.stop()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _login(session: requests.Session, base: str, email: str) -> None:
    token = _csrf(session.get(base + "/login").text)
    response = session.post(base + "/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                            allow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")


def test_login_attempts_are_counted_across_workers(workers):
    a, b = workers
    session = requests.Session()
    statuses = []
    for attempt in range(11):
        base = (a if attempt % 2 else b).url
        token = _csrf(session.get(base + "/login").text)
        statuses.append(session.post(base + "/login", data={"email": f"nobody{attempt}@example.org",
                                                             "password": "wrong", "csrf_token": token}).status_code)
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_logging_out_on_one_worker_closes_the_socket_on_the_other(workers, make_user):
    a, b = workers
    user = make_user("trainee")
    db.session.commit()
    browser = requests.Session()
    _login(browser, a.url, user.email)

    client = socketio.Client(reconnection=False)
    greeted, closed = threading.Event(), threading.Event()
    client.on("hello", lambda data: greeted.set(), namespace="/chat")
    client.on("disconnect", lambda *args: closed.set(), namespace="/chat")
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    client.connect(b.url, namespaces=["/chat"], transports=["websocket"], headers={"Cookie": cookie})
    assert greeted.wait(10), "the socket on worker B was not accepted"

    dashboard = browser.get(a.url + "/dashboard").text
    browser.post(a.url + "/logout", data={"csrf_token": _csrf(dashboard)})
    assert closed.wait(10), "worker B did not close the socket after logout on worker A"
    client.disconnect()
