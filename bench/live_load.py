"""Live-help load benchmark: young people through the real queue to certified counsellors,
against the production server command (gunicorn, `gunicorn.conf.py`, gevent worker) on
PostgreSQL, with python-socketio asyncio clients in one process (docs/chat-protocol.md,
"Live help: the young person's side, step by step" and "Live help: staff events").

1. N counsellors (founding certificates: gate "live", LIVE_MAX_CHATS chats each) log in
   through the real login form with their TOTP code, connect to /chat, `live_hello`,
   `live_duty {available: true}` and accept every `live_offer`.
2. M young people start within `--start-seconds` (evenly spread) with `POST /api/chat/start`
   and connect with their token. Measured: start (POST sent) to `live_accepted` received.
   Those who wait ask `live_status`: their positions must be 1..waiting, no gaps or doubles.
3. The running chats exchange messages: each side sends every `--interval` seconds (random
   phase), each with its own client_id. Measured: send to the other side's `message`;
   lost (acknowledged, never received) and doubled (received twice, or stored twice in
   the database) must both be zero.

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python bench/live_load.py                          # 500 young people, 125 counsellors, 60 s
    .venv/bin/python bench/live_load.py --workers 2 --redis      # two gevent workers sharing Redis
    .venv/bin/python bench/live_load.py --youths 40 --counsellors 10 --start-seconds 10 --duration 15
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import aiohttp
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chat_load import percentile  # noqa: E402

PASSWORD = "bench-live-" + "p" * 12  # noqa: S105 - a throw-away account in a throw-away database
NS = "/chat"


# --- the database ---------------------------------------------------------------------------
def prepare(database_url: str, counsellors: int) -> list[tuple[str, str]]:
    """A fresh, migrated database; chat open around the clock; `counsellors` founding
    counsellors with two-factor login on. Returns (e-mail, TOTP secret) per counsellor."""
    import pyotp
    import sqlalchemy as sa
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    base = sa.engine.make_url(database_url)
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{base.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{base.database}"'))
    admin.dispose()

    os.environ["HULPMIX_ENV"] = "testing"
    from datetime import time as clock

    from app import create_app
    from app.accounts.models import Institution, User
    from app.certification.services import register_founding
    from app.extensions import db
    from app.timeutil import utcnow
    from live_help.models import OpeningSlot

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "bench",
                      "MAIL_CONSOLE": True, "MAIL_SERVER": ""})
    found = []
    with app.app_context():
        upgrade()
        for weekday in range(7):
            db.session.add(OpeningSlot(weekday=weekday, opens=clock(0, 0), closes=clock(23, 59, 59)))
        institution = Institution(slug="bench", name="Bench institution")
        db.session.add(institution)
        password_hash = generate_password_hash(PASSWORD, method="scrypt")  # once: scrypt is slow on purpose

        def user(email: str, name: str, role: str) -> User:
            person = User(email=email, display_name=name, full_name=name, institution=institution,
                          email_confirmed_at=utcnow(), password_hash=password_hash,
                          totp_secret=pyotp.random_base32(), totp_enabled_at=utcnow())
            person.add_role(role)
            db.session.add(person)
            return person

        coordinator = user("coordinator@bench.example.org", "Coordinator", "coordinator")
        staff = [user(f"counsellor{n}@bench.example.org", f"Counsellor {n}", "counsellor")
                 for n in range(1, counsellors + 1)]
        db.session.commit()
        for person in staff:
            register_founding(coordinator, person, "counsellor", "Founding counsellor for the live-help benchmark.")
        db.session.commit()
        for person in staff:
            db.session.refresh(person)
            found.append((person.email, person.totp_secret))
        db.engine.dispose()
    return found


def database_check(database_url: str, client_ids: list[str], positions: dict[int, int]) -> dict:
    """Every acknowledged client id stored exactly once? Do the positions the waiting young
    people were told follow the queue's order (risk, then queued_at)? Who was overtaken?"""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT client_id, count(*) FROM messages WHERE client_id = ANY(:ids) "
                                    "GROUP BY client_id"), {"ids": client_ids}).all()
        requests = dict(conn.execute(sa.text("SELECT status, count(*) FROM chat_requests GROUP BY status")).all())
        queue = [r[0] for r in conn.execute(sa.text(
            "SELECT id FROM chat_requests WHERE status IN ('waiting', 'offered') ORDER BY risk_rank DESC, queued_at, id"))]
        # Waiting now, but in line before the last one who got a counsellor.
        overtaken = conn.execute(sa.text(
            "SELECT count(*) FROM chat_requests w WHERE w.status = 'waiting' AND w.queued_at < "
            "(SELECT max(queued_at) FROM chat_requests WHERE status = 'active')")).scalar()
    engine.dispose()
    counts = {cid: n for cid, n in rows}
    told = sorted(positions, key=positions.get)
    return {"stored_missing": sum(1 for cid in client_ids if cid not in counts),
            "stored_twice": sum(1 for n in counts.values() if n > 1), "requests_by_status": requests,
            "positions_follow_queue_order": told == queue, "overtaken_while_waiting": overtaken}


