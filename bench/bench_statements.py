"""SQL statements and in-process time per request for ten everyday requests, on SQLite.

Builds the app on a temporary SQLite file (migrations via flask_migrate.upgrade, the bundled
fake WeChat server for logins), seeds a small world almost entirely through the public HTTP
API (an org tree, officers, members, an aid program with applications waiting at their first
step, a project open for bids and one with details, 160 stations), then sends each request
through the Flask test client with real JWTs and prints, per request:

* SQL    statements SQLAlchemy sent on the app's engine (`before_cursor_execute`)
* fast   statements on any other DBAPI connection, i.e. the fast reader of nearby search
         (app/core/fastread.py uses raw autocommit connections that bypass SQLAlchemy's
         events; they are counted with sqlite3's trace callback, installed on every new
         connection of every pool)
* dbapi  everything sqlite3 itself ran on any connection (the same trace callback), which
         also shows BEGIN/COMMIT, the pool's pre-ping (SELECT 1 on each checkout) and each
         row of an executemany: a cross-check that no statement escapes the columns above
* kinds  the SQL column by verb (S=SELECT I=INSERT U=UPDATE D=DELETE SP=SAVEPOINT/RELEASE)
* p50/p99 of the in-process time over --repeat repetitions, and p50 / the p50 of GET /healthz
         measured in the same run

Decisions and bids act on a fresh object each repetition (seeded up front, with the version
the API returned). The script relies on nothing but the HTTP API, `create_app`, TestConfig,
the fake WeChat server and, for its two direct writes (the top org with its admin, which
only operators make, and moving a project's bid deadline into the past), table and column
names. Every measured request must answer 2xx: a row that does not prints the
status and body and makes the run exit 1. Usage:

    .venv/bin/python bench/bench_statements.py [--repeat 50] [--json FILE] [--sql]

To measure another checkout (e.g. a git worktree) copy this file into its bench/ and run it
from there: it imports `app` from the directory it lives in and prints which tree it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

API = "/api/v1"
CENTRE = (22.8170, 108.3665)  # GCJ-02, Nanning; all stations lie within ~700 m of it
STATION_COUNT = 160
READ_WARMUP = 20
WRITE_WARMUP = 3
SHANGHAI_OFFSET = timedelta(hours=8)
LIST_100 = "GET /orgs/{id}/stations?limit=100"
LIST_10 = "GET /orgs/{id}/stations?limit=10"
HOURS_CHOICES = [
    {"always": True},
    {"weekly": {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}},
    {"weekly": {day: [["22:00", "06:00"]] for day in ("mon", "tue", "wed", "thu", "fri",
                                                       "sat", "sun")}},
    {"always": True, "closed_dates": ["2026-02-10"]},
]
SERVICE_CODES = ["drinking_water", "hot_water", "microwave", "toilet", "phone_charging",
                 "ebike_charging", "rest_seats", "air_conditioning", "first_aid_kit", "wifi"]


# ---- statement counting -------------------------------------------------------------------

class StatementCounter:
    """Counts what each request sends to the database (see the module docstring)."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event
        from sqlalchemy.pool import Pool

        self.main_connections: set[int] = set()
        self.sql: list[str] = []
        self.fast: list[str] = []
        self.dbapi: list[str] = []
        event.listen(engine, "before_cursor_execute", self._on_execute)
        event.listen(engine, "connect", self._on_main_connect)
        event.listen(Pool, "connect", self._on_any_connect)  # every pool, also future ones
        engine.dispose()  # connections opened before the listeners would go untraced

    def _on_execute(self, _conn, _cursor, statement, _params, _context, _executemany) -> None:
        self.sql.append(statement)

    def _on_main_connect(self, dbapi_connection, _record) -> None:
        self.main_connections.add(id(dbapi_connection))

    def _on_any_connect(self, dbapi_connection, _record) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        key = id(dbapi_connection)

        def trace(statement: str) -> None:
            if statement.lstrip().startswith("--"):  # a trigger's sub-statement marker
                return
            self.dbapi.append(statement)
            if key not in self.main_connections:
                self.fast.append(statement)

        dbapi_connection.set_trace_callback(trace)

    def reset(self) -> None:
        self.sql, self.fast, self.dbapi = [], [], []

    def snapshot(self) -> tuple[list[str], list[str], list[str]]:
        return self.sql, self.fast, self.dbapi


