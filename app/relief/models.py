"""Relief between unions: an allocation from one org to another (sideways allowed) and the
receiving org's payouts to affected workers and rescuers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.crypto import EncryptedString
from app.core.db import BigIntPK, CreatedAtMixin
from app.core.i18n import N_
from app.core.states import StateMachine
from app.core.time import UTCDateTime
from app.extensions import db
from app.orgs.models import Org

STATUSES = {"decided": N_("Decided"), "transferred": N_("Money sent"),
            "received": N_("Received"), "closed": N_("Closed")}
ACTIONS = {"transfer": N_("Record the transfer"), "acknowledge": N_("Acknowledge receipt"),
           "close": N_("Close"), "pay": N_("Pay out")}
LIFECYCLE = StateMachine("relief_allocation", noun=N_("relief allocation"), statuses=STATUSES,
                         actions=ACTIONS, moves={
    "transfer": (("decided",), "transferred"),
    "acknowledge": (("transferred",), "received"),
    "pay": (("received",), None),
    "close": (("received",), "closed"),
})
METHODS = {"bank": N_("Bank transfer"), "cash": N_("Cash with signature")}
RECIPIENT_KINDS = {"worker": N_("Affected worker"), "rescuer": N_("Rescuer")}


class ReliefAllocation(CreatedAtMixin, db.Model):
    __tablename__ = "relief_allocations"
    __table_args__ = (
        CheckConstraint(f"status IN {tuple(STATUSES)}", name="status"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        # the last line of defence: payouts never beyond the allocation
        CheckConstraint("paid_fen >= 0 AND paid_fen <= amount_fen", name="within_amount"),
        CheckConstraint("from_org_id <> to_org_id", name="another_org"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    to_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_count: Mapped[int] = mapped_column(Integer, default=0)
    purpose: Mapped[str] = mapped_column(String(200))
    meeting_name: Mapped[str] = mapped_column(String(100))
    meeting_date: Mapped[date] = mapped_column(Date)
    minute_reference: Mapped[str] = mapped_column(String(100))
    decision_file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id",
                                                                    ondelete="SET NULL"))
    voucher_reference: Mapped[str | None] = mapped_column(String(100))
    voucher_file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id",
                                                                   ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="decided")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    transferred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    from_org: Mapped[Org] = relationship(foreign_keys=[from_org_id], lazy="joined",
                                         innerjoin=True)
    to_org: Mapped[Org] = relationship(foreign_keys=[to_org_id], lazy="joined", innerjoin=True)

    @property
    def left_fen(self) -> int:
        return self.amount_fen - self.paid_fen


class ReliefPayout(CreatedAtMixin, db.Model):
    """One person paid from an allocation, in a batch (`batch_id`: the request that paid it)."""

    __tablename__ = "relief_payouts"
    __table_args__ = (
        CheckConstraint(f"method IN {tuple(METHODS)}", name="method"),
        CheckConstraint(f"recipient_kind IN {tuple(RECIPIENT_KINDS)}", name="recipient_kind"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        Index("uq_relief_payouts_allocation_person", "allocation_id", "id_number_hash",
              unique=True),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("relief_allocations.id"),
                                               index=True)
    batch_name: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(EncryptedString())
    id_number_hash: Mapped[str] = mapped_column(String(64))
    recipient_kind: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(8))
    bank_name: Mapped[str | None] = mapped_column(String(100))
    bank_account: Mapped[str | None] = mapped_column(EncryptedString())
    signature_file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id",
                                                                     ondelete="SET NULL"))
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
