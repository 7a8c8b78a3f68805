"""Benchmark the public help pages against a bare Flask app, in one run, on this machine.

Starts Hulpmix as `make serve` does (HULPMIX_ENV=production, gunicorn -c gunicorn.conf.py with
one gevent worker) on a fresh SQLite database with the topics loaded, and a bare Flask app under
the same gunicorn settings. Then wrk (`apt-get install wrk`) drives each URL with 50
connections and reports requests per second and p99 latency as a Markdown table.

    .venv/bin/python bench/public_pages.py [--duration 20] [--connections 50]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PAGES = [
    ("topic", "/onderwerp/ruzie-met-ouders"),
    ("category", "/categorie/thuis"),
    ("search", "/zoeken?q=ruzie+thuis"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local test server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def start(app: str, env: dict, port: int, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def wrk(url: str, connections: int, duration: int) -> tuple[float, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    value, unit = float(p99.group(1)), p99.group(2)
    p99_ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    if "Non-2xx" in out or "Socket errors" in out:
        print(out, file=sys.stderr)
    return rps, p99_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="hulpmix-bench-"))
    env = {**os.environ, "HULPMIX_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
           "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}", "HULPMIX_INSTANCE": str(workdir),
           "SESSION_COOKIE_SECURE": "false"}
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "live_help", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
    hulpmix_port, bare_port = free_port(), free_port()
    servers = [start("wsgi:app", env, hulpmix_port, ROOT),
               start("bare_page_app:app", {**env, "PYTHONPATH": str(ROOT / "bench")}, bare_port, ROOT / "bench")]
    try:
        wait_for(f"http://127.0.0.1:{hulpmix_port}/onderwerp/ruzie-met-ouders")
        wait_for(f"http://127.0.0.1:{bare_port}/")
        rows = []
        bare_url = f"http://127.0.0.1:{bare_port}/"
        wrk(bare_url, args.connections, 3)  # warm up
        bare_before = wrk(bare_url, args.connections, args.duration)
        for name, path in PAGES:
            url = f"http://127.0.0.1:{hulpmix_port}{path}"
            size = len(urllib.request.urlopen(url).read())  # noqa: S310 - local test server
            wrk(url, args.connections, 3)
            rps, p99 = wrk(url, args.connections, args.duration)
            rows.append((name, path, size, rps, p99))
        bare_after = wrk(bare_url, args.connections, args.duration)
        bare_size = len(urllib.request.urlopen(bare_url).read())  # noqa: S310 - local test server
        with open("/proc/loadavg") as handle:
            load = handle.read().split()[:3]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    # The bare app is measured before and after the Hulpmix pages; the ratio uses their mean.
    bare = ((bare_before[0] + bare_after[0]) / 2, max(bare_before[1], bare_after[1]))
    print(f"Run {now}, {os.cpu_count()} cores, {args.connections} connections, {args.duration} s per URL, "
          f"load average at the end {' '.join(load)}\n")
    print("| page | URL | bytes | requests/s | p99 ms | share of bare Flask |")
    print("|---|---|---:|---:|---:|---:|")
    for name, path, size, rps, p99 in rows:
        print(f"| {name} | `{path}` | {size} | {rps:.0f} | {p99:.1f} | {rps / bare[0]:.0%} |")
    print(f"| bare Flask, before | `/` (one template) | {bare_size} | {bare_before[0]:.0f} | {bare_before[1]:.1f} | |")
    print(f"| bare Flask, after | `/` (one template) | {bare_size} | {bare_after[0]:.0f} | {bare_after[1]:.1f} | |")


if __name__ == "__main__":
    main()
