"""Who may see and act on hardship files, and the loaders: `get_file(actor_id, file_id)`,
404 to whoever may not know it exists."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.core.roles import DECIDERS, OFFICERS, Role
from app.errors import FieldMessage, Forbidden, Invalid, NotFound
from app.extensions import db
from app.hardship.models import HardshipDocument, HardshipFile, HardshipMember
from app.members.memberships import member_id_hash
from app.orgs.models import OfficerRole, Org
from app.orgs.scope import has_role_over, org_scope_clause

GRASSROOTS_LEVELS = ("town", "village")


def file_options() -> list:
    return [joinedload(HardshipFile.step_org), joinedload(HardshipFile.county_org),
            selectinload(HardshipFile.members), selectinload(HardshipFile.documents),
            selectinload(HardshipFile.visits), selectinload(HardshipFile.events)]


def is_officer_over(actor_id: int | None, org: Org, roles: Iterable[str] = OFFICERS) -> bool:
    return has_role_over(actor_id, org, roles)


def holds_exactly(actor_id: int, org_id: int, role: str = Role.APPROVER) -> bool:
    """A grant on that org itself: each step of the chain is decided at its own level."""
    return bool(db.session.scalar(select(exists().where(
        OfficerRole.user_id == actor_id, OfficerRole.org_id == org_id,
        OfficerRole.role == role))))


def is_household_member(actor_id: int, hardship_file: HardshipFile) -> bool:
    """The caller's approved membership's ID number is one of the household's."""
    mine = member_id_hash(actor_id)
    return mine is not None and any(m.id_hash == mine for m in hardship_file.members)


def get_file(actor_id: int, file_id: int, *, applicant_only: bool = False) -> HardshipFile:
    """The applicant, the household's own members (by their membership's ID number) and,
    once submitted, officers over the file's org see it; anyone else gets 404.
    `applicant_only`: others who may see it get 403."""
    hardship_file = db.session.scalar(
        select(HardshipFile).where(HardshipFile.id == file_id).options(*file_options())
        .execution_options(populate_existing=True))
    if hardship_file is None or not (
            hardship_file.applicant_id == actor_id
            or (hardship_file.status != "draft"
                and (is_officer_over(actor_id, hardship_file.org)
                     or is_household_member(actor_id, hardship_file)))):
        raise NotFound("No such hardship file.")
    if applicant_only and hardship_file.applicant_id != actor_id:
        raise Forbidden("Only whoever opened this file may change or withdraw it.")
    return hardship_file


def require_decider(actor_id: int, hardship_file: HardshipFile, org: Org) -> None:
    """An approver holding the role on `org` itself; never the household's own applicant."""
    if hardship_file.applicant_id == actor_id:
        raise Forbidden("Nobody decides their own hardship file.")
    if not holds_exactly(actor_id, org.id):
        raise Forbidden("This step is decided by an approver of %(org)s.",
                        params={"org": org.name}, code="not_your_step",
                        details={"step_org_id": org.id})


def require_officer_over(actor_id: int, hardship_file: HardshipFile,
                         roles: Iterable[str] = DECIDERS) -> None:
    if hardship_file.applicant_id == actor_id and not hardship_file.entered_by_officer:
        raise Forbidden("Nobody decides their own hardship file.")
    if not is_officer_over(actor_id, hardship_file.org, roles):
        raise Forbidden("This needs an approver over %(org)s.",
                        params={"org": hardship_file.org.name})


def orgs_above(org: Org) -> list[Org]:
    """The org and its ancestors, nearest first (one query off the path)."""
    ids = org.path_ids
    found = {o.id: o for o in db.session.scalars(select(Org).where(Org.id.in_(ids)))}
    return [found[i] for i in reversed(ids) if i in found]


def chain_of(org: Org) -> tuple[Org, Org, Org]:
    """(grassroots union, the level above it, the county union that files)."""
    if org.level not in GRASSROOTS_LEVELS:
        message = "Hardship files are opened at a grassroots union (a town or village org)."
        raise Invalid(message, details={"fields": {"org_id": [FieldMessage(message)]}})
    up = orgs_above(org)
    county = next((o for o in up if o.level == "county"), None)
    if county is None or len(up) < 2:
        message = "%(org)s has no county union above it."
        raise Invalid(message, params={"org": org.name},
                      details={"fields": {"org_id": [FieldMessage(message, {"org": org.name})]}})
    return org, up[1], county


def officer_may_read_attached_file(actor_id: int, file_id: int) -> int | None:
    """Officers over a submitted file's org may read its documents."""
    return db.session.scalar(
        select(HardshipFile.org_id).select_from(HardshipDocument)
        .join(HardshipFile, HardshipFile.id == HardshipDocument.hardship_file_id)
        .where(HardshipDocument.file_id == file_id, HardshipFile.status != "draft",
               org_scope_clause(actor_id, HardshipFile.org_id)).limit(1))


def mine_clause(actor_id: int):
    """Files the caller opened, or whose household includes the caller (membership)."""
    mine = member_id_hash(actor_id)
    clauses = [HardshipFile.applicant_id == actor_id]
    if mine is not None:
        clauses.append(HardshipFile.id.in_(
            select(HardshipMember.file_id).where(HardshipMember.id_hash == mine)))
    return or_(*clauses)
