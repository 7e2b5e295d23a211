"""Claims: one per member per campaign, never beyond the stock; pick-up codes redeemed
once; unredeemed claims go back to the stock after the window; reminders before it closes.

Guards (PostgreSQL re-checks a conditional UPDATE's WHERE after waiting on a concurrent
writer, so racing claims cannot both pass; the CHECK constraints are the last line):
- `uq_benefit_claims_campaign_user` — one claim per member per campaign (`insert_unique`);
- `UPDATE benefit_campaigns SET claimed = claimed + 1 WHERE claimed < quantity` — the
  campaign's units (this row lock also serialises the claims of one campaign until commit);
- `UPDATE benefit_points SET taken = taken + 1 WHERE taken < stock` — a point's stock;
- `UPDATE benefit_codes SET claim_id = :claim WHERE id = :free AND claim_id IS NULL` and the
  unique `claim_id` — each card code to one claim.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from app.benefits.access import Member, eligible, get_campaign, is_woman, member_of
from app.benefits.models import CLAIMS, BenefitCampaign, BenefitClaim, BenefitCode, BenefitPoint
from app.cards import cards
from app.core import audit
from app.core.db import insert_unique
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import CARD_VERIFIERS, OFFICERS
from app.core.states import guarded_update
from app.core.time import utcnow
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.ledger import journal
from app.members.models import Membership
from app.notify.service import notify
from app.orgs.models import Org
from app.orgs.scope import grants_of, has_role_over, in_subtree
from app.privacy.consent import require_consent

PICKUP_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PICKUP_LENGTH = 10
NEAREST = 5
REMIND_BEFORE = timedelta(days=2)


def new_pickup_code() -> str:
    return "".join(secrets.choice(PICKUP_ALPHABET) for _ in range(PICKUP_LENGTH))


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def points_with_stock(campaign_id: int, lat: float | None = None,
                      lng: float | None = None, limit: int = NEAREST) -> list[BenefitPoint]:
    """Points with stock left, nearest first when a location is given."""
    points = list(db.session.scalars(
        select(BenefitPoint).where(BenefitPoint.campaign_id == campaign_id,
                                   BenefitPoint.taken < BenefitPoint.stock)
        .order_by(BenefitPoint.id)))
    if lat is not None and lng is not None:
        for point in points:
            point.distance_m = (round(distance_m(lat, lng, point.lat, point.lng))
                                if point.lat is not None and point.lng is not None else None)
        points.sort(key=lambda point: (point.distance_m is None, point.distance_m or 0))
    return points[:limit]


def claim(*, actor_id: int, campaign_id: int, point_id: int | None = None,
          lat: float | None = None, lng: float | None = None, real_name: str | None = None,
          id_number: str | None = None, phone: str | None = None) -> BenefitClaim:
    campaign = get_campaign(actor_id, campaign_id)
    member = member_of(actor_id)
    if not eligible(campaign, member):
        raise Forbidden("You are not eligible for this benefit.", code="not_eligible")
    if not campaign.is_open:
        raise Conflict("This benefit is not open for claims now.", code="benefit_closed")
    if campaign.kind == "enrolment":
        # the provider's list: whole ID number and phone, with the member's consent first
        require_consent(actor_id, "benefits", "id_number")
    if campaign.kind == "supply" and point_id is not None and db.session.scalar(
            select(BenefitPoint.id).where(BenefitPoint.id == point_id,
                                          BenefitPoint.campaign_id == campaign.id)) is None:
        raise NotFound("No such pick-up point in this campaign.")
    lottery = campaign.allocation == "lottery"
    row = BenefitClaim(
        campaign_id=campaign.id, user_id=actor_id, membership_id=member.membership_id,
        org_id=member.org.id, member_name=(real_name or member.real_name)[:50],
        status="entered" if lottery else "claimed", version=1,
        point_id=point_id if campaign.kind == "supply" else None,
        id_number=id_number if campaign.kind == "enrolment" else None,
        phone=phone if campaign.kind == "enrolment" else None)
    if not lottery:
        # the campaign's counter first: on SQLite this write opens the transaction, so the
        # claim's savepoint below is not a transaction of its own (pysqlite begins only on
        # DML); on PostgreSQL its row lock serialises the campaign's claims until commit
        take_counter(campaign)
    insert_unique(row, duplicate=Conflict("You have already claimed this benefit.",
                                          code="already_claimed"))
    if not lottery:
        take_unit(campaign, row, counted=True)
    audit.record(actor_id=actor_id, actor_role="member", org_id=campaign.owner_org_id,
                 action="benefit.claim", target_type="benefit_claim", target_id=row.id,
                 after={"campaign_id": campaign.id, "status": row.status})
    db.session.commit()
    return claim_for_owner(row, lat=lat, lng=lng)


def take_counter(campaign: BenefitCampaign) -> None:
    """One of the campaign's units, or 409 sold_out."""
    taken = db.session.execute(
        update(BenefitCampaign)
        .where(BenefitCampaign.id == campaign.id,
               BenefitCampaign.claimed < BenefitCampaign.quantity)
        .values(claimed=BenefitCampaign.claimed + 1)
        .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise Conflict("This benefit has all been claimed.", code="sold_out")


def take_unit(campaign: BenefitCampaign, row: BenefitClaim, *, counted: bool = False) -> None:
    """Give the claim one unit (the counter unless `counted`, then the point's stock or a
    card code) and post its value to the journal; 409 sold_out when none is left."""
    if not counted:
        take_counter(campaign)
    if campaign.kind == "supply":
        take_stock(campaign, row)
    elif campaign.kind == "code_card":
        free = db.session.scalar(
            select(BenefitCode.id).where(BenefitCode.campaign_id == campaign.id,
                                         BenefitCode.claim_id.is_(None))
            .order_by(BenefitCode.id).limit(1).with_for_update(skip_locked=True))
        got = free is not None and db.session.execute(
            update(BenefitCode).where(BenefitCode.id == free, BenefitCode.claim_id.is_(None))
            .values(claim_id=row.id).execution_options(synchronize_session=False)).rowcount
        if not got:
            raise Conflict("This benefit has all been claimed.", code="sold_out")
    journal.move(org_id=campaign.owner_org_id, purpose="benefit", amount_fen=campaign.unit_fen,
                 debit="paid", credit="funds", source="benefit_claim", source_id=row.id,
                 memo=campaign.name)


def take_stock(campaign: BenefitCampaign, row: BenefitClaim) -> None:
    """The chosen point, else the first point with stock left."""
    wanted = [row.point_id] if row.point_id is not None else [
        point.id for point in points_with_stock(campaign.id, limit=50)]
    for point_id in wanted:
        moved = db.session.execute(
            update(BenefitPoint)
            .where(BenefitPoint.id == point_id, BenefitPoint.taken < BenefitPoint.stock)
            .values(taken=BenefitPoint.taken + 1)
            .execution_options(synchronize_session=False)).rowcount
        if moved == 1:
            for _ in range(5):
                row.pickup_code = new_pickup_code()
                row.point_id = point_id
                try:
                    with db.session.begin_nested():
                        db.session.flush()
                    return
                except Exception:  # noqa: BLE001 — a pick-up code collision: draw again
                    continue
            raise Conflict("Please try again.", code="pickup_code_busy")
    raise Conflict("This pick-up point has no stock left; choose another one.",
                   code="point_sold_out")


def claim_for_owner(row: BenefitClaim, *, lat: float | None = None,
                    lng: float | None = None) -> BenefitClaim:
    """The claim as its claimer sees it: the card code, the pick-up point and the nearest
    points with stock."""
    db.session.refresh(row)
    if row.campaign.kind == "code_card":
        row.code = db.session.scalar(select(BenefitCode.code).where(
            BenefitCode.claim_id == row.id))
    if row.campaign.kind == "supply":
        row.nearby_points = points_with_stock(row.campaign_id, lat, lng)
    return row


def my_claim(*, actor_id: int, claim_id: int) -> BenefitClaim:
    row = db.session.get(BenefitClaim, claim_id)
    if row is None or row.user_id != actor_id:
        raise NotFound("No such claim.")
    return claim_for_owner(row)


def list_mine(*, actor_id: int, limit: int, cursor: str | None) -> Page:
    query = select(BenefitClaim).where(BenefitClaim.user_id == actor_id)
    return keyset_page(query, keys=[BenefitClaim.id], limit=limit, cursor=cursor,
                       descending=True)


def list_claims(*, actor_id: int, campaign_id: int, status: str | None, limit: int,
                cursor: str | None) -> Page:
    campaign = get_campaign(actor_id, campaign_id, roles=OFFICERS)
    query = select(BenefitClaim).where(BenefitClaim.campaign_id == campaign.id)
    if status:
        query = query.where(BenefitClaim.status == status)
    return keyset_page(query, keys=[BenefitClaim.id], limit=limit, cursor=cursor)


def redeem(*, actor_id: int, code: str) -> BenefitClaim:
    """Station staff hand the goods over: officers of the point's org (or above) redeem a
    pick-up code once. Anyone else — and a code that does not exist — gets 404."""
    row = db.session.scalar(select(BenefitClaim).where(
        BenefitClaim.pickup_code == code.strip().upper()))
    if row is None or row.point is None or not has_role_over(actor_id, row.point.org,
                                                             OFFICERS):
        raise NotFound("No such pick-up code.")
    _hand_over(row, actor_id=actor_id)
    db.session.commit()
    return row


def redeem_with_card(*, actor_id: int, campaign_id: int, token: str) -> BenefitClaim:
    """The point's staff (officers or card verifiers over the claim's pick-up point's org)
    hand the goods over on the member's card QR instead of the pick-up code, where the
    campaign allows it (`card_pickup`). The card must verify now (422 `card_not_accepted`);
    a member with no claim to pick up at the staff's points gets 404, as a wrong code."""
    if not grants_of(actor_id, CARD_VERIFIERS):
        raise Forbidden("Only officers and card verifiers may accept member cards.")
    campaign = get_campaign(actor_id, campaign_id)
    if campaign.kind != "supply" or not campaign.card_pickup:
        raise Conflict("This benefit is not handed over on the member card; ask for the "
                       "pick-up code.", code="card_pickup_not_allowed")
    presented = cards.accept(token)
    row = db.session.scalar(select(BenefitClaim).where(
        BenefitClaim.campaign_id == campaign.id,
        BenefitClaim.user_id == presented.card.user_id))
    if row is None or row.point is None or not has_role_over(actor_id, row.point.org,
                                                             CARD_VERIFIERS):
        raise NotFound("This member has no claim to pick up here.", code="no_claim_here")
    _hand_over(row, actor_id=actor_id, card_number=presented.card.number)
    db.session.commit()
    return row


def _hand_over(row: BenefitClaim, *, actor_id: int, card_number: str | None = None) -> None:
    """Redeem a claim once, within the pick-up period (flushes only)."""
    if row.status == "redeemed":
        raise Conflict("This pick-up code was already used.", code="already_redeemed",
                       details={"redeemed_at": row.redeemed_at.isoformat()})
    if row.campaign.pickup_until is not None and utcnow() >= row.campaign.pickup_until:
        raise Conflict("The pick-up period is over.", code="pickup_over")
    CLAIMS.check(row.status, "redeem")
    guarded_update(row, values={"status": "redeemed", "redeemed_at": utcnow(),
                                "redeemed_by": actor_id}, status="claimed", machine=CLAIMS,
                   noun="claim")
    audit.record(actor_id=actor_id, actor_role="officer" if card_number is None else "staff",
                 org_id=row.point.org_id, action="benefit.redeem",
                 target_type="benefit_claim", target_id=row.id,
                 after={"card_number": card_number} if card_number else None)


def expire_unredeemed(now=None) -> int:
    """After the pick-up period (or the window when there is none), supply claims not picked
    up go back to the stock; their value is reversed in the journal. Idempotent."""
    now = now or utcnow()
    campaigns = list(db.session.scalars(select(BenefitCampaign).where(
        BenefitCampaign.kind == "supply", BenefitCampaign.expired_at.is_(None),
        db.func.coalesce(BenefitCampaign.pickup_until, BenefitCampaign.closes_at) <= now)))
    count = 0
    for campaign in campaigns:
        rows = list(db.session.scalars(select(BenefitClaim).where(
            BenefitClaim.campaign_id == campaign.id, BenefitClaim.status == "claimed")))
        for row in rows:
            moved = db.session.execute(
                update(BenefitClaim).where(BenefitClaim.id == row.id,
                                           BenefitClaim.status == "claimed")
                .values(status="expired", version=BenefitClaim.version + 1)
                .execution_options(synchronize_session=False)).rowcount
            if moved != 1:
                continue
            db.session.execute(update(BenefitPoint).where(BenefitPoint.id == row.point_id)
                               .values(taken=BenefitPoint.taken - 1)
                               .execution_options(synchronize_session=False))
            db.session.execute(update(BenefitCampaign)
                               .where(BenefitCampaign.id == campaign.id)
                               .values(claimed=BenefitCampaign.claimed - 1)
                               .execution_options(synchronize_session=False))
            journal.move(org_id=campaign.owner_org_id, purpose="benefit",
                         amount_fen=campaign.unit_fen, debit="funds", credit="paid",
                         source="benefit_return", source_id=row.id, memo=campaign.name)
            count += 1
        db.session.execute(update(BenefitCampaign).where(BenefitCampaign.id == campaign.id)
                           .values(expired_at=now)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return count


def send_reminders(now=None) -> int:
    """A message to every eligible member who has not claimed, once per campaign, when its
    window closes within `REMIND_BEFORE`."""
    now = now or utcnow()
    campaigns = list(db.session.scalars(select(BenefitCampaign).where(
        BenefitCampaign.reminded_at.is_(None), BenefitCampaign.opens_at <= now,
        BenefitCampaign.closes_at > now, BenefitCampaign.closes_at <= now + REMIND_BEFORE)))
    sent = 0
    for campaign in campaigns:
        claimed = select(BenefitClaim.user_id).where(BenefitClaim.campaign_id == campaign.id)
        told: set[int] = set()
        for org in campaign.eligible_orgs:
            members = db.session.scalars(
                select(Membership).join(Org, Org.id == Membership.org_id)
                .where(Membership.status == "approved", in_subtree(Org.path, org.path),
                       Membership.user_id.not_in(claimed)).order_by(Membership.id))
            for membership in members:
                member = Member(membership.id, membership.org, membership.real_name,
                                membership.industry, is_woman(membership.id_number))
                if membership.user_id in told or not eligible(campaign, member):
                    continue
                told.add(membership.user_id)
                notify(user_id=membership.user_id, event="benefit.reminder",
                       title="福利即将截止领取",
                       body=f"“{campaign.name}”即将截止领取，您还未领取。",
                       data={"campaign_name": campaign.name},
                       page=page_path("benefits/detail", id=campaign.id))
                sent += 1
        campaign.reminded_at = now
    db.session.commit()
    return sent
