"""Badge counts come from `todo_counts`: after any mix of writes they equal a brute-force
count of the items each officer may decide."""

from __future__ import annotations

import random
from datetime import timedelta

from app.core.time import utcnow
from tests.helpers import TREE_OFFICERS, assert_todo_counts_exact
from tests.workbench.test_workbench import apply

KINDS = ("membership", "aid_application", "project_bids")


def test_counts_equal_a_brute_force_count_after_random_writes(app, tree):
    from sqlalchemy import select

    from app.core import todos
    from app.core.todos import TodoItem
    from app.extensions import db
    from app.orgs.models import Org

    rng = random.Random(22)
    officers = [tree[name] for name in TREE_OFFICERS] + [tree["plain"]]
    with app.app_context():
        orgs = list(db.session.scalars(select(Org)))
        for round_ in range(6):
            for _ in range(25):
                org, kind = rng.choice(orgs), rng.choice(KINDS)
                object_id = rng.randrange(40)
                if rng.random() < 0.65:  # open or refresh (maybe on another org)
                    ahead = rng.random() < 0.2
                    todos.open_todo(
                        kind=kind,
                        object_id=object_id,
                        org_id=org.id,
                        org_path=org.path,
                        role=rng.choice(("approver", "reviewer", "admin")),
                        title="t",
                        summary="s",
                        version=1,
                        action="/x",
                        exact_org=rng.random() < 0.3,
                        waiting_since=utcnow() + timedelta(hours=1 if ahead else -1),
                    )
                elif rng.random() < 0.7:
                    todos.close_todo(kind=kind, object_id=object_id)
                else:  # a bulk close, as aid does when an approver joins
                    todos.close_todos(TodoItem.kind == kind, TodoItem.object_id < object_id)
            if round_ % 3 == 2:
                db.session.rollback()  # a rolled-back transaction leaves no trace
            else:
                db.session.commit()
            assert_todo_counts_exact(app, officers)
        assert db.session.scalar(select(TodoItem.id).limit(1)) is not None
        db.session.remove()


def test_counts_follow_single_and_batch_decisions(client, as_user, tree, app):
    officers = [tree[name] for name in TREE_OFFICERS]
    queue = [apply(client, as_user, f"m{n}", tree[f"village{1 + n % 3}"], n) for n in range(1, 7)]
    assert_todo_counts_exact(app, officers)
    counts = client.get("/api/v1/workbench/counts", headers=as_user("county_approver"))
    assert counts.get_json() == {"total": 6, "by_kind": {"membership": 6}}
    client.post(
        f"/api/v1/memberships/{queue[0]['id']}/decision",
        headers=as_user("village2_approver"),
        json={"action": "approve", "version": 1},
    )
    assert_todo_counts_exact(app, officers)
    response = client.post(
        "/api/v1/workbench/batch-decisions",
        headers=as_user("county_approver"),
        json={
            "action": "reject",
            "comment": "材料不全",
            "items": [{"kind": "membership", "id": item["id"], "version": 1} for item in queue],
        },
    )
    assert [r["status"] for r in response.get_json()["results"]] == [409] + [200] * 5
    assert_todo_counts_exact(app, officers)
    counts = client.get("/api/v1/workbench/counts", headers=as_user("county_approver"))
    assert counts.get_json() == {"total": 0, "by_kind": {}}


def test_decisions_at_once_on_one_org_share_its_count_row(app, client, tree, as_user):
    """Every decision in a village updates the same `todo_counts` row: concurrent decisions
    wait for each other's commit there, none fails, and the count ends exact."""
    from tests.concurrency import race, statuses

    queue = [apply(client, as_user, f"r{n}", tree["village1"], n) for n in range(1, 9)]
    apply(client, as_user, "r9", tree["village2"], 9)
    officer = as_user("town1_approver")
    answers = race(
        app,
        [
            (
                "post",
                f"/api/v1/memberships/{item['id']}/decision",
                officer,
                {"action": "approve" if n % 2 else "reject", "version": 1, "reason": "材料不全"},
            )
            for n, item in enumerate(queue)
        ],
    )
    assert statuses(answers) == {200: 8}, [a.get_json() for a in answers if a.status_code != 200]
    assert_todo_counts_exact(app, [tree[name] for name in TREE_OFFICERS])
    counts = client.get("/api/v1/workbench/counts", headers=officer).get_json()
    assert counts == {"total": 1, "by_kind": {"membership": 1}}
