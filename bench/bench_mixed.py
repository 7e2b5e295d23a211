"""Mixed workload over HTTP against gunicorn on PostgreSQL (60 s by default).

The mix, per request drawn: 70 % nearby search (anonymous), 5 % login, 10 % an officer's reads
(profile, to-do counts, the to-do queue, a station), 10 % a member's screens (the events list,
my benefits, my member card) and 5 % officer decisions on pending memberships. Prints
throughput, p50/p99 per kind and overall next to the SQL statements each kind sends, the
error count (anything but the expected status), and the CPU each process group used per
request (gunicorn master + workers, the PostgreSQL backends of the bench database, this
client), read from /proc before and after each round.

Statements per request are measured once per kind in-process before the run (Flask test
client on the same database, SQLAlchemy's `before_cursor_execute` plus the nearby fast
reader's `execute`), as bench/bench_statements.py does: the workers are not instrumented.

A/B: `--server` may be given several times, each
`label=NAME [tree=PATH] [server=granian] [ENV=VALUE ...]`
(another checkout, e.g. a git worktree of the base commit, and/or other gunicorn settings;
DATABASE_URL=… a copy of the database, `createdb -T bench_mix bench_mix_b`, for a schema
change: decisions then approve each pending membership in one of the copies);
`server=granian` serves that side with granian (a Rust HTTP server, WSGI interface, the
same worker and thread counts; `pip install granian` first: it is not a dependency);
all servers start at once on consecutive ports and `--rounds` rounds alternate between them,
so a shared machine's noise falls on every side alike. Usage:

    createdb -h 127.0.0.1 -U postgres bench_mix   # once; the first run loads it
    .venv/bin/python bench/bench_mixed.py --postgres postgresql://postgres@127.0.0.1:5432/bench_mix
    .venv/bin/python bench/bench_mixed.py --postgres URL --reuse --seconds 20 --rounds 6 \
        --server "label=base tree=/work/wt-base" --server "label=new"

Without --reuse the database's tables are dropped and it is loaded again (--stations,
default 100,000). With --reuse the pending memberships the decisions consume are topped up.
The load migrates with this tree's migrations: to measure a base commit without a later
schema change, copy the loaded database first (`createdb -T bench_mix bench_mix_b`, the
copy for this tree) and take the original back to the base's head
(`DATABASE_URL=…/bench_mix flask --app 'app:create_app()' db downgrade m1benefits`).
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import summary  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PENDING = 20_000
OFFICER = "mock:officer-changfa"
MEMBERS = [f"mock:jz-rider-{n}" for n in range(300)]  # approved members with cards, benefits
FIELD_KEY = base64.urlsafe_b64encode(b"m" * 32).decode()
JWT_KEY = "bench-" + "k" * 40
# (kind, share); officer reads and member screens split evenly within their 10 %
MIX = [("nearby", 0.70), ("login", 0.05),
       ("me", 0.025), ("counts", 0.025), ("todos", 0.025), ("station", 0.025),
       ("events", 0.04), ("benefits", 0.03), ("card", 0.03),
       ("decision", 0.05)]
# the mix before the events, benefits and card screens existed (README figures until 2026-12)
LEGACY_MIX = [("nearby", 0.80), ("login", 0.05), ("me", 0.10 / 3), ("counts", 0.10 / 3),
              ("station", 0.10 / 3), ("decision", 0.05)]


def settings_for(url: str):
    from config import TestConfig, normalise_database_url

    settings = TestConfig()
    settings.SQLALCHEMY_DATABASE_URI = normalise_database_url(url)
    settings.REQUEST_LOG = False
    settings.LOG_LEVEL = "WARNING"
    settings.FIELD_ENCRYPTION_KEY = FIELD_KEY
    return settings


def recreate(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def prepare(url: str, stations: int, reuse: bool) -> list[int]:
    """Load (or, with `reuse`, top up) the database; the pending membership ids, oldest first."""
    from flask_migrate import upgrade

    from app import create_app
    from app.core import todos
    from app.core.crypto import keyed_hash
    from app.extensions import db
    from app.members.models import Membership
    from app.orgs.models import Org
    from tests.helpers import make_user, valid_id_number

    app = create_app(settings_for(url))
    if not reuse:
        from app.demo import load_demo_data
        from bench.bench_nearby import load

        with app.app_context():
            upgrade()
        load(app, stations)
        with app.app_context():
            load_demo_data()
            db.session.commit()
    with app.app_context():
        village = db.session.scalar(db.select(Org).where(Org.name == "长法村"))
        pending = db.session.scalar(db.select(db.func.count()).select_from(Membership).where(
            Membership.status == "pending", Membership.org_id == village.id))
        made = db.session.scalar(db.select(db.func.count()).select_from(Membership).where(
            Membership.employer == "美团", Membership.occupation == "骑手",
            Membership.org_id == village.id, Membership.real_name.like("申请人%")))
        for n in range(made, made + max(0, PENDING - pending)):
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
        ids = list(db.session.scalars(db.select(Membership.id).where(
            Membership.status == "pending", Membership.org_id == village.id)
            .order_by(Membership.id)))
        db.engine.dispose()
    if not reuse:
        # statistics for the freshly loaded tables (autovacuum would get there later: until
        # then the plans are guesses, e.g. the to-do counts cost PostgreSQL 5.9 instead of 1 ms)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    return ids


def statements_per_kind(url: str, requests: dict[str, tuple], fake_url: str) -> dict[str, int]:
    """SQL statements each kind sends, measured once in-process (after one warm-up call)."""
    from sqlalchemy import event

    from app import create_app
    from app.core import fastread
    from app.extensions import db

    settings = settings_for(url)
    settings.WECHAT_API_BASE = fake_url
    app = create_app(settings)
    count = [0]
    original = fastread.FastReader.execute

    def counted(self, sql, params, **options):
        count[0] += 1
        return original(self, sql, params, **options)

    fastread.FastReader.execute = counted
    try:
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *a: count.__setitem__(
                0, count[0] + 1))
        client = app.test_client()
        tokens = {}
        for who in (OFFICER, MEMBERS[0]):
            answer = client.post("/api/v1/auth/wx-login", json={"code": who})
            tokens[who] = {"Authorization": "Bearer " + answer.get_json()["access_token"]}
        found = {}
        for kind, (method, paths, who, body) in requests.items():
            headers = tokens.get(who, {})
            if isinstance(paths, str):
                paths = (paths, paths)
            for path in paths:  # the first call warms caches; the second is counted
                count[0] = 0
                answer = client.open(path, method=method, headers=headers, json=body)
            found[kind] = count[0]
            if answer.status_code >= 500:
                found[kind] = -1
        with app.app_context():
            db.engine.dispose()
        return found
    finally:
        fastread.FastReader.execute = original


def sample_requests(pending_ids: list[int]) -> dict[str, tuple]:
    """One request of each kind for the statement count: (method, path or (warm-up path,
    counted path), who, body)."""
    return {
        "nearby": ("GET", "/api/v1/stations/nearby?lat=39.904200&lng=116.407400&radius=1000"
                   "&limit=20", None, None),
        "login": ("POST", "/api/v1/auth/wx-login", None, {"code": "mock:bench-count"}),
        "me": ("GET", "/api/v1/me", OFFICER, None),
        "counts": ("GET", "/api/v1/workbench/counts", OFFICER, None),
        "todos": ("GET", "/api/v1/workbench/todos", OFFICER, None),
        "station": ("GET", "/api/v1/stations/1", OFFICER, None),
        "events": ("GET", "/api/v1/events", MEMBERS[0], None),
        "benefits": ("GET", "/api/v1/me/benefits", MEMBERS[0], None),
        "card": ("GET", "/api/v1/me/card", MEMBERS[0], None),
        "decision": ("POST", tuple(f"/api/v1/memberships/{pending_ids.pop()}/decision"
                                   for _ in range(2)), OFFICER,
                     {"action": "approve", "version": 1}),
    }


def still_pending(ids: list[int], urls: set[str]) -> list[int]:
    """`ids` that are pending in every copy of the database too (each copy's decisions
    approved some; top-ups were made in the main database only)."""
    import psycopg

    found = set(ids)
    for url in urls:
        with psycopg.connect(url, autocommit=True) as conn:
            found &= {row[0] for row in conn.execute(
                "SELECT id FROM memberships WHERE status = 'pending'")}
    return [n for n in ids if n in found]


def parse_server(text: str) -> dict:
    spec = {"label": None, "tree": str(ROOT), "server": "gunicorn", "env": {}}
    for part in shlex.split(text):
        key, _, value = part.partition("=")
        if key in ("label", "tree", "server"):
            spec[key] = value
        else:
            spec["env"][key] = value
    spec["label"] = spec["label"] or Path(spec["tree"]).name
    return spec


def start(spec: dict, url: str, port: int, fake_url: str) -> subprocess.Popen:
    env = {**os.environ, "GONGHUI_ENV": "production", "DATABASE_URL": url,
           "WECHAT_APPID": "wx-fake-appid", "WECHAT_SECRET": "fake-secret",
           "WECHAT_API_BASE": fake_url, "JWT_SECRET_KEY": JWT_KEY,
           "FIELD_ENCRYPTION_KEY": FIELD_KEY,
           "CARD_SIGNING_KEYS": json.dumps({"bench-1": base64.urlsafe_b64encode(
               b"c" * 32).decode().rstrip("=")}),
           "PORT": str(port), "GUNICORN_WORKERS": "3", "GUNICORN_ACCESS_LOG": "/dev/null",
           "GUNICORN_MAX_REQUESTS": "0",  # no worker restart in the middle of a round
           "LOG_LEVEL": "WARNING", "RATELIMIT_LOGIN": "1000000 per minute",
           "RATELIMIT_PUBLIC": "1000000 per minute", "RATELIMIT_WRITES": "1000000 per minute",
           "GONGHUI_INSTANCE_DIR": tempfile.mkdtemp(prefix="gonghui-mixed-"),
           "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="gonghui-prom-"),
           "PYTHONPATH": spec["tree"], **spec["env"]}
    if spec["server"] == "granian":
        command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--factory",
                   "--workers", env["GUNICORN_WORKERS"],
                   "--blocking-threads", env.get("GUNICORN_THREADS", "4"),
                   "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
                   "--log-level", "warning", "app:create_app"]
    else:
        command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py",
                   "app:create_app()"]
    process = subprocess.Popen(command,
        cwd=spec["tree"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn of {spec['label']} did not start")


def process_tree_cpu(root_pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of `root_pid` and of each of its live children, by pid."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [root_pid]
    children = Path(f"/proc/{root_pid}/task/{root_pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    return {pid: _pid_cpu(pid, ticks) for pid in pids}


def worker_shares(root_pid: int, before: dict[int, float], after: dict[int, float]) -> str:
    """Each worker's share of the workers' CPU in a round, largest first: the client's
    keep-alive connections stay with the worker that accepted them, and when most land on one
    worker it is bound to one core by its GIL while the other core waits (seen: 98/1/1 %)."""
    used = sorted((after[pid] - before.get(pid, 0.0) for pid in after if pid != root_pid),
                  reverse=True)
    total = sum(used) or 1.0
    return " / ".join(f"{100 * part / total:.0f} %" for part in used)


def _pid_cpu(pid: int, ticks: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / ticks


def database_cpu(url: str, names: list[str] | None = None) -> float:
    """CPU seconds of the PostgreSQL backends connected to the bench database (or to the
    databases `names`)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        pids = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s) "
            "AND pid <> pg_backend_pid()", [names or [url.rsplit("/", 1)[1]]])]
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(_pid_cpu(pid, ticks) for pid in pids)


