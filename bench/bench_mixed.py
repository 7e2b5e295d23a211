"""Mixed workload over HTTP against gunicorn on PostgreSQL for 60 s.

80 % nearby search, 5 % login, 10 % reads (profile, to-do counts, a station), 5 % officer
decisions on pending memberships. Prints throughput, p50/p99 per kind and overall, and the
error count (anything but the expected status). Usage:

    .venv/bin/python bench/bench_mixed.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import base64
import itertools
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import summary  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def prepare(url: str, stations: int, pending: int) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.core import todos
    from app.core.crypto import keyed_hash
    from app.demo import load_demo_data
    from app.extensions import db
    from app.members.models import Membership
    from app.orgs.models import Org
    from bench.bench_nearby import load
    from config import TestConfig, normalise_database_url
    from tests.helpers import make_user, valid_id_number

    settings = TestConfig()
    settings.SQLALCHEMY_DATABASE_URI = normalise_database_url(url)
    settings.REQUEST_LOG = False
    settings.LOG_LEVEL = "WARNING"
    settings.FIELD_ENCRYPTION_KEY = base64.urlsafe_b64encode(b"m" * 32).decode()
    app = create_app(settings)
    with app.app_context():
        upgrade()
    load(app, stations)
    with app.app_context():
        load_demo_data()
        village = db.session.scalar(db.select(Org).where(Org.name == "长法村"))
        for n in range(pending):
            user = make_user(f"bench-applicant-{n}")
            number = valid_id_number(born="19920101", sequence=n % 1000,
                                     region=f"{320000 + n // 1000:06d}")
            membership = Membership(
                user_id=user.id, org_id=village.id, real_name=f"申请人{n}", id_number=number,
                id_number_hash=keyed_hash(number), employer="美团", occupation="骑手",
                industry="food_delivery", status="pending", version=1)
            db.session.add(membership)
            db.session.flush()
            todos.open_todo(kind="membership", object_id=membership.id, org_id=village.id,
                            org_path=village.path, role="approver", title="入会申请",
                            summary="bench", version=1,
                            action=f"/api/v1/memberships/{membership.id}/decision")
        db.session.commit()
        ids = [m.id for m in db.session.scalars(db.select(Membership).where(
            Membership.status == "pending", Membership.org_id == village.id)
            .order_by(Membership.id))]
        db.engine.dispose()
    return ids


def start(url: str, port: int, fake_url: str) -> subprocess.Popen:
    env = {**os.environ, "GONGHUI_ENV": "production", "DATABASE_URL": url,
           "WECHAT_APPID": "wx-fake-appid", "WECHAT_SECRET": "fake-secret",
           "WECHAT_API_BASE": fake_url, "JWT_SECRET_KEY": "bench-" + "k" * 40,
           "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(b"m" * 32).decode(),
           "PORT": str(port), "GUNICORN_WORKERS": "3", "GUNICORN_ACCESS_LOG": "/dev/null",
           "LOG_LEVEL": "WARNING", "RATELIMIT_LOGIN": "1000000 per minute",
           "RATELIMIT_PUBLIC": "1000000 per minute", "RATELIMIT_WRITES": "1000000 per minute",
           "GONGHUI_INSTANCE_DIR": tempfile.mkdtemp(prefix="gonghui-mixed-"),
           "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="gonghui-prom-")}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def run(port: int, seconds: float, clients: int, pending_ids: list[int]) -> None:
    import json

    from bench.bench_nearby import query_points

    points = query_points(100_000, 2000)
    decisions = iter(pending_ids)
    lock = threading.Lock()
    results: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    login_counter = itertools.count()

    def call(connection, method, path, headers=None, body=None):
        payload = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, body=payload, headers={
            **(headers or {}), **({"Content-Type": "application/json"} if payload else {})})
        response = connection.getresponse()
        return response.status, response.read()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        _, body = call(connection, "POST", "/api/v1/auth/wx-login",
                       body={"code": "mock:officer-changfa"})
        officer = {"Authorization": "Bearer " + json.loads(body)["access_token"]}
        local: dict[str, list[float]] = {}
        bad: dict[str, int] = {}
        while time.perf_counter() < deadline:
            roll = rng.random()
            started = time.perf_counter()
            if roll < 0.80:
                kind = "nearby"
                lat, lng = rng.choice(points)
                status, _ = call(connection, "GET", f"/api/v1/stations/nearby?lat={lat:.6f}"
                                 f"&lng={lng:.6f}&radius=1000&limit=20")
                ok = status == 200
            elif roll < 0.85:
                kind = "login"
                status, _ = call(connection, "POST", "/api/v1/auth/wx-login",
                                 body={"code": f"mock:bench-worker-{next(login_counter)}"})
                ok = status == 200
            elif roll < 0.95:
                kind = "read"
                path = rng.choice(["/api/v1/me", "/api/v1/workbench/counts",
                                   f"/api/v1/stations/{rng.randint(1, 100_000)}"])
                status, _ = call(connection, "GET", path, headers=officer)
                ok = status in (200, 404) if "/stations/" in path else status == 200
            else:
                kind = "decision"
                with lock:
                    membership_id = next(decisions, None)
                if membership_id is None:
                    continue
                status, answer = call(connection, "POST",
                                      f"/api/v1/memberships/{membership_id}/decision",
                                      headers=officer, body={"action": "approve", "version": 1})
                ok = status == 200
                if not ok:
                    print(f"decision {membership_id}: {status} {answer[:200]!r}", flush=True)
            local.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            if not ok:
                key = f"{kind}:{status}"
                bad[key] = bad.get(key, 0) + 1
        with lock:
            for kind, values in local.items():
                results.setdefault(kind, []).extend(values)
            for kind, count in bad.items():
                errors[kind] = errors.get(kind, 0) + count

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    everything = [v for values in results.values() for v in values]
    print(f"mixed workload: {len(everything):,} requests in {elapsed:.1f} s = "
          f"{len(everything) / elapsed:.0f} req/s; errors: {sum(errors.values())} {errors}")
    for kind, values in sorted(results.items()):
        stats = summary(values)
        print(f"  {kind:<9} n={stats['n']:>6} ({stats['n'] / len(everything):.0%})  "
              f"p50={stats['p50_ms']:.2f} ms  p99={stats['p99_ms']:.2f} ms")
    stats = summary(everything)
    print(f"  overall   p50={stats['p50_ms']:.2f} ms  p99={stats['p99_ms']:.2f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--stations", type=int, default=100_000)
    args = parser.parse_args()

    import psycopg

    from wxclient.fake import FakeWeChatServer

    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS gonghui_bench_mixed WITH (FORCE)")
        conn.execute("CREATE DATABASE gonghui_bench_mixed")
    url = args.postgres.rsplit("/", 1)[0] + "/gonghui_bench_mixed"
    pending = prepare(url, args.stations, 20_000)
    with FakeWeChatServer() as fake:
        server = start(url, 18801, fake.url)
        try:
            run(18801, args.seconds, args.clients, pending)
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
