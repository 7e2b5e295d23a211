"""Benefit campaigns: created by an admin of the owner org, with pick-up points or imported
card codes; what a member is entitled to; stats and rosters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, func, select, update

from app.benefits.access import eligible, eligible_clause, get_campaign, member_of, paths_up_to
from app.benefits.models import (
    CLAIM_STATUSES,
    HOLDS_STOCK,
    KINDS,
    BenefitCampaign,
    BenefitCampaignOrg,
    BenefitClaim,
    BenefitCode,
    BenefitPoint,
)
from app.benefits.schemas import MAX_QUANTITY
from app.core import audit
from app.core.crypto import keyed_hash, mask_id_number, mask_phone
from app.core.i18n import N_
from app.core.labels import code_label, text, texts
from app.core.pagination import Page, keyset_page
from app.core.personal_data import mask_name
from app.core.roles import ADMINS, CARD_VERIFIERS, OFFICERS, Role
from app.core.tabular import read_table
from app.core.time import to_shanghai, utcnow
from app.errors import Conflict, FieldProblems, Invalid
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import authorize, get_org_or_404, org_scope_clause
from app.stations.models import Station

MAX_CODES = 20_000
CODE_HEADERS = {"code", "卡号", "兑换码", "激活码", "card code"}


def create_campaign(*, actor_id: int, owner_org_id: int, name: str, kind: str,
                    eligible_org_ids: list[int], opens_at: datetime, closes_at: datetime,
                    allocation: str = "first_come", description: str | None = None,
                    industry: str | None = None, women_only: bool = False,
                    card_pickup: bool = False,
                    quantity: int | None = None, unit_fen: int = 0,
                    provider: str | None = None, pickup_until: datetime | None = None,
                    points: list[dict[str, Any]] | None = None) -> BenefitCampaign:
    owner = get_org_or_404(owner_org_id)
    authorize(actor_id, owner, ADMINS)
    problems = FieldProblems()
    orgs = list(db.session.scalars(select(Org).where(Org.id.in_(set(eligible_org_ids)))))
    if len(orgs) != len(set(eligible_org_ids)):
        problems.invalid("eligible_org_ids", "Some eligible orgs do not exist.")
    outside = [org.name for org in orgs if not org.path.startswith(owner.path)]
    if outside:
        problems.invalid("eligible_org_ids",
                         "Eligible orgs must lie under the owner org: %(orgs)s.",
                         {"orgs": ", ".join(outside)})
    point_orgs = {}
    for point in points or []:
        org = db.session.get(Org, point["org_id"])
        if org is None or not org.path.startswith(owner.path):
            problems.invalid("points", "A pick-up point's org must lie under the owner org.")
        point_orgs[point["org_id"]] = org
        if point.get("station_id") is not None and db.session.get(
                Station, point["station_id"]) is None:
            problems.invalid("points", "No such station.")
    if sum(point["stock"] for point in points or []) > MAX_QUANTITY:
        problems.invalid("points", "The points' stocks together must not exceed %(most)s.",
                         {"most": MAX_QUANTITY})
    problems.raise_if_any()
    total = quantity or 0
    if kind == "supply":
        total = sum(point["stock"] for point in points or [])
    elif kind == "code_card":
        total = 0  # the imported codes are the quantity
    campaign = BenefitCampaign(
        owner_org_id=owner.id, name=name, description=description, kind=kind,
        allocation=allocation, industry=industry, women_only=women_only,
        card_pickup=card_pickup, quantity=total,
        unit_fen=unit_fen, claimed=0, provider=provider, opens_at=opens_at,
        closes_at=closes_at, pickup_until=pickup_until, lottery_state="open", version=1,
        created_by=actor_id)
    db.session.add(campaign)
    db.session.flush()
    db.session.add_all(BenefitCampaignOrg(campaign_id=campaign.id, org_id=org.id)
                       for org in orgs)
    db.session.add_all(BenefitPoint(campaign_id=campaign.id, taken=0, **point)
                       for point in points or [])
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=owner.id,
                 action="benefit.create", target_type="benefit_campaign",
                 target_id=campaign.id, after={"kind": kind, "quantity": total})
    db.session.commit()
    return get_campaign(actor_id, campaign.id)


@dataclass(frozen=True)
class ImportOutcome:
    imported: int
    quantity: int


def import_codes(*, actor_id: int, campaign_id: int, filename: str,
                 payload: bytes) -> ImportOutcome:
    """Card codes from a CSV or XLSX (one column `code`/卡号/兑换码): all or none; a code
    already in the campaign or twice in the file refuses the file."""
    campaign = get_campaign(actor_id, campaign_id, roles=ADMINS)
    if campaign.kind != "code_card":
        raise Conflict("Only a card-code campaign takes imported codes.",
                       code="not_code_campaign")

    def check_header(header: list[str]) -> None:
        if not any(cell.strip().lower().rstrip("*") in CODE_HEADERS for cell in header):
            raise Invalid("The first row must name the code column: code, or the Chinese "
                          "header for card codes.",
                          code="import_header")

    max_rows = min(int(current_app.config.get("IMPORT_MAX_ROWS") or MAX_CODES), MAX_CODES)
    table = read_table(filename, payload, max_rows=max_rows, check_header=check_header)
    column = next(n for n, cell in enumerate(table.header)
                  if cell.strip().lower().rstrip("*") in CODE_HEADERS)
    codes: dict[str, tuple[int, str]] = {}
    bad: list[dict[str, Any]] = []
    for number, cells in table.rows:
        value = str(cells[column]).strip() if column < len(cells) else ""
        if not value:
            continue
        if len(value) > 64 or not value.isprintable():
            bad.append({"row": number, "problem": "invalid"})
            continue
        digest = keyed_hash(f"benefit-code:{value}")
        if digest in codes:
            bad.append({"row": number, "problem": "duplicate"})
            continue
        codes[digest] = (number, value)
    existing = set(db.session.scalars(select(BenefitCode.code_hash).where(
        BenefitCode.campaign_id == campaign.id, BenefitCode.code_hash.in_(list(codes)))))
    bad.extend({"row": codes[digest][0], "problem": "exists"} for digest in sorted(existing))
    if bad:
        raise Invalid("%(count)s codes are invalid or repeated; nothing was imported.",
                      params={"count": len(bad)}, code="import_rows_invalid",
                      details={"rows": sorted(bad, key=lambda item: item["row"])[:100]})
    if not codes:
        raise Invalid("The file holds no codes.", code="import_empty")
    db.session.add_all(BenefitCode(campaign_id=campaign.id, code=value, code_hash=digest)
                       for digest, (_, value) in codes.items())
    db.session.execute(update(BenefitCampaign).where(BenefitCampaign.id == campaign.id)
                       .values(quantity=BenefitCampaign.quantity + len(codes))
                       .execution_options(synchronize_session=False))
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=campaign.owner_org_id,
                 action="benefit.codes", target_type="benefit_campaign",
                 target_id=campaign.id, after={"imported": len(codes)})
    db.session.commit()
    quantity = db.session.scalar(select(BenefitCampaign.quantity)
                                 .where(BenefitCampaign.id == campaign.id))
    return ImportOutcome(imported=len(codes), quantity=quantity)


def campaign_detail(*, actor_id: int, campaign_id: int) -> BenefitCampaign:
    campaign = get_campaign(actor_id, campaign_id)
    member = member_of(actor_id)
    campaign.eligible_for_viewer = eligible(campaign, member)
    return campaign


def list_managed(*, actor_id: int, limit: int, cursor: str | None,
                 card_pickup: bool = False) -> Page:
    """Campaigns of the orgs the caller is an officer over, newest first; with `card_pickup`
    the campaigns handed over on the member card at a point in the caller's orgs (officers
    or card verifiers there: whom `claims.redeem_with_card` lets hand them over)."""
    if card_pickup:
        at_my_points = select(BenefitPoint.id).where(
            BenefitPoint.campaign_id == BenefitCampaign.id,
            org_scope_clause(actor_id, BenefitPoint.org_id, CARD_VERIFIERS))
        query = select(BenefitCampaign).where(
            BenefitCampaign.kind == "supply", BenefitCampaign.card_pickup.is_(True),
            at_my_points.exists())
    else:
        query = select(BenefitCampaign).where(
            org_scope_clause(actor_id, BenefitCampaign.owner_org_id))
    return keyset_page(query, keys=[BenefitCampaign.id], limit=limit, cursor=cursor,
                       descending=True)


@dataclass
class Entitlement:
    """A campaign the caller may claim, with their claim if any."""

    campaign: BenefitCampaign
    claim: BenefitClaim | None

    @property
    def deadline(self) -> datetime:
        return self.campaign.closes_at

    @property
    def claimed(self) -> bool:
        return self.claim is not None


@cache
def _entitlement_queries():
    """The entitlements page's two statements, built once: building them and their cache
    keys again on every call cost more than sending them."""
    campaigns = (select(BenefitCampaign)
                 .where(eligible_clause(bindparam("paths", expanding=True)),
                        BenefitCampaign.opens_at <= bindparam("now"))
                 .order_by(BenefitCampaign.closes_at, BenefitCampaign.id).limit(200))
    claims = select(BenefitClaim).where(
        BenefitClaim.user_id == bindparam("user_id"),
        BenefitClaim.campaign_id.in_(bindparam("campaign_ids", expanding=True)))
    return campaigns, claims


def entitlements(*, actor_id: int) -> list[Entitlement]:
    """What I am entitled to: every campaign I am eligible for whose window has opened and
    which is not long over (claimed or not), soonest deadline first."""
    member = member_of(actor_id)
    if member is None:
        return []
    campaigns_query, claims_query = _entitlement_queries()
    campaigns = list(db.session.scalars(
        campaigns_query, {"paths": paths_up_to(member.org), "now": utcnow()}))
    claims = {claim.campaign_id: claim for claim in db.session.scalars(
        claims_query, {"user_id": actor_id, "campaign_ids": [c.id for c in campaigns]})}
    return [Entitlement(campaign, claims.get(campaign.id)) for campaign in campaigns
            if eligible(campaign, member)
            and (campaign.id in claims or campaign.closes_at > utcnow())]


@dataclass(frozen=True)
class OrgCount:
    org: Org
    claims: int
    redeemed: int


@dataclass(frozen=True)
class CampaignStats:
    campaign: BenefitCampaign
    by_status: dict[str, int]
    by_org: list[OrgCount]
    spent_fen: int


def campaign_stats(*, actor_id: int, campaign_id: int) -> CampaignStats:
    campaign = get_campaign(actor_id, campaign_id, roles=OFFICERS)
    by_status = {status: 0 for status in CLAIM_STATUSES}
    by_status.update(dict(db.session.execute(
        select(BenefitClaim.status, func.count()).where(BenefitClaim.campaign_id == campaign.id)
        .group_by(BenefitClaim.status)).all()))
    rows = db.session.execute(
        select(Org, func.count(),
               func.sum(func.cast(BenefitClaim.status == "redeemed", db.Integer)))
        .join(BenefitClaim, BenefitClaim.org_id == Org.id)
        .where(BenefitClaim.campaign_id == campaign.id,
               BenefitClaim.status.in_(HOLDS_STOCK))
        .group_by(Org.id).order_by(Org.id)).all()
    return CampaignStats(campaign=campaign, by_status=by_status,
                         by_org=[OrgCount(org, count, int(redeemed or 0))
                                 for org, count, redeemed in rows],
                         spent_fen=campaign.claimed * campaign.unit_fen)


def roster(*, actor_id: int, campaign_id: int, reason: str) -> dict[str, list[list]]:
    """The claim roster (masked), or for an enrolment the provider's list with whole ID
    numbers and phones: that read is audited with its reason."""
    campaign = get_campaign(actor_id, campaign_id, roles=ADMINS)
    claims = list(db.session.scalars(
        select(BenefitClaim).where(BenefitClaim.campaign_id == campaign.id,
                                   BenefitClaim.status.in_(HOLDS_STOCK))
        .order_by(BenefitClaim.id)))
    whole = campaign.kind == "enrolment"
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=campaign.owner_org_id,
                 action="pii.roster" if whole else "benefit.roster",
                 target_type="benefit_campaign", target_id=campaign.id,
                 field="id_number" if whole else None, reason=reason,
                 after={"rows": len(claims)})
    db.session.commit()
    orgs = {org.id: org.name for org in db.session.scalars(
        select(Org).where(Org.id.in_({claim.org_id for claim in claims})))}
    points = {point.id: point.name for point in db.session.scalars(
        select(BenefitPoint).where(BenefitPoint.campaign_id == campaign.id))}
    if whole:
        header = texts(N_("No."), N_("Name"), N_("ID card number"), N_("Phone number"),
                       N_("Org"), N_("Claimed at"))
        lines = [[n, claim.member_name, claim.id_number, claim.phone, orgs.get(claim.org_id),
                  to_shanghai(claim.created_at).strftime("%Y-%m-%d %H:%M")]
                 for n, claim in enumerate(claims, start=1)]
        title = text(N_("Enrolment list"))
    else:
        header = texts(N_("No."), N_("Name"), N_("Org"), N_("Pick-up point"), N_("Status"),
                       N_("Claimed at"))
        lines = [[n, mask_name(claim.member_name), orgs.get(claim.org_id),
                  points.get(claim.point_id, ""),
                  code_label(CLAIM_STATUSES, claim.status),
                  to_shanghai(claim.created_at).strftime("%Y-%m-%d %H:%M")]
                 for n, claim in enumerate(claims, start=1)]
        title = text(N_("Claim roster"))
    summary = [[text(N_("Campaign")), campaign.name],
               [text(N_("Kind")), code_label(KINDS, campaign.kind)],
               [text(N_("Quantity")), campaign.quantity], [text(N_("Claimed")), len(claims)]]
    return {title: [header, *lines], text(N_("Summary")): summary}


def masked_enrolment(claim: BenefitClaim) -> dict[str, str | None]:
    return {"id_number": mask_id_number(claim.id_number), "phone": mask_phone(claim.phone)}