def verb(statement: str) -> str:
    word = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
    return {"SELECT": "S", "WITH": "S", "INSERT": "I", "UPDATE": "U", "DELETE": "D",
            "SAVEPOINT": "SP", "RELEASE": "SP", "ROLLBACK": "SP"}.get(word, word)


def kinds(statements: list[str]) -> str:
    counts: dict[str, int] = {}
    for statement in statements:
        key = verb(statement)
        counts[key] = counts.get(key, 0) + 1
    order = ["S", "I", "U", "D", "SP"]
    keys = sorted(counts, key=lambda k: (order.index(k) if k in order else 99, k))
    return " ".join(f"{counts[k]}{k}" for k in keys) or "-"


# ---- timing -------------------------------------------------------------------------------

def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"n": len(ordered), "p50_ms": statistics.median(ordered),
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
            "mean_ms": statistics.fmean(ordered)}


@dataclass
class Call:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: dict | None = None


@dataclass
class Row:
    label: str
    path: str
    make: Callable[[int], Call]  # repetition index (warm-up first) → the request
    warmup: int = READ_WARMUP


class Failed(Exception):
    pass


def send(client, call: Call):
    return client.open(call.url, method=call.method, headers=call.headers, json=call.body)


def run_row(client, counter: StatementCounter, row: Row, repeat: int) -> dict[str, Any]:
    for index in range(row.warmup):
        response = send(client, row.make(index))
        if not 200 <= response.status_code < 300:
            raise Failed(f"warm-up {index}: {response.status_code} {response.get_data()[:400]!r}")
    samples, sql_counts, fast_counts, dbapi_counts = [], [], [], []
    first = None
    for index in range(row.warmup, row.warmup + repeat):
        call = row.make(index)
        counter.reset()
        started = time.perf_counter()
        response = send(client, call)
        response.get_data()
        elapsed = (time.perf_counter() - started) * 1000
        sql, fast, dbapi = counter.snapshot()
        if not 200 <= response.status_code < 300:
            raise Failed(f"repetition {index}: {response.status_code} "
                         f"{response.get_data()[:400]!r}")
        samples.append(elapsed)
        sql_counts.append(len(sql))
        fast_counts.append(len(fast))
        dbapi_counts.append(len(dbapi))
        if first is None:
            first = {"status": response.status_code, "sql": sql, "fast": fast, "dbapi": dbapi}
    return {
        "label": row.label, "path": row.path, **stats(samples),
        "sql": [min(sql_counts), max(sql_counts)],
        "fast": [min(fast_counts), max(fast_counts)],
        "dbapi": [min(dbapi_counts), max(dbapi_counts)],
        "kinds": kinds(first["sql"]), "status": first["status"],
        "statements": {"sql": first["sql"], "fast": first["fast"], "dbapi": first["dbapi"]},
    }


# ---- seeding helpers (public API, plus two direct writes) ---------------------------------

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(region: int, born: str, sequence: int) -> str:
    """A valid-looking resident ID number (GB 11643 check digit) for a fake person."""
    first17 = f"{region:06d}{born}{sequence % 1000:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def png_bytes() -> bytes:
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def shanghai_today():
    return (datetime.now(UTC) + SHANGHAI_OFFSET).date()


