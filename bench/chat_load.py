"""Chat load benchmark: N concurrent conversations, each side sending one message a second,
against the production server command (gunicorn, gevent worker), and against the bare
Flask-SocketIO baseline (bench/bare_chat.py) in the same run.

It prints messages per second, delivery latency (send to arrival at the other side:
p50/p95/p99) and counts lost and duplicated messages. Traffic stays on 127.0.0.1.

    .venv/bin/python bench/chat_load.py --pairs 50 200 --seconds 30
    .venv/bin/python bench/chat_load.py --pairs 200 --target hulpmix --database-url postgresql+psycopg://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def prepare_hulpmix(pairs: int, database_url: str) -> list[tuple[int, str, str]]:
    """A fresh database with `pairs` conversations, each with two token participants."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    if database_url.startswith("postgresql"):
        base = sa.engine.make_url(database_url)
        admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{base.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{base.database}"'))
        admin.dispose()
    elif database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ["HULPMIX_ENV"] = "testing"
    from app import create_app
    from app.conversations import NewParticipant, start_conversation
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "bench"})
    found = []
    with app.app_context():
        upgrade()
        for _ in range(pairs):
            conversation, tokens = start_conversation("live", [
                NewParticipant("counsellor", "C", with_token=True), NewParticipant("youth", "Y", with_token=True)])
            found.append((conversation.id, tokens[0], tokens[1]))
        db.session.commit()
        db.engine.dispose()
    return found


def start_server(target: str, port: int, database_url: str) -> subprocess.Popen:
    env = {**os.environ, "HULPMIX_BIND": f"127.0.0.1:{port}", "PYTHONPATH": str(ROOT)}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    if target == "hulpmix":
        env.update({"HULPMIX_ENV": "production", "SECRET_KEY": "bench-" + "x" * 40, "DATABASE_URL": database_url,
                    "SESSION_COOKIE_SECURE": "false", "HULPMIX_LOG_LEVEL": "warning"})
        args = [gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]
    else:
        env["BARE_DATABASE_URL"] = database_url
        args = [gunicorn, "-k", "gevent", "-w", "1", "--worker-connections", "4000", "--no-control-socket",
                "--log-level", "warning", "-b", f"127.0.0.1:{port}", "bench.bare_chat:app"]
    process = subprocess.Popen(args, cwd=ROOT, env=env)
    import requests

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling", timeout=1)
            return process
        except requests.RequestException:
            time.sleep(0.2)  # waiting for the server to listen, bounded by the deadline
    process.kill()
    raise SystemExit("server did not start")


class Side:
    def __init__(self, conversation_id: int, token: str, name: str, stats: dict) -> None:
        self.conversation_id = conversation_id
        self.token = token
        self.name = name
        self.stats = stats
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("message", self.on_message, namespace="/chat")
        self.sent = 0

    async def on_message(self, data):
        body = data.get("body", "")
        try:
            side, number, sent_at = body.split("|")
        except ValueError:
            return
        if side == self.name:
            return
        key = (self.conversation_id, side, int(number))
        if key in self.stats["received"]:
            self.stats["duplicates"] += 1
            return
        self.stats["received"].add(key)
        self.stats["latencies"].append((time.time() - float(sent_at)) * 1000)

    async def connect(self, url: str) -> None:
        await self.client.connect(url, namespaces=["/chat"], transports=["websocket"], auth={"token": self.token},
                                  wait_timeout=30)
        await self.client.call("join", {"conversation_id": self.conversation_id, "after": 0}, namespace="/chat",
                               timeout=30)

    async def run(self, until: float) -> None:
        await asyncio.sleep(random.random())  # spread the sends over the second  # noqa: S311
        while time.monotonic() < until:
            started = time.monotonic()
            self.sent += 1
            body = f"{self.name}|{self.sent}|{time.time()}"
            try:
                ack = await self.client.call("send", {"conversation_id": self.conversation_id,
                                                      "client_id": uuid.uuid4().hex, "body": body},
                                             namespace="/chat", timeout=10)
            except socketio.exceptions.TimeoutError:
                self.stats["ack_timeouts"] += 1
                ack = None
            if ack and ack.get("ok"):
                self.stats["acked"].add((self.conversation_id, self.name, self.sent))
            elif ack is not None:
                self.stats["refused"] += 1
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


async def load(url: str, conversations: list[tuple[int, str, str]], seconds: float) -> dict:
    stats = {"received": set(), "acked": set(), "latencies": [], "duplicates": 0, "ack_timeouts": 0, "refused": 0}
    sides = []
    for conversation_id, token_a, token_b in conversations:
        sides.append(Side(conversation_id, token_a, "a", stats))
        sides.append(Side(conversation_id, token_b, "b", stats))
    gate = asyncio.Semaphore(50)

    async def connect(side):
        async with gate:
            await side.connect(url)

    await asyncio.gather(*(connect(s) for s in sides))
    until = time.monotonic() + seconds
    started = time.monotonic()
    await asyncio.gather(*(s.run(until) for s in sides))
    elapsed = time.monotonic() - started
    await asyncio.sleep(3)  # let the last messages arrive before counting losses
    await asyncio.gather(*(s.client.disconnect() for s in sides))
    lost = len(stats["acked"] - stats["received"])
    lat = stats["latencies"]
    return {
        "messages": len(stats["received"]), "per_second": round(len(stats["received"]) / elapsed, 1),
        "p50_ms": round(percentile(lat, 50), 1), "p95_ms": round(percentile(lat, 95), 1),
        "p99_ms": round(percentile(lat, 99), 1), "lost": lost, "duplicates": stats["duplicates"],
        "ack_timeouts": stats["ack_timeouts"], "refused": stats["refused"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--target", choices=["both", "hulpmix", "bare"], default="both")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/hulpmix_bench")
    args = parser.parse_args()
    targets = ["bare", "hulpmix"] if args.target == "both" else [args.target]
    results = []
    for pairs in args.pairs:
        for target in targets:
            port = 8100 + len(results)
            if target == "hulpmix":
                conversations = prepare_hulpmix(pairs, args.database_url)
                db_url = args.database_url
            else:
                conversations = [(i + 1, f"room{i}:a", f"room{i}:b") for i in range(pairs)]
                db_url = args.database_url.replace("hulpmix_bench", "test") if "postgresql" in args.database_url \
                    else "sqlite:////tmp/bare_chat.db"
            server = start_server(target, port, db_url)
            try:
                result = asyncio.run(load(f"http://127.0.0.1:{port}", conversations, args.seconds))
            finally:
                server.terminate()
                server.wait(timeout=20)
            result.update({"target": target, "pairs": pairs, "seconds": args.seconds})
            results.append(result)
            print(json.dumps(result), flush=True)
    print()
    print(f"{'target':8} {'pairs':>5} {'msg/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'lost':>5} {'dup':>4}")
    for r in results:
        print(f"{r['target']:8} {r['pairs']:5d} {r['per_second']:7.1f} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} "
              f"{r['p99_ms']:7.1f} {r['lost']:5d} {r['duplicates']:4d}")


if __name__ == "__main__":
    main()
