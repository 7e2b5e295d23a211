"""Officer to-do queue at scale: 100,000 open items over a province's subtree, on PostgreSQL.

Prints p50/p99/throughput of GET /api/v1/workbench/todos and /counts for a county officer
(and a province officer for contrast) through the Flask test client with a real JWT, a
baseline (GET /healthz through the same client), and the query plans. Usage:

    .venv/bin/python bench/bench_todos.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import measure, show, summary  # noqa: E402

KINDS = [("membership", "approver", False), ("aid_application", "approver", True),
         ("project_review", "approver", False), ("station_feedback", "admin", False),
         ("project_bids", "approver", False)]


def build_tree(conn, fanout: int) -> dict[str, list[tuple[int, str]]]:
    """province → fanout cities → fanout counties → fanout towns → fanout villages."""
    levels = ["province", "city", "county", "town", "village"]
    by_level: dict[str, list[tuple[int, str]]] = {level: [] for level in levels}
    next_id = 1
    rows = []

    def add(parent_path: str | None, depth: int, parent_id: int | None) -> None:
        nonlocal next_id
        org_id = next_id
        next_id += 1
        path = f"{parent_path or '/'}{org_id}/"
        rows.append((org_id, parent_id, f"org{org_id}", levels[depth], path, depth))
        by_level[levels[depth]].append((org_id, path))
        if depth < 4:
            for _ in range(fanout):
                add(path, depth + 1, org_id)

    add(None, 0, None)
    cursor = conn.cursor()
    cursor.executemany(
        "INSERT INTO orgs (id, parent_id, name, level, path, depth, created_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, now())", rows)
    cursor.execute("SELECT setval('orgs_id_seq', %s)", (next_id,))
    return by_level


def fill(conn, by_level, items: int) -> None:
    rng = random.Random(5)
    targets = by_level["village"] + by_level["town"]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(items):
        kind, role, exact = rng.choice(KINDS)
        org_id, path = rng.choice(targets)
        rows.append((kind, n + 1, org_id, path, exact, role, f"待办{n}", "摘要", 1,
                     f"/api/v1/x/{n}", start + timedelta(seconds=rng.randint(0, 10**7))))
    cursor = conn.cursor()
    with cursor.copy("COPY todo_items (kind, object_id, org_id, org_path, exact_org, role, "
                     "title, summary, version, action, waiting_since) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    # the counts the app keeps with every item write (app/core/todos.py TodoCount)
    conn.execute("INSERT INTO todo_counts (role, org_path, exact_org, kind, items) "
                 "SELECT role, org_path, exact_org, kind, count(*) FROM todo_items "
                 "GROUP BY role, org_path, exact_org, kind")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1000)
    args = parser.parse_args()

    import psycopg
    from flask_jwt_extended import create_access_token
    from flask_migrate import upgrade

    from app import create_app
    from app.auth.models import LoginSession, User
    from app.extensions import db
    from app.orgs.models import OfficerRole
    from config import TestConfig, normalise_database_url

    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS gonghui_bench_todos WITH (FORCE)")
        conn.execute("CREATE DATABASE gonghui_bench_todos")
    url = args.postgres.rsplit("/", 1)[0] + "/gonghui_bench_todos"
    settings = TestConfig()
    settings.SQLALCHEMY_DATABASE_URI = normalise_database_url(url)
    settings.REQUEST_LOG = False
    settings.LOG_LEVEL = "WARNING"
    app = create_app(settings)
    with app.app_context():
        upgrade()
    with psycopg.connect(url) as conn:
        by_level = build_tree(conn, 10)
        fill(conn, by_level, args.items)
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    headers = {}
    with app.app_context():
        for label, level in (("county", "county"), ("province", "province")):
            user = User(openid=f"bench-{label}", nickname=label)
            db.session.add(user)
            db.session.flush()
            db.session.add(OfficerRole(user_id=user.id, org_id=by_level[level][0][0],
                                       role="approver"))
            db.session.add(LoginSession(id=f"bench{label}", user_id=user.id))
            db.session.commit()
            headers[label] = {"Authorization": "Bearer " + create_access_token(
                str(user.id), additional_claims={"fam": f"bench{label}"})}
    client = app.test_client()
    print(f"{args.items:,} open items over {sum(len(v) for v in by_level.values()):,} orgs",
          flush=True)
    baseline = summary(measure(lambda: client.get("/healthz"), args.repeat))
    show("baseline GET /healthz (test client)", baseline)
    for label in ("county", "province"):
        for path in ("/api/v1/workbench/todos?limit=20", "/api/v1/workbench/counts"):
            response = client.get(path, headers=headers[label])
            assert response.status_code == 200, response.get_json()
            stats = summary(measure(lambda p=path, h=headers[label]: client.get(p, headers=h),
                                    args.repeat, warmup=50))
            show(f"{label} officer GET {path.split('?')[0].rsplit('/', 1)[1]}", stats, baseline)
        count = client.get("/api/v1/workbench/counts", headers=headers[label]).get_json()
        print(f"  {label} officer sees {count['total']:,} items", flush=True)
    explain(app)


def explain(app) -> None:
    from sqlalchemy import select
    from sqlalchemy.dialects import postgresql

    from app.auth.models import User
    from app.extensions import db
    from app.workbench.todos import counts_query, page_query

    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.openid == "bench-county"))
        queries = {
            "todos": page_query(user_id=user_id, kind=None, org_id=None, limit=20, cursor=None),
            "counts": counts_query(user_id=user_id),
        }
        for title, query in queries.items():
            sql = str(query.compile(dialect=postgresql.dialect(),
                                    compile_kwargs={"literal_binds": True}))
            plan = db.session.execute(db.text("EXPLAIN ANALYZE " + sql)).scalars().all()
            print(f"query plan ({title}):\n  " + "\n  ".join(plan), flush=True)


if __name__ == "__main__":
    main()
