"""Membership applications; ID number and phone are encrypted with a keyed hash for lookups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.crypto import EncryptedString
from app.core.db import BigIntPK, CreatedAtMixin
from app.core.i18n import N_
from app.core.states import StateMachine
from app.core.time import UTCDateTime
from app.extensions import db
from app.files.models import StoredFile
from app.orgs.models import Org

INDUSTRIES = {
    "express_delivery": N_("Express delivery"),
    "food_delivery": N_("Food delivery"),
    "ride_hailing": N_("Ride hailing"),
    "freight": N_("Freight"),
    "domestic_service": N_("Domestic service"),
    "manufacturing": N_("Manufacturing"),
    "construction": N_("Construction"),
    "sanitation": N_("Sanitation"),
    "other": N_("Other"),
}
STATUSES = ("pending", "approved", "rejected", "withdrawn")
STATUS_LABELS = {"none": N_("Not a member"), "pending": N_("Waiting for approval"),
                 "approved": N_("Approved"), "rejected": N_("Rejected"),
                 "withdrawn": N_("Withdrawn")}
LIVE = "status IN ('pending', 'approved')"
# an ID number is taken by an approved membership only: a pending application with a
# stranger's number blocks nobody (the officer approving the second one is told)
MEMBER = "status = 'approved'"
# action → (statuses it may start from, status it leads to)
LIFECYCLE = StateMachine("membership", {
    "approve": (("pending",), "approved"),
    "reject": (("pending",), "rejected"),
    "withdraw": (("pending",), "withdrawn"),
}, noun=N_("membership application"), statuses=STATUS_LABELS,
    actions={"approve": N_("Approve"), "reject": N_("Reject"), "withdraw": N_("Withdraw")})


class Membership(CreatedAtMixin, db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint(f"industry IN {tuple(INDUSTRIES)}", name="industry"),
        # One approved membership per ID number and one live (pending or approved)
        # application per user: the database is the last line of defence against races.
        Index("uq_memberships_live_id_number", "id_number_hash", unique=True,
              postgresql_where=db.text(MEMBER), sqlite_where=db.text(MEMBER)),
        Index("uq_memberships_live_user", "user_id", unique=True,
              postgresql_where=db.text(LIVE), sqlite_where=db.text(LIVE)),
        Index("ix_memberships_org_status_created", "org_id", "status", "created_at"),
        # a user's memberships of any status (`auth.service.membership_state` on /me and
        # every login): without it each was a full scan of the table
        Index("ix_memberships_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    real_name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(EncryptedString())
    id_number_hash: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(EncryptedString())
    employer: Mapped[str] = mapped_column(String(100))
    occupation: Mapped[str] = mapped_column(String(50))
    industry: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    version: Mapped[int] = mapped_column(Integer, default=1)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    org: Mapped[Org] = relationship(Org)


TRANSFER_STATUSES = ("pending", "approved", "rejected", "withdrawn")
TRANSFER_STATUS_LABELS = {"pending": N_("Waiting for the receiving union"),
                          "approved": N_("Transferred"), "rejected": N_("Rejected"),
                          "withdrawn": N_("Withdrawn")}
TRANSFER = StateMachine("membership_transfer", {
    "approve": (("pending",), "approved"),
    "reject": (("pending",), "rejected"),
    "withdraw": (("pending",), "withdrawn"),
}, noun=N_("membership transfer"), statuses=TRANSFER_STATUS_LABELS,
    actions={"approve": N_("Approve"), "reject": N_("Reject"), "withdraw": N_("Withdraw")})
TRANSFER_PENDING = "status = 'pending'"


class MembershipTransfer(CreatedAtMixin, db.Model):
    """A member's request to move their membership to another org (转会); approved ones are
    the membership's history of orgs (joined the first org, moved on `decided_at`)."""

    __tablename__ = "membership_transfers"
    __table_args__ = (
        CheckConstraint(f"status IN {TRANSFER_STATUSES}", name="status"),
        CheckConstraint("from_org_id <> to_org_id", name="another_org"),
        # one open request per membership: of two racing requests the second is refused
        Index("uq_membership_transfers_pending", "membership_id", unique=True,
              postgresql_where=db.text(TRANSFER_PENDING),
              sqlite_where=db.text(TRANSFER_PENDING)),
        Index("ix_membership_transfers_to_org_status", "to_org_id", "status"),
        Index("ix_membership_transfers_from_org_status", "from_org_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id", ondelete="CASCADE"),
                                               index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    to_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    version: Mapped[int] = mapped_column(Integer, default=1)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    membership: Mapped[Membership] = relationship()
    from_org: Mapped[Org] = relationship(foreign_keys=[from_org_id])
    to_org: Mapped[Org] = relationship(foreign_keys=[to_org_id])


CORRECTION_FIELDS = {"real_name": N_("Real name"), "id_number": N_("ID card number")}
CORRECTION_STATUS_LABELS = {"pending": N_("Waiting for review"), "approved": N_("Corrected"),
                            "rejected": N_("Rejected"), "withdrawn": N_("Withdrawn")}
CORRECTION = StateMachine("membership_correction", {
    "approve": (("pending",), "approved"),
    "reject": (("pending",), "rejected"),
    "withdraw": (("pending",), "withdrawn"),
}, noun=N_("correction request"), statuses=CORRECTION_STATUS_LABELS,
    actions={"approve": N_("Approve"), "reject": N_("Reject"), "withdraw": N_("Withdraw")})


class MembershipCorrection(CreatedAtMixin, db.Model):
    """A member's request to correct their name or ID number, with a document (e.g. the new
    ID card), reviewed by an officer of their org; the new value is encrypted."""

    __tablename__ = "membership_corrections"
    __table_args__ = (
        CheckConstraint(f"status IN {TRANSFER_STATUSES}", name="status"),
        CheckConstraint(f"field IN {tuple(CORRECTION_FIELDS)}", name="field"),
        Index("uq_membership_corrections_pending", "membership_id", unique=True,
              postgresql_where=db.text(TRANSFER_PENDING),
              sqlite_where=db.text(TRANSFER_PENDING)),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id", ondelete="CASCADE"),
                                               index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(16))
    new_value: Mapped[str] = mapped_column(EncryptedString())
    document_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("files.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    version: Mapped[int] = mapped_column(Integer, default=1)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    membership: Mapped[Membership] = relationship()
    document: Mapped[StoredFile | None] = relationship(viewonly=True)
