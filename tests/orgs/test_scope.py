"""The scope helper on a tree of thousands of orgs, and its index use on PostgreSQL."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.orgs import service
from app.orgs.models import Org
from app.orgs.scope import in_subtree


def _build_big_tree(seed: int = 7) -> dict[int, int | None]:
    """~3,000 orgs: 3 provinces × 6 cities × 6 counties × 6 towns × 4 villages (trimmed)."""
    rng = random.Random(seed)
    parents: dict[int, int | None] = {}
    levels = ["province", "city", "county", "town", "village"]

    def grow(parent: Org | None, depth: int) -> None:
        count = 3 if depth == 0 else rng.randint(2, 6)
        for index in range(count):
            org = service.add_org(parent, name=f"{levels[depth]}-{index}", level=levels[depth])
            parents[org.id] = parent.id if parent else None
            if depth < 4:
                grow(org, depth + 1)

    grow(None, 0)
    db.session.commit()
    return parents


def _descendants_by_walking(parents: dict[int, int | None], root: int) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, stack = set(), [root]
    while stack:
        node = stack.pop()
        found.add(node)
        stack.extend(children.get(node, []))
    return found


def test_subtree_query_equals_a_walk_of_the_tree(app_ctx):
    parents = _build_big_tree()
    assert len(parents) > 1000
    rng = random.Random(3)
    for root in rng.sample(sorted(parents), 25):
        org = db.session.get(Org, root)
        got = set(db.session.scalars(select(Org.id).where(in_subtree(Org.path, org.path))))
        assert got == _descendants_by_walking(parents, root)


def test_ids_around_digit_boundaries_do_not_leak(app_ctx):
    """Org 1's subtree must not include org 10, 11 … (path "/1/" vs "/10/")."""
    _build_big_tree()
    one = db.session.get(Org, 1)
    inside = set(db.session.scalars(select(Org.path).where(in_subtree(Org.path, one.path))))
    assert all(path.startswith("/1/") for path in inside)


@pytest.mark.postgres
def test_subtree_query_uses_the_path_index_on_postgres(app_ctx):
    _build_big_tree()
    db.session.execute(text("ANALYZE orgs"))
    org = db.session.scalar(select(Org).where(Org.level == "county").limit(1))
    low, high = org.path, org.path[:-1] + "0"
    plan = "\n".join(db.session.scalars(text(
        "EXPLAIN SELECT id FROM orgs WHERE path >= :low AND path < :high"
    ), {"low": low, "high": high}))
    assert "ix_orgs_path" in plan, plan
    assert "Seq Scan" not in plan, plan