class Round:
    def __init__(self) -> None:
        self.results: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.elapsed = 0.0
        self.cpu: dict[str, float] = {}

    def merge(self, other: Round) -> None:
        for kind, values in other.results.items():
            self.results.setdefault(kind, []).extend(values)
        for kind, count in other.errors.items():
            self.errors[kind] = self.errors.get(kind, 0) + count
        self.elapsed += other.elapsed
        for key, value in other.cpu.items():
            self.cpu[key] = self.cpu.get(key, 0.0) + value

    @property
    def count(self) -> int:
        return sum(len(values) for values in self.results.values())


def run(port: int, seconds: float, clients: int, decisions, lock, points,
        per_connection: int = 0) -> Round:
    found = Round()
    deadline = time.perf_counter() + seconds
    login_counter = itertools.count()
    kinds = [kind for kind, _ in MIX]
    weights = [share for _, share in MIX]

    def call(connection, method, path, headers=None, body=None):
        payload = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, body=payload, headers={
            **(headers or {}), **({"Content-Type": "application/json"} if payload else {})})
        response = connection.getresponse()
        return response.status, response.read()

    def login(connection, code):
        _, body = call(connection, "POST", "/api/v1/auth/wx-login", body={"code": code})
        return {"Authorization": "Bearer " + json.loads(body)["access_token"]}

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        officer = login(connection, OFFICER)
        member = login(connection, MEMBERS[seed % len(MEMBERS)])
        local: dict[str, list[float]] = {}
        bad: dict[str, int] = {}
        sent = 0
        while time.perf_counter() < deadline:
            sent += 1
            if per_connection and sent % per_connection == 0:
                # a new connection now and then, as phones' are: the workers' accepts spread them
                connection.close()
                connection = HTTPConnection("127.0.0.1", port, timeout=30)
            kind = rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            ok_statuses: tuple[int, ...] = (200,)
            if kind == "nearby":
                lat, lng = rng.choice(points)
                status, answer = call(connection, "GET", f"/api/v1/stations/nearby?lat={lat:.6f}"
                                      f"&lng={lng:.6f}&radius=1000&limit=20")
            elif kind == "login":
                status, answer = call(connection, "POST", "/api/v1/auth/wx-login",
                                      body={"code": f"mock:bench-worker-{seed}-"
                                                    f"{next(login_counter)}"})
            elif kind in ("me", "counts", "todos", "station"):
                path = {"me": "/api/v1/me", "counts": "/api/v1/workbench/counts",
                        "todos": "/api/v1/workbench/todos",
                        "station": f"/api/v1/stations/{rng.randint(1, 100_000)}"}[kind]
                ok_statuses = (200, 404) if kind == "station" else (200,)
                status, answer = call(connection, "GET", path, headers=officer)
            elif kind in ("events", "benefits", "card"):
                path = {"events": "/api/v1/events", "benefits": "/api/v1/me/benefits",
                        "card": "/api/v1/me/card"}[kind]
                status, answer = call(connection, "GET", path, headers=member)
            else:
                with lock:
                    membership_id = next(decisions, None)
                if membership_id is None:
                    continue
                status, answer = call(connection, "POST",
                                      f"/api/v1/memberships/{membership_id}/decision",
                                      headers=officer, body={"action": "approve", "version": 1})
            local.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            if status not in ok_statuses:
                key = f"{kind}:{status}"
                if key not in bad:
                    print(f"{kind}: {status} {answer[:200]!r}", flush=True)
                bad[key] = bad.get(key, 0) + 1
        connection.close()
        with lock:
            for kind, values in local.items():
                found.results.setdefault(kind, []).extend(values)
            for key, count in bad.items():
                found.errors[key] = found.errors.get(key, 0) + count

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found.elapsed = time.perf_counter() - started
    return found


