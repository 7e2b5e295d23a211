"""Posting to the journal, in the caller's transaction (one INSERT per posting, no commit).

Every money movement of the product calls one of these next to the counter it moves, so the
domain change and its posting commit or vanish together. Lines are signed: debit positive,
credit negative; a posting whose lines do not sum to zero is a programming error (raised
before anything is written).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select

from app.core.time import utcnow
from app.extensions import db
from app.ledger.models import ACCOUNTS, PURPOSES, SOURCES, LedgerEntry

Line = tuple[int, str, str, int]  # (org_id, account, purpose, signed amount in fen)


def post(*, source: str, source_id: int, memo: str, lines: Iterable[Line],
         reverses: list[int] | None = None, at: datetime | None = None) -> str | None:
    """Append one balanced posting; its id, or None for a movement of zero fen. `at`: when
    the money moved, if not now (demo history only)."""
    kept = [line for line in lines if line[3] != 0]
    if not kept:
        return None
    if sum(line[3] for line in kept) != 0:
        raise ValueError(f"unbalanced posting {source} {source_id}: {kept}")
    if source not in SOURCES or any(account not in ACCOUNTS or purpose not in PURPOSES
                                    for _, account, purpose, _ in kept):
        raise ValueError(f"unknown source or account in {source}: {kept}")
    posting, now = secrets.token_hex(16), at or utcnow()
    db.session.execute(insert(LedgerEntry), [
        {"posting": posting, "source": source, "source_id": source_id, "memo": memo[:200],
         "org_id": org_id, "account": account, "purpose": purpose, "amount_fen": amount,
         "reverses_line_id": reverses[n] if reverses else None, "created_at": now}
        for n, (org_id, account, purpose, amount) in enumerate(kept)])
    return posting


def move(*, org_id: int, purpose: str, amount_fen: int, debit: str, credit: str,
         source: str, source_id: int, memo: str, at: datetime | None = None) -> str | None:
    """Two lines on one org: `amount_fen` from the `credit` account to the `debit` account."""
    return post(source=source, source_id=source_id, memo=memo, at=at,
                lines=[(org_id, debit, purpose, amount_fen),
                       (org_id, credit, purpose, -amount_fen)])


def reverse(posting: str, *, memo: str) -> str | None:
    """A correction: the same lines with the opposite signs, each pointing at the line it
    reverses (unique: a posting is reversed at most once)."""
    lines = db.session.execute(
        select(LedgerEntry.id, LedgerEntry.org_id, LedgerEntry.account, LedgerEntry.purpose,
               LedgerEntry.amount_fen, LedgerEntry.source_id)
        .where(LedgerEntry.posting == posting).order_by(LedgerEntry.id)).all()
    if not lines:
        return None
    return post(source="reversal", source_id=lines[0].source_id, memo=memo,
                reverses=[line.id for line in lines],
                lines=[(line.org_id, line.account, line.purpose, -line.amount_fen)
                       for line in lines])
