"""The program budget: reservations and payments move counters by conditional UPDATEs only.

`reserved_fen + paid_fen <= budget_fen` is checked by the UPDATE's WHERE clause (PostgreSQL
re-evaluates it after waiting on a concurrent writer, so racing approvals cannot both pass)
and by the table's CHECK constraint as the last line of defence. These are counter moves
guarded by the amounts, not by a version the caller saw, so they are not `guarded_update`s:
a program's version does not change when money is reserved.
"""

from __future__ import annotations

from sqlalchemy import select, update

from app.aid.models import AidProgram
from app.extensions import db
from app.ledger import journal


def try_reserve(*, program_id: int, amount_fen: int, application_id: int | None = None,
                owner_org_id: int | None = None, memo: str = "") -> bool:
    """Reserve `amount_fen` for an approved application; False when the budget is exhausted.
    The reservation is posted to the journal in the same transaction (funds → reserved)."""
    reserved = db.session.execute(
        update(AidProgram)
        .where(AidProgram.id == program_id,
               AidProgram.reserved_fen + AidProgram.paid_fen + amount_fen
               <= AidProgram.budget_fen)
        .values(reserved_fen=AidProgram.reserved_fen + amount_fen)
        .execution_options(synchronize_session=False)
    ).rowcount
    if reserved == 1:
        _post(program_id, amount_fen, debit="reserved", credit="funds", source="aid_reserve",
              source_id=application_id or program_id, owner_org_id=owner_org_id, memo=memo)
    return reserved == 1


def settle(*, program_id: int, amount_fen: int, batch_id: int | None = None,
           owner_org_id: int | None = None, memo: str = "") -> bool:
    """Move a paid batch's amount from reserved to paid; False if it was not reserved.
    Posted to the journal in the same transaction (reserved → paid)."""
    moved = db.session.execute(
        update(AidProgram)
        .where(AidProgram.id == program_id, AidProgram.reserved_fen >= amount_fen)
        .values(reserved_fen=AidProgram.reserved_fen - amount_fen,
                paid_fen=AidProgram.paid_fen + amount_fen)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved == 1:
        _post(program_id, amount_fen, debit="paid", credit="reserved", source="aid_payment",
              source_id=batch_id or program_id, owner_org_id=owner_org_id, memo=memo)
    return moved == 1


def _post(program_id: int, amount_fen: int, *, debit: str, credit: str, source: str,
          source_id: int, owner_org_id: int | None = None, memo: str = "") -> None:
    """The journal's lines on the owner org's aid accounts (one INSERT)."""
    if owner_org_id is None:
        owner_org_id, memo = db.session.execute(
            select(AidProgram.owner_org_id, AidProgram.name)
            .where(AidProgram.id == program_id)).one()
    journal.move(org_id=owner_org_id, purpose="aid", amount_fen=amount_fen, debit=debit,
                 credit=credit, source=source, source_id=source_id, memo=memo)


def left_fen(program_id: int) -> int:
    """What the budget can still cover (read from the row, not the session's copy)."""
    return db.session.execute(
        select(AidProgram.budget_fen - AidProgram.reserved_fen - AidProgram.paid_fen)
        .where(AidProgram.id == program_id)).scalar_one()


def yuan(fen: int) -> str:
    """Fen as a yuan amount with two decimals (600000 → "6000.00")."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def release(*, program_id: int, amount_fen: int, application_id: int) -> bool:
    """Give back an approval's reservation (the approval was revoked); False if it was not
    reserved. Posted to the journal in the same transaction (reserved → funds)."""
    moved = db.session.execute(
        update(AidProgram)
        .where(AidProgram.id == program_id, AidProgram.reserved_fen >= amount_fen)
        .values(reserved_fen=AidProgram.reserved_fen - amount_fen)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved == 1:
        _post(program_id, amount_fen, debit="funds", credit="reserved", source="aid_release",
              source_id=application_id)
    return moved == 1