class Api:
    """The test client with logins cached by name (openid mock-<name>)."""

    def __init__(self, client) -> None:
        self.client = client
        self.tokens: dict[str, dict[str, str]] = {}
        self.users: dict[str, int] = {}

    def login(self, name: str) -> dict[str, str]:
        answer = self.ok("POST", "/auth/wx-login", None, {"code": f"mock:{name}"}, 200)
        self.tokens[name] = {"Authorization": f"Bearer {answer['access_token']}"}
        self.users[name] = answer["user"]["id"]
        return self.tokens[name]

    def headers(self, name: str | None) -> dict[str, str]:
        if name is None:
            return {}
        return self.tokens.get(name) or self.login(name)

    def ok(self, method: str, path: str, who: str | None, body=None, status: int = 200, **kw):
        response = self.client.open(API + path, method=method, headers=self.headers(who),
                                    json=body, **kw)
        if response.status_code != status:
            raise SystemExit(f"seeding {method} {path} as {who}: {response.status_code} "
                             f"{response.get_data()[:600]!r}")
        return response.get_json()

    def policy_version(self, purpose: str) -> str:
        items = self.ok("GET", "/privacy/policies", None)["items"]
        return next(item["version"] for item in items if item["purpose"] == purpose)

    def consent(self, who: str, purpose: str, data_kinds: tuple[str, ...]) -> None:
        version = self.policy_version(purpose)
        for kind in data_kinds:
            self.ok("POST", "/me/consents", who, {"purpose": purpose, "data_kind": kind,
                                                  "policy_version": version}, 201)

    def upload(self, who: str, payload: bytes) -> int:
        response = self.client.post(API + "/files", headers=self.headers(who),
                                    content_type="multipart/form-data",
                                    data={"file": (BytesIO(payload), "证件.png")})
        if response.status_code != 201:
            raise SystemExit(f"seeding upload: {response.status_code} {response.get_data()!r}")
        return response.get_json()["id"]


@dataclass
class World:
    orgs: dict[str, int]
    pending_memberships: list[tuple[int, int]]  # (membership id, version)
    aid_applications: list[tuple[int, int]]  # (application id, version) at step 0
    bidders: list[str]
    open_project: int
    detailed_project: int
    stations: int


def tables(app):
    """Tables by name (the one thing direct writes rely on besides column names)."""
    return app.extensions["sqlalchemy"].metadata.tables


def seed_root(app, api: Api) -> int:
    """The top org and its admin: operators make these (no HTTP API), so write the rows."""
    api.login("prov_admin")  # the user row comes from the login
    orgs, roles = tables(app)["orgs"], tables(app)["officer_roles"]
    with app.app_context(), app.extensions["sqlalchemy"].engine.begin() as conn:
        root_id = conn.execute(orgs.insert().values(
            parent_id=None, name="广西壮族自治区总工会", level="province", path="/pending/",
            depth=0)).inserted_primary_key[0]
        conn.execute(orgs.update().where(orgs.c.id == root_id).values(path=f"/{root_id}/"))
        conn.execute(roles.insert().values(user_id=api.users["prov_admin"], org_id=root_id,
                                           role="admin"))
    return root_id


def seed(app, client, writes: int) -> tuple[World, Api]:
    api = Api(client)
    orgs = {"province": seed_root(app, api)}
    for name, parent, level, title in (
            ("county", "province", "county", "东兰县总工会"), ("town1", "county", "town", "东兰镇"),
            ("town2", "county", "town", "长乐镇"), ("village1", "town1", "village", "板逢村"),
            ("village2", "town1", "village", "鸾坡村"), ("village3", "town2", "village", "红里村")):
        orgs[name] = api.ok("POST", "/orgs", "prov_admin", {
            "parent_id": orgs[parent], "name": title, "level": level}, 201)["id"]
    officers = {"county_admin": ("county", "admin"), "county_approver": ("county", "approver"),
                "town1_approver": ("town1", "approver"),
                "village1_approver": ("village1", "approver")}
    for name, (org, role) in officers.items():
        api.login(name)
        api.ok("POST", f"/orgs/{orgs[org]}/officers", "prov_admin",
               {"openid": f"mock-{name}", "role": role}, 201)
    for name in officers:
        api.login(name)  # fresh tokens after the grants

    stations = seed_stations(api, orgs)
    pending = seed_memberships(api, orgs, [f"applicant{n}" for n in range(writes)])
    bidders = [f"bidder{n}" for n in range(writes)]
    members = [f"member{n}" for n in range(6)]
    for membership_id, version in seed_memberships(api, orgs, bidders + members, offset=writes):
        api.ok("POST", f"/memberships/{membership_id}/decision", "village1_approver",
               {"action": "approve", "version": version})
    applications = seed_aid(api, orgs, writes)
    open_project = create_project(api, orgs, "家政服务提质扩容促就业")
    detailed = seed_detailed_project(app, api, orgs, members)
    return World(orgs, pending, applications, bidders, open_project, detailed, stations), api


