"""Posting to the journal, in the caller's transaction (helpers here only flush).

Every money movement of the product calls one of these next to the counter it moves, so the
domain change and its posting commit or vanish together. Lines are signed: debit positive,
credit negative; a posting whose lines do not sum to zero is a programming error (raised
before anything is written).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.extensions import db
from app.ledger.models import ACCOUNTS, PURPOSES, LedgerLine, LedgerPosting

Line = tuple[int, str, str, int]  # (org_id, account, purpose, signed amount in fen)


def post(*, source: str, source_id: int, memo: str, lines: Iterable[Line],
         reverses_id: int | None = None) -> LedgerPosting | None:
    """Append one balanced posting; nothing for a movement of zero fen."""
    kept = [line for line in lines if line[3] != 0]
    if not kept:
        return None
    if sum(line[3] for line in kept) != 0:
        raise ValueError(f"unbalanced posting {source} {source_id}: {kept}")
    for _, account, purpose, _ in kept:
        if account not in ACCOUNTS or purpose not in PURPOSES:
            raise ValueError(f"unknown account {account}/{purpose}")
    posting = LedgerPosting(source=source, source_id=source_id, memo=memo[:200],
                            reverses_id=reverses_id)
    db.session.add(posting)
    db.session.flush()
    db.session.add_all(LedgerLine(posting_id=posting.id, org_id=org_id, account=account,
                                  purpose=purpose, amount_fen=amount)
                       for org_id, account, purpose, amount in kept)
    db.session.flush()
    return posting


def move(*, org_id: int, purpose: str, amount_fen: int, debit: str, credit: str,
         source: str, source_id: int, memo: str) -> LedgerPosting | None:
    """Two lines on one org: `amount_fen` from the `credit` account to the `debit` account."""
    return post(source=source, source_id=source_id, memo=memo,
                lines=[(org_id, debit, purpose, amount_fen),
                       (org_id, credit, purpose, -amount_fen)])


def reverse(posting_id: int, *, memo: str) -> LedgerPosting | None:
    """A correction: the same lines with the opposite signs, pointing at the original (a
    posting is reversed at most once: `reverses_id` is unique)."""
    lines = db.session.execute(
        select(LedgerLine.org_id, LedgerLine.account, LedgerLine.purpose, LedgerLine.amount_fen)
        .where(LedgerLine.posting_id == posting_id).order_by(LedgerLine.id)).all()
    return post(source="reversal", source_id=posting_id, memo=memo, reverses_id=posting_id,
                lines=[(org_id, account, purpose, -amount)
                       for org_id, account, purpose, amount in lines])