# --- the server -----------------------------------------------------------------------------
def start_server(port: int, database_url: str, workers: int, redis_url: str | None, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "HULPMIX_BIND": f"127.0.0.1:{port}", "PYTHONPATH": str(ROOT), "HULPMIX_ENV": "production",
           "SECRET_KEY": "bench-" + "x" * 40, "DATABASE_URL": database_url, "SESSION_COOKIE_SECURE": "false",
           "HULPMIX_LOG_LEVEL": "warning", "HULPMIX_WORKERS": str(workers)}
    if redis_url:
        prefix = f"hulpmix-bench-{uuid.uuid4().hex[:8]}"
        env.update({"SOCKETIO_MESSAGE_QUEUE": redis_url, "RATELIMIT_STORAGE_URI": redis_url,
                    "SOCKETIO_CHANNEL": prefix, "RATELIMIT_KEY_PREFIX": prefix})
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    log = log_path.open("w")
    process = subprocess.Popen([gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited:\n{log_path.read_text()}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.2)  # waiting for the server to listen, bounded by the deadline
    process.kill()
    raise SystemExit("server did not start")


# --- the clients ----------------------------------------------------------------------------
class Stats:
    def __init__(self) -> None:
        self.sent: dict[str, float] = {}          # client id -> monotonic send time
        self.acked: set[str] = set()
        self.expect: dict[str, object] = {}       # client id -> the side that must receive it
        self.received: dict[str, int] = Counter()  # client id -> times the other side got it
        self.latencies: list[float] = []
        self.ack_errors: Counter = Counter()
        self.events: Counter = Counter()          # anything unusual, by name
        self.told_positions: dict[int, int] = {}  # request id -> live_status position


def body_for(side: str, n: int) -> str:
    return f"bericht {n} van de {'jongere' if side == 'youth' else 'counselor'}"


class Counsellor:
    def __init__(self, email: str, secret: str, stats: Stats) -> None:
        self.email, self.secret, self.stats = email, secret, stats
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("live_offer", self.on_offer, namespace=NS)
        self.sio.on("message", self.on_message, namespace=NS)
        self.sio.on("live_duty", self.on_duty, namespace=NS)
        self.sio.on("live_ended", lambda data: stats.events.update(["counsellor_live_ended"]), namespace=NS)
        self.conversations: list[int] = []
        self.tasks: set[asyncio.Task] = set()
        self.cookie = ""

    async def login(self, url: str) -> None:
        import pyotp

        jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
        # The browser token keys the login rate limit per browser (app/ratelimit.py), as
        # 125 people at 125 browsers would be; without it all would share one address.
        headers = {"X-Hulpmix-Browser": secrets.token_hex(16)}
        async with aiohttp.ClientSession(cookie_jar=jar, headers=headers) as http:
            async with http.get(url + "/login") as r:
                token = _csrf(await r.text())
            async with http.post(url + "/login", data={"email": self.email, "password": PASSWORD, "csrf_token": token},
                                 allow_redirects=False) as r:
                if r.status != 302 or "/login/code" not in r.headers.get("Location", ""):
                    raise RuntimeError(f"login {self.email}: {r.status} {r.headers.get('Location')}")
            async with http.get(url + "/login/code") as r:
                token = _csrf(await r.text())
            code = pyotp.TOTP(self.secret).now()
            async with http.post(url + "/login/code", data={"code": code, "csrf_token": token},
                                 allow_redirects=False) as r:
                if r.status != 302 or "/login" in r.headers.get("Location", ""):
                    raise RuntimeError(f"two-factor {self.email}: {r.status} {r.headers.get('Location')}")
            self.cookie = "; ".join(f"{c.key}={c.value}" for c in jar)

    async def connect(self, url: str) -> None:
        await self.sio.connect(url, namespaces=[NS], transports=["websocket"], headers={"Cookie": self.cookie},
                               wait_timeout=60)
        hello = await self.sio.call("live_hello", {}, namespace=NS, timeout=60)
        if not hello.get("ok"):
            raise RuntimeError(f"live_hello {self.email}: {hello}")
        duty = await self.sio.call("live_duty", {"available": True}, namespace=NS, timeout=60)
        if not duty.get("ok") or not duty.get("available"):
            raise RuntimeError(f"live_duty {self.email}: {duty}")

    def on_offer(self, data) -> None:
        self.stats.events["offers"] += 1
        task = asyncio.get_running_loop().create_task(self.accept(data["request_id"]))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def accept(self, request_id: int) -> None:
        try:
            ack = await self.sio.call("live_accept", {"request_id": request_id}, namespace=NS, timeout=60)
        except socketio.exceptions.TimeoutError:
            self.stats.events["accept_timeout"] += 1
            return
        if ack.get("ok"):
            self.conversations.append(ack["conversation_id"])
            self.stats.events["accepted_by_counsellor"] += 1
        else:
            self.stats.events[f"accept_{ack.get('error')}"] += 1

    def on_duty(self, data) -> None:
        if not data.get("available"):
            self.stats.events[f"taken_off_duty_{data.get('reason')}"] += 1

    def on_message(self, data) -> None:
        receive(self.stats, self, data)


class Youth:
    def __init__(self, number: int, stats: Stats) -> None:
        self.number, self.stats = number, stats
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("live_accepted", self.on_accepted, namespace=NS)
        self.sio.on("live_position", self.on_position, namespace=NS)
        self.sio.on("message", self.on_message, namespace=NS)
        self.sio.on("live_ended", lambda data: stats.events.update(["youth_live_ended"]), namespace=NS)
        self.sio.on("live_requeued", lambda data: stats.events.update(["youth_requeued"]), namespace=NS)
        self.started_at: float | None = None
        self.accepted_at: float | None = None
        self.accepted_via = ""
        self.request_id = self.conversation_id = 0
        self.pushed_position: int | None = None
        self.error = ""

    async def start(self, url: str, http: aiohttp.ClientSession) -> None:
        payload = {"age_group": random.choice(["12-14", "15-17", "18-20"]), "topic": "thuis", "accept_rules": True,
                   "browser": secrets.token_hex(16), "nickname": f"Jongere{self.number}",
                   "first_message": "Hoi, ik wil graag even praten.", "lang": "nl"}
        self.started_at = time.monotonic()
        try:
            async with http.post(url + "/api/chat/start", json=payload) as r:
                answer = await r.json(content_type=None)
                status = r.status
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            self.error = f"start: {type(exc).__name__}"
            return
        if status != 200 or not answer.get("ok"):
            self.error = f"start: {status} {answer.get('error')}"
            return
        self.request_id, self.conversation_id = answer["request_id"], answer["conversation_id"]
        try:
            await self.sio.connect(url, namespaces=[NS], transports=["websocket"], auth={"token": answer["token"]},
                                   wait_timeout=60)
            # A counsellor may accept before this socket is in the room: ask, as a client must.
            status = await self.sio.call("live_status", {}, namespace=NS, timeout=60)
        except (socketio.exceptions.ConnectionError, socketio.exceptions.TimeoutError) as exc:
            self.error = f"connect: {type(exc).__name__}"
            return
        if status.get("status") == "active" and self.accepted_at is None:
            self.accepted_at, self.accepted_via = time.monotonic(), "live_status"

    def on_accepted(self, data) -> None:
        if self.accepted_at is None:
            self.accepted_at, self.accepted_via = time.monotonic(), "live_accepted"
        else:
            self.stats.events["live_accepted_after_status"] += 1

    def on_position(self, data) -> None:
        self.pushed_position = data.get("position")

    def on_message(self, data) -> None:
        receive(self.stats, self, data)


def receive(stats: Stats, me, data: dict) -> None:
    at = time.monotonic()
    cid = data.get("client_id")
    if cid not in stats.sent:
        return  # system lines, first messages, and one's own... not ours to count
    if stats.expect.get(cid) is not me:
        return  # the sender's own echo
    stats.received[cid] += 1
    if stats.received[cid] == 1:
        stats.latencies.append((at - stats.sent[cid]) * 1000)


async def send_loop(stats: Stats, sio: socketio.AsyncClient, conversation_id: int, side: str, other, until: float,
                    interval: float) -> None:
    await asyncio.sleep(random.uniform(0, interval))
    n = 0
    while time.monotonic() < until:
        started = time.monotonic()
        n += 1
        cid = uuid.uuid4().hex
        stats.expect[cid] = other
        stats.sent[cid] = time.monotonic()
        try:
            ack = await sio.call("send", {"conversation_id": conversation_id, "client_id": cid,
                                          "body": body_for(side, n)}, namespace=NS, timeout=30)
        except socketio.exceptions.TimeoutError:
            stats.ack_errors["timeout"] += 1
            ack = None
        except socketio.exceptions.BadNamespaceError:
            stats.ack_errors["disconnected"] += 1
            return
        if ack and ack.get("ok"):
            stats.acked.add(cid)
            if ack.get("duplicate"):
                stats.ack_errors["duplicate_ack"] += 1
        elif ack is not None:
            stats.ack_errors[str(ack.get("error"))] += 1
        await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no csrf_token in the page")
    return match.group(1)


def summary_of(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1), "max_ms": round(max(values), 1) if values else float("nan")}


