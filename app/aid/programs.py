"""Aid programs: created by an admin of the owner org; listed for applicants and officers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.aid.access import get_program, with_program_viewer
from app.aid.models import AidProgram, AidProgramOrg
from app.core import audit
from app.core.i18n import translate
from app.core.pagination import Page, keyset_page
from app.core.roles import ADMINS, Role
from app.core.time import utcnow
from app.errors import Invalid
from app.extensions import db
from app.orgs.models import LEVELS, Org
from app.orgs.scope import authorize, get_org_or_404, org_scope_clause


def _invalid(field: str, message: str, params: dict | None = None) -> Invalid:
    return Invalid(message, params=params,
                   details={"fields": {field: [translate(message, params)]}})


def _check_chain(chain: list[str]) -> None:
    """Levels must climb the tree: village → town → county → …, each once."""
    positions = [LEVELS.index(level) for level in chain]
    if any(lower <= upper for lower, upper in zip(positions, positions[1:], strict=False)):
        raise _invalid("chain", "Levels must go upwards (e.g. village, town, county, province).")


def _check_categories(categories: list[dict[str, Any]]) -> None:
    codes = [category["code"] for category in categories]
    if len(set(codes)) != len(codes):
        raise _invalid("categories", "Category codes must be unique.")
    for category in categories:
        tier_codes = [tier["code"] for tier in category["tiers"]]
        if len(set(tier_codes)) != len(tier_codes):
            raise _invalid("categories", "Tier codes of %(category)s must be unique.",
                           {"category": category["code"]})


def _eligible_orgs(owner: Org, org_ids: list[int]) -> list[Org]:
    orgs = list(db.session.scalars(select(Org).where(Org.id.in_(set(org_ids)))))
    if len(orgs) != len(set(org_ids)):
        raise _invalid("eligible_org_ids", "Some eligible orgs do not exist.")
    outside = [org.name for org in orgs if not org.path.startswith(owner.path)]
    if outside:
        raise _invalid("eligible_org_ids",
                       "Eligible orgs must lie under the owner org: %(orgs)s.",
                       {"orgs": ", ".join(outside)})
    return orgs


def create_program(*, actor_id: int, name: str, year: int, owner_org_id: int,
                   eligible_org_ids: list[int], categories: list[dict[str, Any]],
                   budget_fen: int, opens_at: datetime, closes_at: datetime,
                   chain: list[str]) -> AidProgram:
    owner = get_org_or_404(owner_org_id)
    authorize(actor_id, owner, ADMINS)
    _check_chain(chain)
    _check_categories(categories)
    eligible = _eligible_orgs(owner, eligible_org_ids)
    program = AidProgram(
        name=name, year=year, owner_org_id=owner.id, categories=categories, chain=chain,
        budget_fen=budget_fen, reserved_fen=0, paid_fen=0, opens_at=opens_at,
        closes_at=closes_at, created_by=actor_id,
    )
    db.session.add(program)
    db.session.flush()
    db.session.add_all(AidProgramOrg(program_id=program.id, org_id=org.id) for org in eligible)
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=owner.id,
                 action="aid.program.create", target_type="aid_program", target_id=program.id,
                 after={"name": name, "budget_fen": budget_fen, "chain": chain})
    program_id = program.id
    db.session.commit()
    return get_program(actor_id, program_id)


def list_programs(*, actor_id: int, scope: str, limit: int, cursor: str | None) -> Page:
    """`open`: taking applications now; `managed`: owned by orgs the caller is an officer of."""
    query = select(AidProgram).options(selectinload(AidProgram.eligible_orgs),
                                       with_program_viewer(actor_id))
    if scope == "open":
        now = utcnow()
        query = query.where(AidProgram.opens_at <= now, AidProgram.closes_at > now)
    else:
        query = query.where(org_scope_clause(actor_id, AidProgram.owner_org_id))
    return keyset_page(query, keys=[AidProgram.id], limit=limit, cursor=cursor)


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
