"""The journal: postings of two or more lines that sum to zero, never changed afterwards.

An account is (org, account, purpose). The accounts:
- `funds`: the org's own money (its balance falls as it spends or grants);
- `reserved`: committed to a person but not paid yet (aid approvals);
- `paid`: paid out to people (aid batches, project tranches, benefits, relief payouts);
- `granted`: sent to another org (relief allocations, on the giver's side);
- `received`: received from another org (on the receiver's side, negative like income).
A correction is a new posting that reverses another line by line (`reverses_line_id`),
never an UPDATE.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import BigIntPK
from app.core.i18n import N_
from app.core.time import UTCDateTime, utcnow
from app.extensions import db

ACCOUNTS = ("funds", "reserved", "paid", "granted", "received")
PURPOSES = ("aid", "project", "benefit", "relief")
ACCOUNT_LABELS = {"funds": N_("Own funds"), "reserved": N_("Reserved"), "paid": N_("Paid out"),
                  "granted": N_("Granted to other unions"),
                  "received": N_("Received from other unions")}
PURPOSE_LABELS = {"aid": N_("Aid"), "project": N_("Challenge projects"),
                  "benefit": N_("Benefits"), "relief": N_("Relief")}
# what moved the money: the domain row a posting belongs to
SOURCES = ("aid_reserve", "aid_release", "aid_payment", "project_tranche", "benefit_claim",
           "benefit_return", "relief_transfer", "relief_payout", "reversal")


class LedgerEntry(db.Model):
    """One line of a posting: a signed amount on one account (debit positive, credit
    negative). The lines of one money movement share `posting` (a random id made when it is
    posted) and are written by one INSERT; they sum to zero (checked when posted and by
    reconcile). Nothing updates or deletes a line."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(f"source IN {SOURCES}", name="source"),
        CheckConstraint(f"account IN {ACCOUNTS}", name="account"),
        CheckConstraint(f"purpose IN {PURPOSES}", name="purpose"),
        CheckConstraint("amount_fen <> 0", name="amount_not_zero"),
        Index("ix_ledger_entries_org_account", "org_id", "account", "purpose", "created_at"),
        Index("ix_ledger_entries_source", "source", "source_id"),
        # a posting is reversed at most once: one reversing line per reversed line
        Index("uq_ledger_entries_reverses", "reverses_line_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    posting: Mapped[str] = mapped_column(String(32), index=True)
    source: Mapped[str] = mapped_column(String(24))
    source_id: Mapped[int] = mapped_column(BigInteger)
    memo: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    account: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reverses_line_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