async def run(url: str, accounts: list[tuple[str, str]], args) -> tuple[dict, Stats, list[Youth]]:
    stats = Stats()
    result: dict = {}
    loop_lag: list[float] = []

    async def lag_probe() -> None:  # is the load generator itself keeping up?
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.1)
            loop_lag.append((time.monotonic() - before - 0.1) * 1000)

    probe = asyncio.get_running_loop().create_task(lag_probe())

    # 1. counsellors
    counsellors = [Counsellor(email, secret, stats) for email, secret in accounts]
    gate = asyncio.Semaphore(8)

    async def sign_in(c: Counsellor) -> None:
        async with gate:
            await c.login(url)
        await c.connect(url)

    began = time.monotonic()
    await asyncio.gather(*(sign_in(c) for c in counsellors))
    result["counsellors_ready_seconds"] = round(time.monotonic() - began, 1)
    print(f"{len(counsellors)} counsellors logged in and on duty in {result['counsellors_ready_seconds']} s", flush=True)

    # 2. young people, evenly spread
    youths = [Youth(n, stats) for n in range(1, args.youths + 1)]
    spacing = args.start_seconds / max(1, args.youths)
    began = time.monotonic()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     timeout=aiohttp.ClientTimeout(total=120)) as http:
        async def go(y: Youth, i: int) -> None:
            await asyncio.sleep(max(0.0, began + i * spacing - time.monotonic()))
            await y.start(url, http)

        await asyncio.gather(*(go(y, i) for i, y in enumerate(youths)))
    result["starts_seconds"] = round(time.monotonic() - began, 1)
    capacity = len(counsellors) * args.max_chats
    expected_accepted = min(capacity, sum(1 for y in youths if not y.error))
    settle_until = time.monotonic() + args.settle
    while time.monotonic() < settle_until and sum(1 for y in youths if y.accepted_at) < expected_accepted:
        await asyncio.sleep(0.5)
    await asyncio.sleep(3)  # a forced broadcast (every LIVE_TICK_SECONDS) after the last change
    accepted = [y for y in youths if y.accepted_at]
    waiting = [y for y in youths if not y.accepted_at and not y.error]
    print(f"starts done in {result['starts_seconds']} s: {len(accepted)} accepted, {len(waiting)} waiting, "
          f"{sum(1 for y in youths if y.error)} failed", flush=True)

    # positions of those who wait, as the server tells them
    statuses = await asyncio.gather(*(y.sio.call("live_status", {}, namespace=NS, timeout=60) for y in waiting),
                                    return_exceptions=True)
    positions = [s.get("position") for s in statuses if isinstance(s, dict)]
    stats.told_positions = {y.request_id: s.get("position") for y, s in zip(waiting, statuses, strict=True)
                            if isinstance(s, dict)}
    result["queue"] = {
        "waiting": len(waiting), "answers": len(positions),
        "positions_are_1_to_n": sorted(positions) == list(range(1, len(waiting) + 1)),
        "duplicates": sum(n - 1 for n in Counter(positions).values() if n > 1),
        "min": min(positions, default=None), "max": max(positions, default=None),
        "statuses": dict(Counter(s.get("status") for s in statuses if isinstance(s, dict))),
        "pushed_position_matches": sum(1 for y, s in zip(waiting, statuses, strict=True)
                                       if isinstance(s, dict) and y.pushed_position == s.get("position")),
    }
    result["accept"] = {"started": sum(1 for y in youths if y.request_id), "accepted": len(accepted),
                        "failed": dict(Counter(y.error for y in youths if y.error)),
                        "via": dict(Counter(y.accepted_via for y in accepted)),
                        **summary_of([(y.accepted_at - y.started_at) * 1000 for y in accepted])}

    # 3. messages in the running chats
    by_conversation = {y.conversation_id: y for y in accepted}
    loops = []
    until = time.monotonic() + args.duration
    chats = 0
    for c in counsellors:
        for conversation_id in c.conversations:
            youth = by_conversation.get(conversation_id)
            if youth is None:
                stats.events["counsellor_chat_without_youth"] += 1
                continue
            chats += 1
            loops.append(send_loop(stats, c.sio, conversation_id, "counsellor", youth, until, args.interval))
            loops.append(send_loop(stats, youth.sio, conversation_id, "youth", c, until, args.interval))
    print(f"{chats} chats exchange messages for {args.duration:g} s", flush=True)
    began = time.monotonic()
    await asyncio.gather(*loops)
    elapsed = time.monotonic() - began
    drain_until = time.monotonic() + args.drain
    while time.monotonic() < drain_until and any(cid not in stats.received for cid in stats.acked):
        await asyncio.sleep(0.5)
    probe.cancel()
    lost = [cid for cid in stats.acked if cid not in stats.received]
    result["messages"] = {"chats": chats, "sent": len(stats.sent), "acked": len(stats.acked),
                          "received": len(stats.received), "per_second": round(len(stats.received) / elapsed, 1),
                          "lost": len(lost), "doubled": sum(1 for n in stats.received.values() if n > 1),
                          "ack_errors": dict(stats.ack_errors), **summary_of(stats.latencies)}
    result["events"] = dict(stats.events)
    result["generator_loop_lag"] = summary_of(loop_lag)

    everyone = [c.sio for c in counsellors] + [y.sio for y in youths]
    await asyncio.gather(*(s.disconnect() for s in everyone if s.connected), return_exceptions=True)
    return result, stats, youths


