"""Nearby search while WeChat hangs: gunicorn with the production config on PostgreSQL.

Two phases in one run against one server: a baseline (clients searching `/stations/nearby`),
then the same search while 20 logins wait on a WeChat that hangs every call (the fake's
`hang` fault). Login clients behave like people: after a 503 they wait a moment and try again.
Prints median, p99 and throughput of nearby in both phases, their ratio, and what the logins
saw (how many waited on WeChat, how many got `503 wechat_unavailable` at once). The goal
(issue 16 item 14): nearby's p99 while logins hang ≤ 50 ms. Usage:

    .venv/bin/python bench/bench_wechat_hang.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import summary  # noqa: E402

PORT = 18803
GOAL_P99_MS = 50.0


def nearby_phase(port: int, seconds: float, clients: int) -> list[float]:
    from bench.bench_nearby import query_points

    points = query_points(STATIONS, 2000)
    samples: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    failures: list[int] = []

    def client(seed: int) -> None:
        rng = random.Random(seed)
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        local = []
        while time.perf_counter() < deadline:
            lat, lng = rng.choice(points)
            started = time.perf_counter()
            connection.request("GET", f"/api/v1/stations/nearby?lat={lat:.6f}&lng={lng:.6f}"
                               "&radius=1000&limit=20")
            response = connection.getresponse()
            response.read()
            local.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                failures.append(response.status)
        with lock:
            samples.extend(local)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        print(f"  nearby answered {len(failures)} times with another status: "
              f"{sorted(set(failures))}")
    return samples


def hanging_logins(port: int, stop: threading.Event, count: int, seen: dict[str, list[float]]):
    lock = threading.Lock()
    serial = iter(range(10**9))

    def client() -> None:
        while not stop.is_set():
            connection = HTTPConnection("127.0.0.1", port, timeout=60)
            body = json.dumps({"code": f"mock:hang-{next(serial)}"}).encode()
            started = time.perf_counter()
            connection.request("POST", "/api/v1/auth/wx-login", body=body,
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            answer = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            code = (json.loads(answer).get("error") or {}).get("code", "ok")
            with lock:
                seen.setdefault(f"{response.status} {code}", []).append(elapsed)
            connection.close()
            if response.status != 200:
                stop.wait(0.5)  # a person taps again a moment later

    threads = [threading.Thread(target=client, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads


def show(label: str, samples: list[float], seconds: float,
         baseline: dict[str, float] | None = None) -> dict[str, float]:
    stats = summary(samples)
    ratio = ""
    if baseline:
        ratio = (f"  ratio to baseline: p50 {stats['p50_ms'] / baseline['p50_ms']:.2f}x, "
                 f"p99 {stats['p99_ms'] / baseline['p99_ms']:.2f}x")
    print(f"{label:<34} n={stats['n']:>6}  median={stats['p50_ms']:.2f} ms  "
          f"p99={stats['p99_ms']:.2f} ms  throughput={stats['n'] / seconds:.0f}/s{ratio}",
          flush=True)
    return stats


STATIONS = 20_000


def main() -> None:
    global STATIONS
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--stations", type=int, default=STATIONS)
    parser.add_argument("--hang-seconds", type=float, default=30)
    parser.add_argument("--workers", default="4")
    parser.add_argument("--no-breaker", action="store_true",
                        help="WECHAT_BREAKER_FAILURES=0: threads and timeouts alone")
    args = parser.parse_args()
    STATIONS = args.stations

    import os

    import psycopg

    from bench.bench_mixed import prepare
    from wxclient.fake import FakeWeChatServer

    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS gonghui_bench_hang WITH (FORCE)")
        conn.execute("CREATE DATABASE gonghui_bench_hang")
    url = args.postgres.rsplit("/", 1)[0] + "/gonghui_bench_hang"
    prepare(url, args.stations, 0)
    with FakeWeChatServer() as fake:
        server = start_server(url, fake.url, args.workers, not args.no_breaker)
        try:
            print(f"gunicorn, production config: {args.workers} workers × "
                  f"{os.environ.get('GUNICORN_THREADS', '4')} threads (gthread); "
                  f"{args.stations:,} stations; {args.clients} nearby clients; "
                  f"breaker {'off' if args.no_breaker else 'on'}", flush=True)
            nearby_phase(PORT, 2, args.clients)  # warm-up
            base = show("nearby, baseline", nearby_phase(PORT, args.seconds, args.clients),
                        args.seconds)
            fake.inject_fault("hang", count=10**6, hang_seconds=args.hang_seconds)
            stop = threading.Event()
            seen: dict[str, list[float]] = {}
            hanging_logins(PORT, stop, args.logins, seen)
            time.sleep(1.0)  # the logins are waiting on WeChat now
            hung = show(f"nearby, {args.logins} logins hanging",
                        nearby_phase(PORT, args.seconds, args.clients), args.seconds, base)
            stop.set()
            for outcome, values in sorted(seen.items()):
                stats = summary(values)
                print(f"  login → {outcome:<28} n={stats['n']:>5}  median={stats['p50_ms']:.0f} ms"
                      f"  max={max(values):.0f} ms")
            verdict = "PASS" if hung["p99_ms"] <= GOAL_P99_MS else "FAIL"
            print(f"goal: nearby p99 while logins hang ≤ {GOAL_P99_MS:.0f} ms → "
                  f"{hung['p99_ms']:.2f} ms {verdict}", flush=True)
        finally:
            server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: logins still hang
            server.wait(30)


def start_server(url: str, fake_url: str, workers: str, breaker: bool):
    """gunicorn with config/gunicorn.conf.py (production settings; bench_mixed's environment)."""
    import subprocess

    from bench import bench_mixed

    original = subprocess.Popen

    def popen(cmd, *a, env=None, **kw):
        env = {**(env or {}), "GUNICORN_WORKERS": workers}
        if not breaker:
            env["WECHAT_BREAKER_FAILURES"] = "0"
        return original(cmd, *a, env=env, **kw)

    bench_mixed.subprocess.Popen = popen  # the same module object: restored below
    try:
        return bench_mixed.start(url, PORT, fake_url)
    finally:
        bench_mixed.subprocess.Popen = original


if __name__ == "__main__":
    main()
