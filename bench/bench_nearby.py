"""Nearby search at scale: 1,000,000 stations clustered around Chinese cities.

Prints p50/p99/throughput for the service call (`nearby_json`) on SQLite and, with
--postgres, on PostgreSQL; with --http, over HTTP under gunicorn against a trivial JSON
endpoint measured in the same run. Baseline for the service layer: a primary-key read of one
station's card through the same connection. Usage:

    .venv/bin/python bench/bench_nearby.py [--stations 1000000] [--postgres URL] [--http]
                                           [--reuse]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import measure, show, summary  # noqa: E402

SERVICES = ["drinking_water", "hot_water", "microwave", "toilet", "phone_charging",
            "rest_seats", "air_conditioning", "wifi"]


def city_centres(rng: random.Random, count: int) -> list[tuple[float, float]]:
    fixed = [(39.9042, 116.4074), (31.2304, 121.4737), (23.1291, 113.2644), (36.6171, 101.7782),
             (45.8038, 126.5350), (39.4704, 75.9898), (30.3352, 112.2407), (43.8256, 87.6168)]
    while len(fixed) < count:
        lat, lng = rng.uniform(21, 46), rng.uniform(98, 125)
        fixed.append((lat, lng))
    return fixed


def generate(count: int, seed: int = 1):
    rng = random.Random(seed)
    centres = city_centres(rng, 300)
    for index in range(count):
        lat0, lng0 = centres[index % len(centres)]
        lat = lat0 + rng.gauss(0, 0.05)
        lng = lng0 + rng.gauss(0, 0.05 / math.cos(math.radians(lat0)))
        yield index + 1, round(lat, 6), round(lng, 6), rng.sample(SERVICES, rng.randint(2, 6))


def load(app, count: int) -> None:
    """Insert stations and their search rows with executemany (no ORM) in chunks."""
    from app.extensions import db
    from app.orgs.models import Org
    from app.stations.cards import card, card_key
    from app.stations.search import hours_pattern_id, lat_cell
    from app.stations.vocab import services_mask

    with app.app_context():
        org = Org(name="基准组织", level="province", path="/1/", depth=0)
        db.session.add(org)
        db.session.commit()
        org_id = org.id
        always = json.dumps({"always": True})
        weekly = {"weekly": {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu",
                                                                "fri")}}
        weekly_hours_id = hours_pattern_id(weekly)
        db.session.commit()
        conn = db.engine.raw_connection()
        cursor = conn.cursor()
        mark = "?" if db.engine.dialect.name == "sqlite" else "%s"
        station_sql = (
            "INSERT INTO stations (id, org_id, code, name, kind, host_type, address, lat, lng, "
            "services, opening_hours, photos, status, version, created_at, updated_at) VALUES "
            f"({', '.join([mark] * 16)})")
        search_sql = ("INSERT INTO station_search (station_id, lat_cell, lat, lng, "
                      f"services_mask, hours_id, closed_dates, card, card_key) VALUES "
                      f"({', '.join([mark] * 9)})")
        now = "2026-11-25 00:00:00"
        stations, search = [], []
        started = time.perf_counter()
        for station_id, lat, lng, services in generate(count):
            name, address = f"驿站{station_id}", f"测试路{station_id}号"
            is_weekly = station_id % 3 == 0
            stations.append((station_id, org_id, f"B{station_id:09d}", name,
                             "outdoor_worker_station", "union", address, lat, lng,
                             json.dumps(services), json.dumps(weekly) if is_weekly else always,
                             "[]", "active", 1, now, now))
            shape = SimpleNamespace(id=station_id, name=name, kind="outdoor_worker_station",
                                    address=address, code=f"B{station_id:09d}", lat=lat, lng=lng,
                                    services=services, photos=[],
                                    opening_hours=weekly if is_weekly else {"always": True})
            text = card(shape)
            search.append((station_id, lat_cell(lat), lat, lng, services_mask(services),
                           weekly_hours_id if is_weekly else None, None, text, card_key(text)))
            if len(stations) == 50_000:
                cursor.executemany(station_sql, stations)
                cursor.executemany(search_sql, search)
                stations, search = [], []
        if stations:
            cursor.executemany(station_sql, stations)
            cursor.executemany(search_sql, search)
        conn.commit()
        if db.engine.dialect.name == "postgresql":
            cursor.execute("SELECT setval('stations_id_seq', (SELECT max(id) FROM stations))")
            conn.commit()
        conn.close()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
                auto.exec_driver_sql("SET statement_timeout = 0")  # maintenance, not a request
                # what docs/operations.md asks after a bulk import: neighbours on neighbouring
                # pages, so a nearby query's card reads touch a few pages, not twenty
                auto.exec_driver_sql("CLUSTER station_search USING pk_station_search")
                auto.exec_driver_sql("VACUUM ANALYZE stations")
                auto.exec_driver_sql("VACUUM ANALYZE station_search")
        print(f"loaded {count:,} stations in {time.perf_counter() - started:.1f} s", flush=True)


def loaded(app) -> int:
    """Stations already in the database (a --reuse run skips the load when it matches)."""
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        count = db.session.scalar(text("SELECT count(*) FROM station_search"))
        if count and count != db.session.scalar(text("SELECT count(*) FROM stations")):
            raise SystemExit("half-loaded bench database: run once without --reuse")
        return count


def query_points(count: int, n: int, seed: int = 9) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    picks = set(rng.sample(range(1, count + 1), n))
    points = [(lat + rng.uniform(-0.003, 0.003), lng + rng.uniform(-0.003, 0.003))
              for station_id, lat, lng, _ in generate(count) if station_id in picks]
    rng.shuffle(points)
    return points


def service_layer(app, label: str, points, repeat: int, paths=("sql", "index"),
                  rounds: int = 5, warm: bool = False) -> None:
    """The service call on each path (`sql`: NEARBY_INDEX off; `index`: the in-process
    index, loaded first, taken while the card cache prefers keys), in alternating rounds so
    that a noisy moment hits both. `warm`: one search per query point first, so the card
    cache holds what the measured searches read (the steady state of a city's users)."""
    from datetime import UTC, datetime

    from app.core.fastread import reader
    from app.stations.cards import card_cache
    from app.stations.search import nearby_json
    from app.stations.search.index import KEY, station_index, use_index

    now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    with app.app_context():
        fast = reader()
        cursor = fast.connection().cursor()
        p = fast.placeholder
        counter = iter(range(10**9))

        def pk_lookup():
            cursor.execute(f"SELECT card FROM station_search WHERE station_id = {p}",
                           (next(counter) % 1000 + 1,))
            cursor.fetchall()

        sizes = []

        def nearby():
            lat, lng = points[next(counter) % len(points)]
            body = nearby_json(lat=lat, lng=lng, radius_m=1000, limit=20, services=[],
                               open_now=False, now=now)
            sizes.append(body.count(b'"distance_m"'))

        holders = {}
        for path in paths:
            use_index("eager" if path == "index" else "off")
            if path == "index":
                started = time.perf_counter()
                index = station_index(fast)  # loads it
                print(f"{label}: index of {index.size:,} stations loaded in "
                      f"{time.perf_counter() - started:.1f} s", flush=True)
            holders[path] = fast.domain[KEY]
        if warm:
            for lat, lng in points:
                nearby_json(lat=lat, lng=lng, radius_m=1000, limit=20, services=[],
                            open_now=False, now=now)
            cards = card_cache(fast)
            if cards is not None:
                cards.hits = cards.misses = 0  # the figure below: the measured searches only
        baseline = summary(measure(pk_lookup, repeat))
        show(f"{label}: baseline PK read of one card", baseline)
        samples: dict[str, list[float]] = {path: [] for path in paths}
        for _ in range(rounds):
            for path in paths:
                fast.domain[KEY] = holders[path]
                samples[path] += measure(nearby, repeat // rounds, warmup=50)
        for path in paths:
            stats = summary(samples[path])
            show(f"{label}: nearby 1 km top 20 (service, {path})", stats, baseline)
        print(f"{label}: mean results per query {sum(sizes) / len(sizes):.1f}", flush=True)
        cards = card_cache(fast)
        if cards is not None:
            looked = cards.hits + cards.misses
            print(f"{label}: card cache {cards.hits:,} hits / {looked:,} "
                  f"({cards.hits / max(1, looked):.0%}) over {len(points):,} query points",
                  flush=True)
        fast.domain[KEY] = holders[paths[0]]
        explain(fast, points[0], inline=cards is None)


def explain(fast, point, inline: bool) -> None:
    from app.stations.search import candidates_sql

    sql, params = candidates_sql(fast, *point, 1000, 0, inline=inline)
    cursor = fast.connection().cursor()
    if fast.dialect == "sqlite":
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
    else:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    print("query plan:\n  " + "\n  ".join(plan), flush=True)


def http_run(database_url: str, points, seconds: float, clients: int, rounds: int,
             card_cache: int, gzip: bool = False, port: int = 18765,
             extra_env: dict | None = None, warmup: float = 0) -> None:
    instance = tempfile.mkdtemp(prefix="gonghui-bench-")
    env = {**os.environ, "DATABASE_URL": database_url, "GONGHUI_INSTANCE_DIR": instance,
           "PORT": str(port), "GUNICORN_WORKERS": "2", "GUNICORN_ACCESS_LOG": "/dev/null",
           "LOG_LEVEL": "WARNING", "WECHAT_API_BASE": "http://127.0.0.1:9",
           "RATELIMIT_PUBLIC": "100000000 per minute", "NEARBY_CARD_CACHE": str(card_cache),
           **(extra_env or {})}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "app:create_app()"],
        env=env, cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        if warmup > 0:  # each worker loads its index in a thread meanwhile (SQL path until then)
            nearby_path = f"/api/v1/stations/nearby?lat={points[0][0]:.6f}&lng={points[0][1]:.6f}"
            samples, elapsed, _ = load_http(port, lambda i: nearby_path, warmup, clients)
            print(f"HTTP warm-up: {len(samples) / elapsed:.0f} nearby req/s over {warmup:.0f} s",
                  flush=True)
        paths = {
            "trivial JSON (/healthz)": lambda i: "/healthz",
            "nearby 1 km top 20": lambda i: (
                f"/api/v1/stations/nearby?lat={points[i % len(points)][0]:.6f}"
                f"&lng={points[i % len(points)][1]:.6f}&radius=1000&limit=20"),
        }
        # alternate short rounds so that a noisy moment on the machine hits both endpoints
        latencies: dict[str, list[float]] = {label: [] for label in paths}
        busy = dict.fromkeys(paths, 0.0)
        errors = dict.fromkeys(paths, 0)
        shares = []
        for _ in range(rounds):
            per_round = {}
            for label, path_for in paths.items():
                samples, elapsed, bad = load_http(port, path_for, seconds / rounds, clients,
                                                  gzip)
                latencies[label] += samples
                busy[label] += elapsed
                errors[label] += bad
                per_round[label] = len(samples) / elapsed
            shares.append(per_round["nearby 1 km top 20"] / per_round["trivial JSON (/healthz)"])
        stats = {}
        for label in paths:
            stats[label] = summary(latencies[label])
            stats[label]["throughput_per_s"] = len(latencies[label]) / busy[label]
        base = stats["trivial JSON (/healthz)"]
        for label in paths:
            show(f"HTTP gunicorn: {label}", stats[label], None if stats[label] is base else base)
            print(f"  errors={errors[label]}", flush=True)
        share = stats["nearby 1 km top 20"]["throughput_per_s"] / base["throughput_per_s"]
        print(f"HTTP throughput of nearby vs trivial endpoint: {share:.0%} over {rounds} "
              f"alternating rounds (per round {min(shares):.0%}..{max(shares):.0%})", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(30)  # graceful_timeout: gthread workers finish their keep-alives
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


def load_http(port: int, path_for, seconds: float, clients: int, gzip: bool = False):
    """`clients` client threads hammering for `seconds` (http.client reconnects whenever the
    sync workers close a connection); returns the latencies (ms),
    the elapsed time and the count of non-200 answers. `gzip`: ask for compressed answers
    (as the mini-program does; the bytes are not decoded here)."""
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        nonlocal errors
        connection = HTTPConnection("127.0.0.1", port, timeout=10)
        local, bad, i = [], 0, offset
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            connection.request("GET", path_for(i), headers=headers)
            response = connection.getresponse()
            response.read()
            local.append((time.perf_counter() - started) * 1000)
            bad += response.status != 200
            i += clients
        with lock:
            latencies.extend(local)
            errors += bad

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5000)
    parser.add_argument("--postgres", help="server URL to create a bench database on")
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--gzip", action="store_true",
                        help="HTTP clients send Accept-Encoding: gzip (nearby is compressed)")
    parser.add_argument("--seconds", type=float, default=15, help="per endpoint, all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--paths", default="sql,index",
                        help="service-call paths to compare: sql (NEARBY_INDEX=off), index")
    parser.add_argument("--http-index", default="background", choices=["background", "off"],
                        help="NEARBY_INDEX of the gunicorn workers")
    parser.add_argument("--warmup", type=float, default=40,
                        help="seconds of nearby requests before measuring (index loading)")
    parser.add_argument("--max-requests", default="0",
                        help="GUNICORN_MAX_REQUESTS (0: workers never recycle; a recycled "
                             "worker loads its index again)")
    parser.add_argument("--http-only", action="store_true", help="skip the service calls")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--port", type=int, default=18765, help="gunicorn's port (--http)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--points", type=int, default=2000,
                        help="distinct query points (more points: a colder card cache)")
    parser.add_argument("--card-cache", type=int, default=50_000,
                        help="NEARBY_CARD_CACHE for PostgreSQL (0 = cards inline)")
    parser.add_argument("--pg-name", default="gonghui_bench_nearby",
                        help="name of the bench database created on the --postgres server")
    parser.add_argument("--warm-cache", action="store_true",
                        help="service calls: one search per query point before measuring")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the databases between runs (skips the load when they match)")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from config import TestConfig

    if args.reuse:
        workdir = Path(tempfile.gettempdir()) / "gonghui-bench-nearby"
        workdir.mkdir(exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="gonghui-nearby-"))
    sqlite_url = f"sqlite:///{workdir / 'nearby.db'}"
    points = query_points(args.stations, args.points)
    targets = [] if args.no_sqlite else [("SQLite", sqlite_url)]
    if args.postgres:
        import psycopg

        with psycopg.connect(args.postgres, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (args.pg_name,)).fetchone()
            if not (args.reuse and exists):
                conn.execute(f'DROP DATABASE IF EXISTS "{args.pg_name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{args.pg_name}"')
        base = args.postgres.rsplit("/", 1)[0]
        targets.append(("PostgreSQL", f"{base}/{args.pg_name}"))
    for label, url in targets:
        settings = TestConfig()
        from config import normalise_database_url

        settings.SQLALCHEMY_DATABASE_URI = normalise_database_url(url)
        settings.REQUEST_LOG = False
        settings.NEARBY_CARD_CACHE = args.card_cache
        settings.LOG_LEVEL = "WARNING"
        app = create_app(settings)
        with app.app_context():
            upgrade()
        if loaded(app) != args.stations:
            load(app, args.stations)
        if not args.http_only:
            service_layer(app, label, points, args.repeat, tuple(args.paths.split(",")),
                          warm=args.warm_cache)
        if args.http:
            http_run(url, points, args.seconds, args.clients, args.rounds, args.card_cache,
                     args.gzip, args.port, {"NEARBY_INDEX": args.http_index,
                                                   "GUNICORN_MAX_REQUESTS": args.max_requests},
                     args.warmup if args.http_index != "off" else 0)


if __name__ == "__main__":
    main()
