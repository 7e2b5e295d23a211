"""Aid programs: created by an admin of the owner org; listed for applicants and officers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.aid.access import get_program, with_program_viewer
from app.aid.approvers import tell_admin_about_gaps, with_warnings
from app.aid.models import AidProgram, AidProgramOrg, category_problems, chain_problems
from app.core import audit
from app.core.pagination import Page, keyset_page
from app.core.roles import ADMINS, OFFICERS, Role
from app.core.time import utcnow
from app.errors import FieldMessage, FieldProblems, Invalid
from app.extensions import db
from app.members.models import Membership
from app.orgs.models import Org
from app.orgs.scope import authorize, get_org_or_404, grants_of, org_scope_clause


def _invalid(field: str, message: str, params: dict | None = None) -> Invalid:
    return Invalid(message, params=params,
                   details={"fields": {field: [FieldMessage(message, params)]}})


def _check_eligible_orgs(owner: Org, org_ids: list[int],
                         problems: FieldProblems) -> list[Org]:
    orgs = list(db.session.scalars(select(Org).where(Org.id.in_(set(org_ids)))))
    if len(orgs) != len(set(org_ids)):
        problems.invalid("eligible_org_ids", "Some eligible orgs do not exist.")
    outside = [org.name for org in orgs if not org.path.startswith(owner.path)]
    if outside:
        problems.invalid("eligible_org_ids",
                         "Eligible orgs must lie under the owner org: %(orgs)s.",
                         {"orgs": ", ".join(outside)})
    return orgs


def create_program(*, actor_id: int, name: str, year: int, owner_org_id: int,
                   eligible_org_ids: list[int], categories: list[dict[str, Any]],
                   budget_fen: int, opens_at: datetime, closes_at: datetime,
                   chain: list[str], excluded_by_program_ids: list[int] | None = None,
                   repeat_scope: str = "person", repeat_rule: str = "flag",
                   hardship_file_rule: str = "none",
                   required_confirmations: list[str] | None = None,
                   notice_working_days: int | None = None) -> AidProgram:
    owner = get_org_or_404(owner_org_id)
    authorize(actor_id, owner, ADMINS)
    # every problem at once (the schema checked the same rules for HTTP callers)
    problems = FieldProblems()
    for message in chain_problems(chain):
        problems.invalid("chain", message.msgid, message.params)
    for message in category_problems(categories):
        problems.invalid("categories", message.msgid, message.params)
    eligible = _check_eligible_orgs(owner, eligible_org_ids, problems)
    excluded_by = sorted(set(excluded_by_program_ids or []))
    known = set(db.session.scalars(select(AidProgram.id).where(AidProgram.id.in_(excluded_by))))
    if len(known) != len(excluded_by):
        problems.invalid("excluded_by_program_ids", "Some of these programs do not exist: "
                         "%(ids)s.", {"ids": sorted(set(excluded_by) - known)})
    problems.raise_if_any()
    program = AidProgram(
        name=name, year=year, owner_org_id=owner.id, categories=categories, chain=chain,
        budget_fen=budget_fen, reserved_fen=0, paid_fen=0, opens_at=opens_at,
        closes_at=closes_at, created_by=actor_id, excluded_by_program_ids=excluded_by,
        repeat_scope=repeat_scope, repeat_rule=repeat_rule,
        hardship_file_rule=hardship_file_rule,
        required_confirmations=sorted(set(required_confirmations or [])),
        notice_working_days=notice_working_days,
    )
    db.session.add(program)
    db.session.flush()
    db.session.add_all(AidProgramOrg(program_id=program.id, org_id=org.id) for org in eligible)
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=owner.id,
                 action="aid.program.create", target_type="aid_program", target_id=program.id,
                 after={"name": name, "budget_fen": budget_fen, "chain": chain})
    tell_admin_about_gaps(program, eligible, actor_id)
    program_id = program.id
    db.session.commit()
    return with_warnings(get_program(actor_id, program_id))


def program_detail(*, actor_id: int, program_id: int) -> AidProgram:
    """One program; its owner org's officers also see what to fix (`warnings`)."""
    return with_warnings(get_program(actor_id, program_id))


def list_programs(*, actor_id: int, scope: str, limit: int, cursor: str | None) -> Page:
    """`open`: taking applications now; `managed`: owned by orgs the caller is an officer of."""
    query = select(AidProgram).options(selectinload(AidProgram.eligible_orgs),
                                       with_program_viewer(actor_id))
    if scope == "open":
        now = utcnow()
        query = query.where(AidProgram.opens_at <= now, AidProgram.closes_at > now)
    else:
        query = query.where(org_scope_clause(actor_id, AidProgram.owner_org_id))
    page = keyset_page(query, keys=[AidProgram.id], limit=limit, cursor=cursor)
    if scope == "open":
        mark_eligible(actor_id, page.items)
    return page


def mark_eligible(actor_id: int, programs: list[AidProgram]) -> None:
    """`eligible_for_viewer` on each program: the caller is an approved member of an org
    inside an eligible org, or an officer whose orgs overlap one (to enter applications on
    someone's behalf). One query for the caller's memberships; the grants are cached."""
    if not programs:
        return
    member_paths = list(db.session.scalars(
        select(Org.path).join(Membership, Membership.org_id == Org.id)
        .where(Membership.user_id == actor_id, Membership.status == "approved")))
    officer_paths = [org.path for _, org in grants_of(actor_id, OFFICERS)]
    for program in programs:
        eligible_paths = [org.path for org in program.eligible_orgs]
        program.eligible_for_viewer = any(
            path.startswith(eligible) for path in member_paths for eligible in eligible_paths
        ) or any(path.startswith(eligible) or eligible.startswith(path)
                 for path in officer_paths for eligible in eligible_paths)


def find_category(program: AidProgram, category_code: str,
                  tier_code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The category and tier by code, or 422 naming the unknown one."""
    category = next((c for c in program.categories if c["code"] == category_code), None)
    if category is None:
        raise _invalid("category_code", "This program has no category %(category)s.",
                       {"category": category_code})
    tier = next((t for t in category["tiers"] if t["code"] == tier_code), None)
    if tier is None:
        raise _invalid("tier_code", "Category %(category)s has no tier %(tier)s.",
                       {"category": category_code, "tier": tier_code})
    return category, tier


def is_eligible(program: AidProgram, org: Org) -> bool:
    """The org is one of the eligible orgs or lies under one."""
    return any(org.path.startswith(eligible.path) for eligible in program.eligible_orgs)