def report(label: str, found: Round, statements: dict[str, int]) -> None:
    everything = [v for values in found.results.values() for v in values]
    print(f"[{label}] mixed workload: {len(everything):,} requests in {found.elapsed:.1f} s = "
          f"{len(everything) / found.elapsed:.0f} req/s; errors: {sum(found.errors.values())} "
          f"{found.errors}")
    for kind, _ in MIX:
        values = found.results.get(kind)
        if not values:
            continue
        stats = summary(values)
        print(f"  {kind:<9} n={stats['n']:>6} ({stats['n'] / len(everything):4.1%})  "
              f"p50={stats['p50_ms']:6.2f} ms  p99={stats['p99_ms']:6.2f} ms  "
              f"statements={statements.get(kind, '?')}")
    stats = summary(everything)
    print(f"  overall   p50={stats['p50_ms']:.2f} ms  p99={stats['p99_ms']:.2f} ms")
    if found.cpu:
        per = {key: value / len(everything) * 1000 for key, value in found.cpu.items()}
        print("  CPU per request: " + ", ".join(f"{key} {value:.3f} ms"
                                               for key, value in per.items())
              + f" (total {sum(per.values()):.3f} ms)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True, help="the bench database (not `test`)")
    parser.add_argument("--seconds", type=float, default=60, help="per round")
    parser.add_argument("--rounds", type=int, default=1, help="rounds per server, alternating")
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--requests-per-connection", type=int, default=0, metavar="N",
                        help="each client reconnects after N requests (0: one keep-alive "
                             "connection per client for the whole round, as before; its 6 "
                             "connections can all land on one gunicorn worker)")
    parser.add_argument("--stations", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database")
    parser.add_argument("--legacy-mix", action="store_true",
                        help="the mix before events, benefits and cards (older README rows)")
    parser.add_argument("--server", action="append", default=[],
                        help='"label=NAME [tree=PATH] [ENV=VALUE ...]"; repeat for A/B')
    args = parser.parse_args()
    # a killed bench stops its servers too (the `finally` below runs on SystemExit)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from bench.bench_nearby import query_points
    from wxclient.fake import FakeWeChatServer

    if args.legacy_mix:
        MIX[:] = LEGACY_MIX
    if args.postgres[-5:] == "/test":
        raise SystemExit("use a bench database of your own, never `test`")
    if not args.reuse:
        recreate(args.postgres)
    pending = prepare(args.postgres, args.stations, args.reuse)
    points = query_points(args.stations, 2000)
    specs = [parse_server(text) for text in args.server] or [parse_server("label=this")]
    pending = still_pending(pending, {spec["env"]["DATABASE_URL"] for spec in specs
                                      if "DATABASE_URL" in spec["env"]})
    with FakeWeChatServer() as fake:
        statements = statements_per_kind(args.postgres, sample_requests(pending), fake.url)
        servers = [start(spec, args.postgres, 18801 + n, fake.url)
                   for n, spec in enumerate(specs)]
        decisions, lock = iter(pending), threading.Lock()
        totals = {spec["label"]: Round() for spec in specs}
        try:
            for number in range(args.rounds):
                for n, (spec, server) in enumerate(zip(specs, servers, strict=True)):
                    database = spec["env"].get("DATABASE_URL", args.postgres).rsplit("/", 1)[1]
                    tree_before = process_tree_cpu(server.pid)
                    cpu_before = (sum(tree_before.values()),
                                  database_cpu(args.postgres, [database]), time.process_time())
                    found = run(18801 + n, args.seconds, args.clients, decisions, lock, points,
                                args.requests_per_connection)
                    tree_after = process_tree_cpu(server.pid)
                    cpu_after = (sum(tree_after.values()),
                                 database_cpu(args.postgres, [database]), time.process_time())
                    found.cpu = {name: after - before for name, before, after in zip(
                        ("gunicorn", "postgres", "client"), cpu_before, cpu_after,
                        strict=True)}
                    print(f"round {number + 1} [{spec['label']}]: "
                          f"{found.count / found.elapsed:.0f} req/s, errors "
                          f"{sum(found.errors.values())}, workers' CPU shares "
                          f"{worker_shares(server.pid, tree_before, tree_after)}", flush=True)
                    totals[spec["label"]].merge(found)
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                try:
                    server.wait(30)
                except subprocess.TimeoutExpired:
                    server.kill()
    for label, found in totals.items():
        report(label, found, statements)


if __name__ == "__main__":
    main()