def print_summary(r: dict) -> None:
    a, q, m = r["accept"], r["queue"], r["messages"]
    print()
    print(f"Live help, {r['youths']} young people, {r['counsellors']} counsellors x {r['max_chats']} chats, "
          f"{r['workers']} worker(s){' + Redis' if r['redis'] else ''}")
    print(f"  start -> live_accepted: {a['accepted']} accepted of {a['started']} started "
          f"(failed starts: {a['failed'] or 0}); p50 {a['p50_ms']} ms, p95 {a['p95_ms']} ms, "
          f"p99 {a['p99_ms']} ms, max {a['max_ms']} ms; seen via {a['via']}")
    print(f"  waiting: {q['waiting']}, live_status answered {q['answers']}, positions {q['min']}..{q['max']}, "
          f"1..n without gaps or doubles: {q['positions_are_1_to_n']}, doubles {q['duplicates']}, "
          f"last pushed live_position equal: "
          f"{q['pushed_position_matches']}/{q['answers']}")
    print(f"  messages: {m['chats']} chats, {m['sent']} sent, {m['acked']} acked, {m['received']} received "
          f"({m['per_second']}/s); p50 {m['p50_ms']} ms, p95 {m['p95_ms']} ms, p99 {m['p99_ms']} ms, "
          f"max {m['max_ms']} ms; lost {m['lost']}, doubled {m['doubled']}, ack errors {m['ack_errors'] or 0}")
    d = r["database"]
    print(f"  database: acked but not stored {d['stored_missing']}, stored twice {d['stored_twice']}; "
          f"requests {d['requests_by_status']}; positions follow the queue order (risk, queued_at): "
          f"{d['positions_follow_queue_order']}; waiting though in line before the last accepted: "
          f"{d['overtaken_while_waiting']}")
    lag = r["generator_loop_lag"]
    print(f"  load generator event-loop lag: p50 {lag['p50_ms']} ms, p99 {lag['p99_ms']} ms, max {lag['max_ms']} ms")
    print(f"  events: {r['events']}")
    print(f"  server log: {r['server_log_errors']} error lines ({r['server_log']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youths", type=int, default=500)
    parser.add_argument("--counsellors", type=int, default=125)
    parser.add_argument("--start-seconds", type=float, default=60, help="the young people start within this time")
    parser.add_argument("--duration", type=float, default=60, help="seconds of message exchange")
    parser.add_argument("--interval", type=float, default=5, help="seconds between two messages of one side")
    parser.add_argument("--settle", type=float, default=60, help="at most this long for the last acceptances")
    parser.add_argument("--drain", type=float, default=15, help="at most this long for the last messages")
    parser.add_argument("--max-chats", type=int, default=2, help="LIVE_MAX_CHATS of a founding counsellor")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis", nargs="?", const="redis://127.0.0.1:6379/13", default=None,
                        help="Redis as message queue and rate-limit store (needed for several workers)")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/hulpmix_bench_live")
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    args = parser.parse_args()
    if args.workers > 1 and not args.redis:
        parser.error("several workers need --redis (Socket.IO events and rate limits are shared there)")

    print(f"preparing {args.database_url} with {args.counsellors} counsellors", flush=True)
    accounts = prepare(args.database_url, args.counsellors)
    log_path = Path(tempfile.gettempdir()) / f"live_load_server_{args.port}.log"
    server = start_server(args.port, args.database_url, args.workers, args.redis, log_path)
    try:
        result, stats, _youths = asyncio.run(run(f"http://127.0.0.1:{args.port}", accounts, args))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    result.update({"youths": args.youths, "counsellors": args.counsellors, "max_chats": args.max_chats,
                   "duration": args.duration, "workers": args.workers, "redis": bool(args.redis),
                   "database": database_check(args.database_url, sorted(stats.acked), stats.told_positions),
                   "server_log": str(log_path),
                   "server_log_errors": sum(1 for line in log_path.read_text(errors="replace").splitlines()
                                            if "Traceback" in line or "[ERROR]" in line or "ERROR" in line)})
    print_summary(result)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
