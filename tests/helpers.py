"""Small factories shared by tests: logins, orgs, grants."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event

_counter = itertools.count()


def wx_login(client, name: str) -> dict:
    response = client.post("/api/v1/auth/wx-login", json={"code": f"mock:{name}"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class World:
    access_token: str
    refresh_token: str

    def headers_for(self, case) -> dict[str, str]:
        """The refresh endpoint wants the refresh token; everything else the access token."""
        if case.path.endswith("/auth/refresh"):
            return bearer(self.refresh_token)
        return bearer(self.access_token)


def seed_officer_world(app, client) -> World:
    """A fresh login (tokens get revoked by generated logouts) of an admin + approver."""
    pair = wx_login(client, "county_admin")
    return World(pair["access_token"], pair["refresh_token"])


def make_user(name: str):
    """A user with openid mock-<name> (log in later with code mock:<name>)."""
    from app.auth.models import User
    from app.extensions import db

    user = User(openid=f"mock-{name}", nickname=name)
    db.session.add(user)
    db.session.flush()
    return user


def current_policy_version(client, purpose: str) -> str:
    policies = client.get("/api/v1/privacy/policies").get_json()["items"]
    return next(policy["version"] for policy in policies if policy["purpose"] == purpose)


def give_consents(client, headers, purpose: str, kinds=None, **extra) -> list[dict]:
    """The caller's separate consents for `purpose` at the current policy version (by default
    every kind but minor_guardian); `extra` adds subject, guardian_relation, paper_reference."""
    version = current_policy_version(client, purpose)
    kinds = kinds or {"membership": ("id_number",),
                      "aid": ("id_number", "bank_account", "certificate"),
                      "rights": ("case_details",)}[purpose]
    response = client.post("/api/v1/me/consents", headers=headers, json={
        "purpose": purpose, "data_kinds": list(kinds), "policy_version": version, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["items"]


def valid_id_number(born: str = "19900101", sequence: int = 1, region: str = "320922") -> str:
    from app.core.idcard import check_digit

    first17 = f"{region}{born}{sequence:03d}"
    return first17 + check_digit(first17)


@dataclass
class Tree:
    """province → county → town1 (village1, village2), town2 (village3); officers on each."""

    ids: dict[str, int]

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


TREE_OFFICERS = {
    "prov_admin": ("province", "admin"),
    "county_admin": ("county", "admin"),
    "county_approver": ("county", "approver"),
    "town1_approver": ("town1", "approver"),
    "town1_reviewer": ("town1", "reviewer"),
    "town2_approver": ("town2", "approver"),
    "village1_approver": ("village1", "approver"),
    "village2_approver": ("village2", "approver"),
}


def build_tree(app) -> Tree:
    from app.extensions import db
    from app.orgs import service

    with app.app_context():
        province = service.create_root_org(name="测试省总工会", level="province")
        county = service.add_org(province, name="测试县总工会", level="county")
        town1 = service.add_org(county, name="一镇", level="town")
        town2 = service.add_org(county, name="二镇", level="town")
        village1 = service.add_org(town1, name="甲村", level="village")
        village2 = service.add_org(town1, name="乙村", level="village")
        village3 = service.add_org(town2, name="丙村", level="village")
        ids = {o_name: o.id for o_name, o in [
            ("province", province), ("county", county), ("town1", town1), ("town2", town2),
            ("village1", village1), ("village2", village2), ("village3", village3)]}
        for user_name, (org_name, role) in TREE_OFFICERS.items():
            user = make_user(user_name)
            ids[user_name] = user.id
            service.grant_role(actor_id=None, org_id=ids[org_name], role=role, user_id=user.id)
        ids["plain"] = make_user("plain").id
        db.session.commit()
    return Tree(ids)


@contextmanager
def recorded_statements(app) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block, in order."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def decidable_todos(user_id: int):
    """The to-do items an officer may decide now, written out on its own (by the grants, with
    `in_subtree`, no placeholders): the oracle the queue's counts and page are checked
    against, so it shares no code with `workbench.todos._scope`."""
    from sqlalchemy import and_, false, or_

    from app.core.time import utcnow
    from app.core.todos import TodoItem
    from app.orgs.scope import grants_of, in_subtree

    clauses = [and_(TodoItem.role == grant.role, in_subtree(TodoItem.org_path, org.path),
                    or_(TodoItem.exact_org.is_(False), TodoItem.org_path == org.path))
               for grant, org in grants_of(user_id)]
    return and_(or_(*clauses), TodoItem.waiting_since <= utcnow()) if clauses else false()


def assert_todo_counts_exact(app, user_ids=()) -> None:
    """`todo_counts` holds exactly the items of `todo_items` per (role, org_path, exact_org,
    kind), and each officer's badge counts equal a count of the items they may decide."""
    from sqlalchemy import func, select

    from app.core.todos import TodoCount, TodoItem
    from app.extensions import db
    from app.workbench import todos

    with app.app_context():
        keys = (TodoItem.role, TodoItem.org_path, TodoItem.exact_org, TodoItem.kind)
        brute = {tuple(row[:4]): row[4] for row in db.session.execute(
            select(*keys, func.count()).group_by(*keys))}
        stored = {(c.role, c.org_path, c.exact_org, c.kind): c.items
                  for c in db.session.scalars(select(TodoCount)) if c.items}
        assert stored == brute
        for user_id in user_ids:
            expected = dict(db.session.execute(
                select(TodoItem.kind, func.count()).where(decidable_todos(user_id))
                .group_by(TodoItem.kind)).all())
            assert todos.counts(user_id=user_id).by_kind == expected
        db.session.remove()
