"""Org tree and officer grants: create, rename, move within one's subtree; grant and revoke."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.core import audit
from app.core.db import insert_unique
from app.core.i18n import N_
from app.core.labels import Code
from app.core.pagination import Page, keyset_page
from app.core.roles import ADMINS
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.orgs.models import LEVEL_LABELS, LEVELS, OfficerRole, Org
from app.orgs.scope import forget_grants, get_org, get_org_or_404, in_subtree, orgs_under


def for_picker(orgs: list[Org]) -> list[Org]:
    """Sets `has_children` and `path_names` (root → org) on each org of one answer: two
    queries whatever the number of orgs (the names of every org on their paths, and which
    of them are parents), none per org."""
    if not orgs:
        return orgs
    ids = {org_id for org in orgs for org_id in org.path_ids}
    names = dict(db.session.execute(select(Org.id, Org.name).where(Org.id.in_(ids))).all())
    parents = set(db.session.scalars(
        select(Org.parent_id).where(Org.parent_id.in_({org.id for org in orgs})).distinct()))
    for org in orgs:
        org.path_names = [names[org_id] for org_id in org.path_ids if org_id in names]
        org.has_children = org.id in parents
    return orgs


def org_detail(*, org_id: int) -> Org:
    """One org with what the picker shows."""
    return for_picker([get_org_or_404(org_id)])[0]


def list_orgs(*, parent_id: int | None, q: str | None, limit: int,
              cursor: str | None) -> Page[Org]:
    """Without `q`: the children of `parent_id` (the top orgs when it is absent), by id.
    With `q`: orgs whose name contains it — under `parent_id` when given (one path range),
    else anywhere — the higher levels first, then by id."""
    parent = get_org_or_404(parent_id) if parent_id is not None else None
    query = select(Org)
    if q is None:
        query = query.where(Org.parent_id == parent.id if parent else Org.parent_id.is_(None))
    else:
        query = query.where(Org.name.contains(q, autoescape=True))
        if parent is not None:
            query = query.where(in_subtree(Org.path, parent.path), Org.id != parent.id)
    # children share one depth: the same key as a search, so one cursor shape for the list
    keys = [Org.depth, Org.id]
    page = keyset_page(query, keys=keys, limit=limit, cursor=cursor)
    for_picker(page.items)
    return page


def ancestors(*, org_id: int) -> list[Org]:
    """From the root down to the org's parent, in one query on the path."""
    org = get_org_or_404(org_id)
    ids = org.path_ids[:-1]
    if not ids:
        return []
    found = {o.id: o for o in db.session.scalars(select(Org).where(Org.id.in_(ids)))}
    return for_picker([found[i] for i in ids])


def ancestor_at_level(org: Org, level: str) -> Org | None:
    """The org itself or its ancestor at `level` (used by approval chains)."""
    if org.level == level:
        return org
    ids = [int(part) for part in org.path.strip("/").split("/")]
    return db.session.scalar(select(Org).where(Org.id.in_(ids), Org.level == level))


def _check_level(parent: Org | None, level: str) -> None:
    if parent is not None and LEVELS.index(level) <= LEVELS.index(parent.level):
        raise Invalid(
            "A %(level)s cannot sit under a %(parent_level)s.",
            params={"level": Code(LEVEL_LABELS, level),
                    "parent_level": Code(LEVEL_LABELS, parent.level)},
            details={"fields": {"level": [N_("Choose a level below the parent org's.")]}},
        )


def add_org(parent: Org | None, *, name: str, level: str, region_code: str | None = None) -> Org:
    """Insert an org under `parent` (None: a top org) with its path; flushes, the caller
    commits (operators, seeding and tests build trees with it)."""
    _check_level(parent, level)
    org = Org(
        parent_id=parent.id if parent else None,
        name=name,
        level=level,
        region_code=region_code,
        path="/pending/",
        depth=(parent.depth + 1) if parent else 0,
    )
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    db.session.flush()
    return org


def create_root_org(*, name: str, level: str, region_code: str | None = None) -> Org:
    """Operators only (CLI): a top org with no parent."""
    org = add_org(None, name=name, level=level, region_code=region_code)
    db.session.commit()
    return org


def create_org(*, actor_id: int, parent_id: int, name: str, level: str,
               region_code: str | None = None) -> Org:
    parent = get_org(actor_id, parent_id, roles=ADMINS)
    org = add_org(parent, name=name, level=level, region_code=region_code)
    audit.record(actor_id=actor_id, actor_role="admin", org_id=parent.id, action="org.create",
                 target_type="org", target_id=org.id, after={"name": name, "level": level})
    db.session.commit()
    return for_picker([org])[0]


