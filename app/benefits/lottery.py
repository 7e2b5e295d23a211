"""The lottery of an oversubscribed campaign: reproducible from its published inputs.

1. After the window closes an admin commits: the server draws a secret 32-byte seed and
   publishes `seed_hash = sha256(seed)` and the entrants (claim ids, masked names) with
   `entrants_hash = sha256("id1,id2,…")` over the ids in ascending order. Nothing can enter
   after the window, and the seed can no longer change without the hash showing it.
2. The draw publishes the seed. Each entrant's ticket is `sha256("<seed>:<claim id>")` in
   hex; entrants sorted by (ticket, claim id); the first `quantity` win (everybody when the
   campaign is not oversubscribed). Winners get their unit (a card code or a pick-up code)
   as a first-come claim would; the others are `lost`.
Anyone can check `sha256(seed) == seed_hash`, the entrants against `entrants_hash`, and
recompute the winners with `winners()` below (docs/benefits.md shows it in ten lines).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select

from app.benefits.access import get_campaign
from app.benefits.claims import take_unit
from app.benefits.models import LOTTERY_STATES, BenefitCampaign, BenefitClaim
from app.core import audit
from app.core.i18n import N_
from app.core.pages import page_path
from app.core.personal_data import mask_name
from app.core.roles import ADMINS, Role
from app.core.states import StateMachine, guarded_update
from app.core.time import utcnow
from app.errors import Conflict
from app.extensions import db
from app.notify.service import notify

DRAW = StateMachine("lottery", noun=N_("lottery"), statuses=LOTTERY_STATES,
                    actions={"commit": N_("Commit the seed"), "draw": N_("Draw")}, moves={
    "commit": (("open",), "committed"),
    "draw": (("committed",), "drawn"),
})


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def ticket(seed: str, claim_id: int) -> str:
    return sha256(f"{seed}:{claim_id}")


def winners(seed: str, entrant_ids: list[int], quantity: int) -> list[int]:
    """The winning claim ids, best ticket first."""
    ranked = sorted(entrant_ids, key=lambda claim_id: (ticket(seed, claim_id), claim_id))
    return ranked[:max(quantity, 0)]


def entrants_digest(entrant_ids: list[int]) -> str:
    return sha256(",".join(str(claim_id) for claim_id in sorted(entrant_ids)))


@dataclass
class Entrant:
    claim_id: int
    name: str
    won: bool | None


@dataclass
class LotteryOut:
    campaign: BenefitCampaign
    entrants: list[Entrant] = field(default_factory=list)
    winner_ids: list[int] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.campaign.lottery_state

    @property
    def seed(self) -> str | None:
        """Secret until the draw."""
        return self.campaign.seed if self.state == "drawn" else None


def _entrants(campaign_id: int) -> list[BenefitClaim]:
    return list(db.session.scalars(
        select(BenefitClaim).where(BenefitClaim.campaign_id == campaign_id,
                                   BenefitClaim.status.in_(("entered", "claimed",
                                                            "redeemed", "expired", "lost")))
        .order_by(BenefitClaim.id)))


def _require_lottery(campaign: BenefitCampaign) -> None:
    if campaign.allocation != "lottery":
        raise Conflict("This campaign is first come, first served: there is no lottery.",
                       code="not_lottery")


def commit_seed(*, actor_id: int, campaign_id: int, version: int) -> LotteryOut:
    campaign = get_campaign(actor_id, campaign_id, roles=ADMINS)
    _require_lottery(campaign)
    if utcnow() < campaign.closes_at:
        raise Conflict("The lottery is committed after the window closes.",
                       code="window_not_closed")
    DRAW.check(campaign.lottery_state, "commit")
    seed = secrets.token_hex(32)
    ids = [row.id for row in _entrants(campaign.id)]
    guarded_update(campaign, values={"lottery_state": "committed", "seed": seed,
                                     "seed_hash": sha256(seed),
                                     "entrants_hash": entrants_digest(ids)},
                   version=version, where=[BenefitCampaign.lottery_state == "open"],
                   noun="campaign")
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=campaign.owner_org_id,
                 action="benefit.lottery.commit", target_type="benefit_campaign",
                 target_id=campaign.id, after={"entrants": len(ids)})
    db.session.commit()
    return published(actor_id=actor_id, campaign_id=campaign.id)


def draw(*, actor_id: int, campaign_id: int, version: int) -> LotteryOut:
    campaign = get_campaign(actor_id, campaign_id, roles=ADMINS)
    _require_lottery(campaign)
    DRAW.check(campaign.lottery_state, "draw")
    rows = {row.id: row for row in _entrants(campaign.id)}
    if entrants_digest(list(rows)) != campaign.entrants_hash:
        raise Conflict("The entrants changed since the seed was committed.",
                       code="entrants_changed")
    won = winners(campaign.seed, list(rows), campaign.quantity)
    guarded_update(campaign, values={"lottery_state": "drawn", "drawn_at": utcnow()},
                   version=version, where=[BenefitCampaign.lottery_state == "committed"],
                   noun="campaign")
    campaign = get_campaign(actor_id, campaign_id)
    winning = set(won)
    for claim_id in won:
        row = rows[claim_id]
        guarded_update(row, values={"status": "claimed"}, status="entered", noun="claim")
        take_unit(campaign, row)
    for claim_id, row in rows.items():
        if claim_id not in winning:
            guarded_update(row, values={"status": "lost"}, status="entered", noun="claim")
        notify(user_id=row.user_id, event="benefit.lottery",
               title="福利抽签结果",
               body=(f"“{campaign.name}”抽签：恭喜您中签，请在小程序查看领取方式。"
                     if claim_id in winning else f"“{campaign.name}”抽签：很遗憾未中签。"),
               data={"campaign_name": campaign.name, "won": claim_id in winning},
               page=page_path("benefits/detail", id=campaign.id))
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=campaign.owner_org_id,
                 action="benefit.lottery.draw", target_type="benefit_campaign",
                 target_id=campaign.id, after={"entrants": len(rows), "winners": len(won)})
    db.session.commit()
    return published(actor_id=actor_id, campaign_id=campaign.id)


def published(*, actor_id: int, campaign_id: int) -> LotteryOut:
    """What anyone logged in may check: the hashes, the seed once drawn, the entrants with
    masked names and the winners in rank order."""
    campaign = get_campaign(actor_id, campaign_id)
    _require_lottery(campaign)
    out = LotteryOut(campaign=campaign)
    if campaign.lottery_state == "open":
        return out
    rows = _entrants(campaign.id)
    drawn = campaign.lottery_state == "drawn"
    if drawn:
        out.winner_ids = winners(campaign.seed, [row.id for row in rows], campaign.quantity)
    winning = set(out.winner_ids)
    out.entrants = [Entrant(row.id, mask_name(row.member_name) or "",
                            (row.id in winning) if drawn else None) for row in rows]
    return out