def seed_stations(api: Api, orgs: dict[str, int]) -> int:
    rng = random.Random(7)
    homes = ["county", "town1", "town2", "village1", "village2", "village3"]
    for n in range(STATION_COUNT):
        api.ok("POST", "/stations", "county_admin", {
            "org_id": orgs[homes[n % len(homes)]], "name": f"户外劳动者服务站{n}",
            "kind": rng.choice(["outdoor_worker_station", "love_station", "union_post"]),
            "host_type": rng.choice(["union", "bank", "mall", "enterprise"]),
            "address": f"民族大道{n}号",
            "location": {"lat": CENTRE[0] + rng.uniform(-0.006, 0.006),
                         "lng": CENTRE[1] + rng.uniform(-0.006, 0.006), "coord": "gcj02"},
            "services": rng.sample(SERVICE_CODES, rng.randint(1, 5)),
            "opening_hours": rng.choice(HOURS_CHOICES),
            "status": rng.choice(["active"] * 9 + ["suspended"]),
            "phone": "0771-1234567",
        }, 201)
    return STATION_COUNT


def seed_memberships(api: Api, orgs: dict[str, int], names: list[str],
                     offset: int = 0) -> list[tuple[int, int]]:
    made = []
    for n, name in enumerate(names, start=offset):
        api.login(name)
        api.consent(name, "membership", ("id_number",))
        answer = api.ok("POST", "/memberships", name, {
            "org_id": orgs["village1"], "real_name": f"会员{n}",
            "id_number": id_number(450102 + n // 1000, "19900101", n),
            "employer": "美团", "occupation": "骑手", "industry": "food_delivery"}, 201)
        made.append((answer["id"], answer["version"]))
    return made


def seed_aid(api: Api, orgs: dict[str, int], count: int) -> list[tuple[int, int]]:
    now = datetime.now(UTC)
    program = api.ok("POST", "/aid/programs", "prov_admin", {
        "name": "扶智纾困助学项目", "year": now.year, "owner_org_id": orgs["province"],
        "eligible_org_ids": [orgs["town1"]], "budget_fen": 100_000_000,
        "chain": ["village", "town", "county", "province"],
        "opens_at": (now - timedelta(days=1)).isoformat(),
        "closes_at": (now + timedelta(days=30)).isoformat(),
        "categories": [{"code": "student", "name": "困难学生", "kind": "student",
                        "required_documents": ["id_card", "enrollment_certificate"],
                        "tiers": [{"code": "college", "name": "高职（大专）及以上",
                                   "amount_fen": 300_000}]}],
    }, 201)
    applicant = "aid_applicant"
    api.consent(applicant, "aid", ("id_number", "bank_account", "certificate"))
    image = png_bytes()
    made = []
    for n in range(count):
        documents = [{"file_id": api.upload(applicant, image), "kind": kind}
                     for kind in ("id_card", "enrollment_certificate")]
        draft = api.ok("POST", "/aid/applications", applicant, {
            "program_id": program["id"], "org_id": orgs["village1"], "category_code": "student",
            "tier_code": "college", "reason": "家庭困难，申请资助。", "documents": documents,
            "beneficiary": {"name": f"韦小明{n}", "id_number": id_number(451224, "20050301", n),
                            "relation": "child", "school": "河池学院", "grade": "大二",
                            "household_county": "东兰县"},
            "bank_account": {"holder": "韦大明", "bank": "东兰农商银行",
                             "number": "6230520012345678"},
        }, 201)
        submitted = api.ok("POST", f"/aid/applications/{draft['id']}/submit", applicant,
                           {"version": draft["version"]})
        made.append((submitted["id"], submitted["version"]))
    return made


def create_project(api: Api, orgs: dict[str, int], title: str) -> int:
    today = shanghai_today()
    project = api.ok("POST", "/projects", "county_approver", {
        "org_id": orgs["county"], "title": title, "problem": "家政人员不足、技能偏低",
        "category": "employment", "budget_fen": 1_000_000,
        "bid_deadline": (today + timedelta(days=30)).isoformat(),
        "due_date": (today + timedelta(days=200)).isoformat(),
        "goals": [{"name": "转移就业", "unit": "人", "target": 1000},
                  {"name": "技能提升", "unit": "人", "target": 500}]}, 201)
    api.ok("POST", f"/projects/{project['id']}/publish", "county_approver",
           {"version": project["version"]})
    return project["id"]


def bid_body(n: int) -> dict:
    return {"plan": f"组建工作专班{n}", "qualifications": "十年家政经验",
            "team": [{"name": "乔梅花", "role": "负责人"}], "requested_fen": 800_000}


def seed_detailed_project(app, api: Api, orgs: dict[str, int], members: list[str]) -> int:
    """A running project: bids, an award, a start, a report with actuals, a tranche, a
    volunteer and survey answers. Bids close at the deadline's midnight, so the deadline is
    moved into the past with one direct write (the only other way is waiting for it)."""
    project_id = create_project(api, orgs, "环卫工人技能提升")
    bids = [api.ok("POST", f"/projects/{project_id}/bids", who, bid_body(n), 201)
            for n, who in enumerate(members[:3])]
    projects = tables(app)["projects"]
    with app.app_context(), app.extensions["sqlalchemy"].engine.begin() as conn:
        conn.execute(projects.update().where(projects.c.id == project_id).values(
            bids_close_at=datetime.now(UTC) - timedelta(minutes=1)))
    url = f"/projects/{project_id}"
    version = api.ok("GET", url, "county_approver")["version"]
    version = api.ok("POST", f"{url}/award", "county_approver",
                     {"bid_id": bids[0]["id"], "version": version})["version"]
    leader = members[0]
    api.ok("POST", f"{url}/start", leader, {"version": version})
    api.ok("POST", f"{url}/reports", leader, {
        "period": "2026-10", "text": "已培训 120 人",
        "actuals": [{"goal": "转移就业", "actual": 300}, {"goal": "技能提升", "actual": 120}]},
        201)
    api.ok("POST", f"{url}/tranches", "county_approver",
           {"milestone": "首期", "amount_fen": 200_000}, 201)
    api.ok("POST", f"{url}/volunteers", members[3], {"duty": "宣传"}, 201)
    for n, who in enumerate(members[1:]):
        api.ok("POST", f"{url}/survey", who, {"satisfied": n % 3 != 0})
    return project_id


# ---- the measured requests ----------------------------------------------------------------

def build_rows(api: Api, world: World) -> tuple[list[Row], Row]:
    lat, lng = CENTRE
    officer = api.headers("village1_approver")
    county_admin = api.headers("county_admin")
    member = api.headers("member5")
    memberships, applications = world.pending_memberships, world.aid_applications
    county = world.orgs["county"]
    nearby = f"{API}/stations/nearby?lat={lat:.6f}&lng={lng:.6f}&radius=1000&limit=20"

    def fixed(method: str, url: str, headers=None, body=None) -> Callable[[int], Call]:
        return lambda _index: Call(method, url, headers or {}, body)

    def decide_membership(index: int) -> Call:
        membership_id, version = memberships[index]
        return Call("POST", f"{API}/memberships/{membership_id}/decision", officer,
                    {"action": "approve", "version": version})

    def decide_aid(index: int) -> Call:
        application_id, version = applications[index]
        return Call("POST", f"{API}/aid/applications/{application_id}/decisions", officer,
                    {"action": "approve", "comment": "情况属实", "version": version})

    def bid(index: int) -> Call:
        return Call("POST", f"{API}/projects/{world.open_project}/bids",
                    api.headers(world.bidders[index]), bid_body(index))

    return [
        Row("nearby (anonymous, 20 of ~100 in 1 km)", "GET /stations/nearby",
            fixed("GET", nearby)),
        Row("login (returning user, fake WeChat)", "POST /auth/wx-login",
            fixed("POST", f"{API}/auth/wx-login", body={"code": "mock:member5"})),
        Row("me (officer)", "GET /me", fixed("GET", f"{API}/me", officer)),
        Row("to-do queue (village officer, 20)", "GET /workbench/todos",
            fixed("GET", f"{API}/workbench/todos", officer)),
        Row("to-do counts (village officer)", "GET /workbench/counts",
            fixed("GET", f"{API}/workbench/counts", officer)),
        Row("membership decision (approve)", "POST /memberships/{id}/decision",
            decide_membership, WRITE_WARMUP),
        Row("aid decision (approve at step 1 of 4)", "POST /aid/applications/{id}/decisions",
            decide_aid, WRITE_WARMUP),
        Row("bid on an open project", "POST /projects/{id}/bids", bid, WRITE_WARMUP),
        Row("station list page of 100 (county admin)", LIST_100,
            fixed("GET", f"{API}/orgs/{county}/stations?limit=100", county_admin)),
        Row("project detail (running, member)", "GET /projects/{id}",
            fixed("GET", f"{API}/projects/{world.detailed_project}", member)),
    ], Row("station list page of 10 (county admin)", LIST_10,
           fixed("GET", f"{API}/orgs/{county}/stations?limit=10", county_admin))


def load_average() -> str:
    """Other processes on the machine skew the times (not the statement counts)."""
    try:
        return "/".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def check_world(client, api: Api, world: World) -> str:
    """The read rows answer full pages (else their statement counts would mislead)."""
    lat, lng = CENTRE
    seen = {
        "nearby": len(client.get(f"{API}/stations/nearby?lat={lat}&lng={lng}&radius=1000"
                                 "&limit=20").get_json()["items"]),
        "todos": len(api.ok("GET", "/workbench/todos", "village1_approver")["items"]),
        "station page": len(api.ok("GET", f"/orgs/{world.orgs['county']}/stations?limit=100",
                                   "county_admin")["items"]),
    }
    counts = api.ok("GET", "/workbench/counts", "village1_approver")
    wanted = {"nearby": 20, "todos": 20, "station page": 100}
    short = {key: value for key, value in seen.items() if value != wanted[key]}
    if short:
        raise SystemExit(f"the seeded world gives short pages: {short} (wanted {wanted})")
    return (f"pages are full: nearby 20, to-dos 20 (counts {json.dumps(counts)}), "
            f"station list 100")


def collapse(statements: list[str]) -> list[tuple[str, int]]:
    """Runs of the same statement text as (text, length)."""
    runs: list[tuple[str, int]] = []
    for statement in statements:
        if runs and runs[-1][0] == statement:
            runs[-1] = (statement, runs[-1][1] + 1)
        else:
            runs.append((statement, 1))
    return runs


def span(pair: list[int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}-{pair[1]}"


def print_table(results: list[dict], baseline: dict) -> None:
    header = (f"{'request':<42} {'SQL':>5} {'fast':>5} {'dbapi':>6}  {'kinds':<18}"
              f" {'p50 ms':>8} {'p99 ms':>8} {'x healthz':>9}")
    print(header)
    print("-" * len(header))
    print(f"{'GET /healthz (baseline)':<42} {span(baseline['sql']):>5} "
          f"{span(baseline['fast']):>5} {span(baseline['dbapi']):>6}  {'-':<18}"
          f" {baseline['p50_ms']:>8.3f} {baseline['p99_ms']:>8.3f} {1.0:>9.1f}")
    for row in results:
        if "error" in row:
            print(f"{row['label']:<42} FAILED: {row['error']}")
            continue
        print(f"{row['label']:<42} {span(row['sql']):>5} {span(row['fast']):>5} "
              f"{span(row['dbapi']):>6}  {row['kinds']:<18} {row['p50_ms']:>8.3f} "
              f"{row['p99_ms']:>8.3f} {row['ratio_p50']:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed repetitions per row")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--sql", action="store_true",
                        help="print the statements of one repetition of each row")
    args = parser.parse_args()

    import app as app_package
    import config as config_package
    import wxclient

    print(f"app package: {app_package.__file__}", flush=True)
    for module in (app_package, config_package, wxclient):
        if not Path(module.__file__).resolve().is_relative_to(ROOT):
            raise SystemExit(f"{module.__name__} imported from {module.__file__}, not {ROOT}")

    from flask_migrate import upgrade

    from app import create_app
    from config import TestConfig
    from wxclient.fake import FakeWeChatServer

    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="gonghui-bench-statements-"))
    failed = False
    try:
        with FakeWeChatServer() as fake:
            settings = TestConfig()
            settings.SQLALCHEMY_DATABASE_URI = f"sqlite:///{workdir / 'bench.db'}"
            settings.WECHAT_API_BASE = fake.url
            settings.FILE_STORAGE_DIR = str(workdir / "files")
            settings.REQUEST_LOG = False
            settings.LOG_LEVEL = "WARNING"
            app = create_app(settings)
            db = app.extensions["sqlalchemy"]  # Flask-SQLAlchemy's own registration
            with app.app_context():
                counter = StatementCounter(db.engine)
                upgrade()
            client = app.test_client()
            writes = max(args.repeat + WRITE_WARMUP, 12)  # also keeps the to-do page full
            world, api = seed(app, client, writes)
            seeded = time.perf_counter()
            print(f"seeded in {seeded - started:.1f} s: {len(world.orgs)} orgs, "
                  f"{world.stations} stations, {writes} pending memberships, {writes} aid "
                  f"applications at step 1, {writes} bidders; SQLite {sqlite3.sqlite_version}, "
                  f"Python {platform.python_version()}, repeat={args.repeat}, "
                  f"load average {load_average()} on {os.cpu_count()} CPUs", flush=True)
            print(check_world(client, api, world), flush=True)

            baseline_row = Row("GET /healthz", "GET /healthz",
                               lambda _index: Call("GET", "/healthz"), 200)
            baseline = run_row(client, counter, baseline_row, max(args.repeat, 200))
            rows, short_page = build_rows(api, world)
            results = []
            for row in [*rows, short_page]:
                try:
                    result = run_row(client, counter, row, args.repeat)
                    result["ratio_p50"] = result["p50_ms"] / baseline["p50_ms"]
                except Failed as exc:
                    failed = True
                    result = {"label": row.label, "path": row.path, "error": str(exc)}
                    print(f"{row.label}: {exc}", flush=True)
                results.append(result)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print_table(results, baseline)
    by_path = {row["path"]: row for row in results}
    long_page, short = by_path[LIST_100], by_path[LIST_10]
    print()
    if "error" not in long_page and "error" not in short:
        same = long_page["sql"] == short["sql"]
        print(f"station list statements: page of 10 → {span(short['sql'])}, page of 100 → "
              f"{span(long_page['sql'])}: "
              + ("independent of page length" if same else
                 f"grows with the page ({(long_page['sql'][0] - short['sql'][0]) / 90:.2f} "
                 f"more per extra station); p50 {short['p50_ms']:.2f} ms vs "
                 f"{long_page['p50_ms']:.2f} ms"))
    print("SQL: statements SQLAlchemy sent on the app engine; fast: statements on other DBAPI "
          "connections (nearby's fast reader); dbapi: all that sqlite3 ran on any connection, "
          "incl. BEGIN/COMMIT, pool pre-ping SELECT 1 and executemany rows; kinds: SQL by verb; "
          "a-b: the count varied over the repetitions")
    print(f"p50/p99 over {args.repeat} repetitions (healthz {baseline['n']}) through the Flask "
          f"test client, in-process; total run {time.perf_counter() - started:.1f} s; "
          f"load average now {load_average()}")
    if args.sql:
        for row in results:
            if "statements" not in row:
                continue
            print(f"\n-- {row['label']} ({row['path']})")
            for source in ("sql", "fast"):
                for statement, times in collapse(row["statements"][source]):
                    repeated = f" (x{times} in a row)" if times > 1 else ""
                    print(f"  [{source}] {' '.join(statement.split())[:200]}{repeated}")
    if args.json:
        payload = {"app": app_package.__file__, "sqlite": sqlite3.sqlite_version,
                   "load_average": load_average(),
                   "python": platform.python_version(), "repeat": args.repeat,
                   "baseline": {k: v for k, v in baseline.items() if k != "statements"},
                   "rows": results}
        Path(args.json).write_text(json.dumps(payload, ensure_ascii=False, indent=2))
        print(f"wrote {args.json}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
