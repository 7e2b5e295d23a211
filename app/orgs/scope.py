"""The one authorisation helper: who holds which role over which part of the tree."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from flask import g, has_request_context
from sqlalchemy import ColumnElement, and_, bindparam, false, or_, select

from app.core.labels import ROLES, Codes
from app.core.roles import OFFICERS
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.orgs.models import OfficerRole, Org

# Transition alias: app/aid, app/projects and app/stations (rewritten in other branches) still


def subtree_bounds(path: str) -> tuple[str, str]:
    """[low, high) of every path under `path` ("/1/5/" → "/1/5/" … "/1/50")."""
    return path, path[:-1] + chr(ord("/") + 1)


def in_subtree(path_column, path: str) -> ColumnElement[bool]:
    low, high = subtree_bounds(path)
    return and_(path_column >= low, path_column < high)


def orgs_under(org: Org):
    """SELECT of the ids of `org` and everything below it (one index range)."""
    return select(Org.id).where(in_subtree(Org.path, org.path))


def grants_of(user_id: int, roles: Iterable[str] = OFFICERS) -> list[tuple[OfficerRole, Org]]:
    """The user's role grants (with their orgs), loaded once per request."""
    cache = g.setdefault("role_grants", {}) if has_request_context() else {}
    rows = cache.get(user_id)
    if rows is None:
        rows = cache[user_id] = _load_grants(user_id)
    wanted = set(roles)
    return [(grant, org) for grant, org in rows if grant.role in wanted]


def forget_grants(user_id: int) -> None:
    """Drop the request cache after a grant changed."""
    if has_request_context():
        g.setdefault("role_grants", {}).pop(user_id, None)


@cache
def _grants_statement():
    """Built once (and its cache key made once): every login and officer screen reads grants."""
    return (select(OfficerRole, Org)
            .join(Org, Org.id == OfficerRole.org_id)
            .where(OfficerRole.user_id == bindparam("user_id"))
            .order_by(Org.path, OfficerRole.role))


def _load_grants(user_id: int) -> list[tuple[OfficerRole, Org]]:
    rows = db.session.execute(_grants_statement(), {"user_id": user_id}).all()
    return [(grant, org) for grant, org in rows]


def roles_of(user_id: int) -> list[dict]:
    return [
        {"org_id": org.id, "org_name": org.name, "role": grant.role}
        for grant, org in grants_of(user_id)
    ]


def has_role_over(user_id: int | None, org: Org, roles: Iterable[str] = OFFICERS) -> bool:
    """True when one of the user's grants is on `org` or one of its ancestors."""
    if user_id is None:
        return False
    return any(org.path.startswith(grant_org.path) for _, grant_org in grants_of(user_id, roles))


def is_officer(user_id: int | None) -> bool:
    return user_id is not None and bool(grants_of(user_id))


def org_scope_clause(user_id: int | None, org_id_column, roles: Iterable[str] = OFFICERS):
    """A WHERE clause keeping rows whose org lies under one of the user's grants."""
    if user_id is None:
        return false()
    paths = sorted({org.path for _, org in grants_of(user_id, roles)})
    # drop paths already covered by an ancestor grant
    tops = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    if not tops:
        return false()
    orgs_in_scope = select(Org.id).where(or_(*(in_subtree(Org.path, p) for p in tops)))
    return org_id_column.in_(orgs_in_scope)


def get_org_or_404(org_id: int) -> Org:
    """The org (the tree is public: anyone may look an org up); 404 when there is none."""
    org = db.session.get(Org, org_id)
    if org is None:
        raise NotFound("No such org.")
    return org


def get_org(actor_id: int | None, org_id: int, *, roles: Iterable[str]) -> Org:
    """The org for an actor holding one of `roles` over it (404 when there is no such org,
    403 otherwise: the tree is public, so refusing hides nothing)."""
    org = get_org_or_404(org_id)
    require_role_over(actor_id, org, roles, hide=False)
    return org


def require_role_over(user_id: int | None, org: Org, roles: Iterable[str], *, hide: bool) -> None:
    """Refuse unless the user holds one of `roles` over `org`.

    `hide=True` answers 404 so a caller outside the subtree learns nothing of the object.
    """
    if has_role_over(user_id, org, roles):
        return
    if hide:
        raise NotFound("Not found.")
    raise Forbidden("This needs the %(roles)s role over %(org)s.",
                    params={"roles": Codes(ROLES, roles, any_of=True), "org": org.name})


def authorize(user_id: int | None, org: Org, roles: Iterable[str]) -> None:
    """404 for callers with no role over the org (nothing leaks), 403 for the wrong role."""
    if has_role_over(user_id, org, roles):
        return
    if has_role_over(user_id, org, OFFICERS):
        raise Forbidden("This needs the %(roles)s role over %(org)s.",
                        params={"roles": Codes(ROLES, roles, any_of=True), "org": org.name})
    raise NotFound("Not found.")


def remember_grants(user_id: int, rows: list[tuple[OfficerRole, Org]]) -> None:
    """Grants loaded with the user by the token check: `grants_of` finds them in the request
    cache instead of asking again (ordered as `_load_grants` orders them)."""
    if has_request_context():
        g.setdefault("role_grants", {})[user_id] = rows
