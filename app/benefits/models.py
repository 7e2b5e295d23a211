"""Tables of benefit campaigns: the campaign, its eligible orgs, codes, pick-up points and
the claims (one per member per campaign)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.crypto import EncryptedString
from app.core.db import BigIntPK, CreatedAtMixin
from app.core.i18n import N_
from app.core.states import StateMachine
from app.core.time import UTCDateTime, utcnow
from app.extensions import db
from app.orgs.models import Org

KINDS = {"code_card": N_("Card codes"), "supply": N_("Supplies to pick up"),
         "enrolment": N_("Enrolment with a provider")}
ALLOCATIONS = {"first_come": N_("First come, first served"), "lottery": N_("Lottery")}
# a claim: `claimed` holds a unit of stock; `entered` waits for the lottery (holds nothing);
# `lost` did not win; `redeemed` was picked up; `expired` was not picked up in time (its unit
# went back to the stock)
CLAIM_STATUSES = {"entered": N_("In the lottery"), "claimed": N_("Claimed"),
                  "redeemed": N_("Picked up"), "expired": N_("Not picked up in time"),
                  "lost": N_("Not drawn")}
HOLDS_STOCK = ("claimed", "redeemed")
LOTTERY_STATES = {"open": N_("Taking entries"), "committed": N_("Seed committed"),
                  "drawn": N_("Drawn")}
CLAIM_ACTIONS = {"redeem": N_("Pick up"), "expire": N_("Expire"), "win": N_("Win"),
                 "lose": N_("Lose")}
CLAIMS = StateMachine("benefit_claim", noun=N_("benefit claim"), statuses=CLAIM_STATUSES,
                      actions=CLAIM_ACTIONS, moves={
    "redeem": (("claimed",), "redeemed"),
    "expire": (("claimed",), "expired"),
    "win": (("entered",), "claimed"),
    "lose": (("entered",), "lost"),
})


class BenefitCampaign(CreatedAtMixin, db.Model):
    """What members of some orgs may claim in a window. `claimed` counts the units held
    (claimed or redeemed); it moves only by conditional UPDATEs within `quantity`."""

    __tablename__ = "benefit_campaigns"
    __table_args__ = (
        CheckConstraint(f"kind IN {tuple(KINDS)}", name="kind"),
        CheckConstraint(f"allocation IN {tuple(ALLOCATIONS)}", name="allocation"),
        CheckConstraint(f"lottery_state IN {tuple(LOTTERY_STATES)}", name="lottery_state"),
        CheckConstraint("quantity >= 0 AND unit_fen >= 0", name="quantity_not_negative"),
        CheckConstraint("claimed >= 0 AND claimed <= quantity", name="within_quantity"),
        CheckConstraint("opens_at < closes_at", name="window"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(16))
    allocation: Mapped[str] = mapped_column(String(16), default="first_come")
    industry: Mapped[str | None] = mapped_column(String(24))
    women_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # supply only: the point's staff may hand the goods over on the member card's QR
    card_pickup: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    quantity: Mapped[int] = mapped_column(Integer)
    unit_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    claimed: Mapped[int] = mapped_column(Integer, default=0)
    provider: Mapped[str | None] = mapped_column(String(100))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    pickup_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lottery_state: Mapped[str] = mapped_column(String(16), default="open")
    # the draw's published inputs: sha256(seed) committed first, the seed revealed at the draw
    seed_hash: Mapped[str | None] = mapped_column(String(64))
    seed: Mapped[str | None] = mapped_column(String(64))
    entrants_hash: Mapped[str | None] = mapped_column(String(64))
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    owner_org: Mapped[Org] = relationship(lazy="joined", innerjoin=True)
    eligible_orgs: Mapped[list[Org]] = relationship(
        secondary="benefit_campaign_orgs", order_by=Org.id, viewonly=True)

    @property
    def left(self) -> int:
        return self.quantity - self.claimed

    @property
    def is_open(self) -> bool:
        return self.opens_at <= utcnow() < self.closes_at

    @property
    def budget_fen(self) -> int:
        return self.quantity * self.unit_fen


class BenefitCampaignOrg(db.Model):
    """An eligible org: members of it or its subtree may claim."""

    __tablename__ = "benefit_campaign_orgs"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("benefit_campaigns.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), primary_key=True, index=True)


class BenefitCode(db.Model):
    """One imported card code (an e-reading card); given to one claim at most."""

    __tablename__ = "benefit_codes"
    __table_args__ = (
        Index("uq_benefit_codes_campaign_code", "campaign_id", "code_hash", unique=True),
        Index("ix_benefit_codes_free", "campaign_id", "claim_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("benefit_campaigns.id",
                                                        ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(EncryptedString())
    code_hash: Mapped[str] = mapped_column(String(64))
    claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("benefit_claims.id", ondelete="SET NULL"), unique=True)


class BenefitPoint(db.Model):
    """A pick-up point (a love station or another place) with its own stock."""

    __tablename__ = "benefit_points"
    __table_args__ = (
        CheckConstraint("taken >= 0 AND taken <= stock", name="within_stock"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("benefit_campaigns.id",
                                                        ondelete="CASCADE"), index=True)
    # the org whose officers redeem pick-up codes here
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column()
    lng: Mapped[float | None] = mapped_column()
    stock: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)

    org: Mapped[Org] = relationship()
    distance_m = None  # set by claims.points_with_stock for a caller's location

    @property
    def left(self) -> int:
        return self.stock - self.taken


class BenefitClaim(CreatedAtMixin, db.Model):
    """One member's claim on one campaign."""

    __tablename__ = "benefit_claims"
    __table_args__ = (
        CheckConstraint(f"status IN {tuple(CLAIM_STATUSES)}", name="status"),
        # one claim per member per campaign: of racing claims the database keeps one
        Index("uq_benefit_claims_campaign_user", "campaign_id", "user_id", unique=True),
        Index("ix_benefit_claims_campaign_status", "campaign_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("benefit_campaigns.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL"))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    member_name: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(16))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("benefit_points.id"), index=True)
    pickup_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    # enrolment: what the provider needs (encrypted; consent `benefits`/`id_number` first)
    id_number: Mapped[str | None] = mapped_column(EncryptedString())
    phone: Mapped[str | None] = mapped_column(EncryptedString())
    version: Mapped[int] = mapped_column(Integer, default=1)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    redeemed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    campaign: Mapped[BenefitCampaign] = relationship()
    point: Mapped[BenefitPoint | None] = relationship()
    org: Mapped[Org] = relationship()
    # set by the claim service for the claimer only: the card code, the points with stock
    code = None
    nearby_points: list = []