def update_org(*, actor_id: int, org_id: int, changes: dict) -> Org:
    """Rename, set the region code, or move under another org of the actor's subtree."""
    org = get_org(actor_id, org_id, roles=ADMINS)
    before = {"name": org.name, "region_code": org.region_code, "parent_id": org.parent_id}
    if "parent_id" in changes and changes["parent_id"] != org.parent_id:
        _move(actor_id, org, changes.pop("parent_id"))
    changes.pop("parent_id", None)
    for key, value in changes.items():
        setattr(org, key, value)
    audit.record(actor_id=actor_id, actor_role="admin", org_id=org.id, action="org.update",
                 target_type="org", target_id=org.id, before=before,
                 after={"name": org.name, "region_code": org.region_code,
                        "parent_id": org.parent_id})
    db.session.commit()
    return for_picker([org])[0]


def _move(actor_id: int, org: Org, new_parent_id: int | None) -> None:
    if new_parent_id is None:
        raise Forbidden("Only operators create top-level orgs.")
    # both ends of the move must lie in the actor's own subtree
    new_parent = get_org(actor_id, new_parent_id, roles=ADMINS)
    if org.parent_id is None:
        raise Forbidden("A top-level org cannot be moved.")
    get_org(actor_id, org.parent_id, roles=ADMINS)
    if new_parent.path.startswith(org.path):
        raise Conflict("An org cannot move under its own subtree.")
    _check_level(new_parent, org.level)
    old_path, new_path = org.path, f"{new_parent.path}{org.id}/"
    depth_shift = new_parent.depth + 1 - org.depth
    # one UPDATE rewrites the prefix of the whole subtree
    db.session.execute(
        update(Org)
        .where(in_subtree(Org.path, old_path))
        .values(path=new_path + func.substr(Org.path, len(old_path) + 1),
                depth=Org.depth + depth_shift)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(update(Org).where(Org.id == org.id).values(parent_id=new_parent.id))
    db.session.expire_all()


def list_officers(*, actor_id: int, org_id: int) -> list[OfficerRole]:
    """Every role grant on the org with its user (one query; an org has a handful)."""
    get_org(actor_id, org_id, roles=ADMINS)
    return list(db.session.scalars(
        select(OfficerRole).options(joinedload(OfficerRole.user, innerjoin=True))
        .where(OfficerRole.org_id == org_id).order_by(OfficerRole.id)))


def _find_user(*, user_id: int | None, openid: str | None) -> User:
    if user_id is not None:
        user = db.session.get(User, user_id)
    else:
        user = db.session.scalar(select(User).where(User.openid == openid))
    if user is None:
        raise NotFound("No such user; they must log in to the mini-program once first.")
    return user


# called as hook(org=…, role=…, granted=True/False) after a grant or a revocation, in its
# transaction (e.g. a domain closes the to-dos that waited for someone to hold that role
# there, or opens them when nobody does any more); registered from the domains' hooks
ROLE_HOOKS: list = []


def add_role_hook(hook) -> None:
    """Idempotent (apps are built many times)."""
    if hook not in ROLE_HOOKS:
        ROLE_HOOKS.append(hook)


def grant_role(*, actor_id: int | None, org_id: int, role: str, user_id: int | None = None,
               openid: str | None = None) -> OfficerRole:
    """Admins grant roles on orgs in their subtree; actor None means an operator (CLI)."""
    org = get_org_or_404(org_id) if actor_id is None else get_org(actor_id, org_id,
                                                                   roles=ADMINS)
    user = _find_user(user_id=user_id, openid=openid)
    grant = OfficerRole(user=user, org_id=org.id, role=role, granted_by=actor_id)
    insert_unique(grant, duplicate=Conflict("This user already holds that role on this org."))
    audit.record(actor_id=actor_id, actor_role="admin", org_id=org.id, action="role.grant",
                 target_type="user", target_id=user.id, after={"role": role})
    forget_grants(user.id)
    for hook in ROLE_HOOKS:
        hook(org=org, role=role, granted=True)
    db.session.commit()
    return grant


def revoke_role(*, actor_id: int, org_id: int, grant_id: int) -> None:
    org = get_org(actor_id, org_id, roles=ADMINS)
    grant = db.session.get(OfficerRole, grant_id)
    if grant is None or grant.org_id != org.id:
        raise NotFound("No such role on this org.")
    audit.record(actor_id=actor_id, actor_role="admin", org_id=org.id, action="role.revoke",
                 target_type="user", target_id=grant.user_id, before={"role": grant.role})
    db.session.delete(grant)
    db.session.flush()
    forget_grants(grant.user_id)
    for hook in ROLE_HOOKS:
        hook(org=org, role=grant.role, granted=False)
    db.session.commit()


def audit_trail(*, actor_id: int, org_id: int, limit: int, cursor: str | None,
                action: str | None = None, officer_id: int | None = None
                ) -> Page[audit.AuditRecord]:
    """Audit rows of the org's subtree, newest first, for its admins."""
    org = get_org(actor_id, org_id, roles=ADMINS)
    orgs_below = orgs_under(org)
    query = select(audit.AuditRecord).where(audit.AuditRecord.org_id.in_(orgs_below))
    if action:
        query = query.where(audit.AuditRecord.action.startswith(action))
    if officer_id:
        query = query.where(audit.AuditRecord.actor_id == officer_id)
    return keyset_page(query, keys=[audit.AuditRecord.id], limit=limit, cursor=cursor,
                       descending=True)
