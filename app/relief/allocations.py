"""Relief allocations between unions and their payouts.

Who: an admin of the giving org decides and records the transfer; only an admin of the
receiving org acknowledges, pays out and closes; officers of either side read it; anybody
else gets 404 (a Gansu officer does not learn of Qinghai's allocation).
Money: the transfer posts granted/received in the journal; payouts move `paid_fen` by one
conditional UPDATE (`paid_fen + :batch <= amount_fen`, re-checked by PostgreSQL after a
concurrent writer) with the CHECK constraint behind it, and post each payout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select, update

from app.core import audit, todos
from app.core.crypto import keyed_hash, mask_bank_account, mask_id_number
from app.core.pagination import Page, keyset_page
from app.core.personal_data import mask_name
from app.core.roles import ADMINS, OFFICERS, Role
from app.core.states import guarded_update
from app.core.time import utcnow
from app.errors import Conflict, FieldProblems, NotFound
from app.extensions import db
from app.files.service import get_file
from app.ledger import journal
from app.orgs.scope import authorize, get_org_or_404, has_role_over, org_scope_clause
from app.relief.models import LIFECYCLE, ReliefAllocation, ReliefPayout

TODO_KIND = "relief_acknowledge"


def open_acknowledge_todo(allocation: ReliefAllocation) -> None:
    """The receiving org's admins are asked to confirm the money arrived (the queue's open
    hook tells them)."""
    todos.open_todo(
        kind=TODO_KIND, object_id=allocation.id, org_id=allocation.to_org_id,
        org_path=allocation.to_org.path, role="admin", version=allocation.version,
        title=f"援助款到账确认：{allocation.from_org.name}",
        summary=f"{allocation.amount_fen / 100:.2f}元 · {allocation.purpose}",
        action=f"/api/v1/relief/allocations/{allocation.id}/acknowledge", batchable=False)


def get_allocation(actor_id: int, allocation_id: int, *, side: str | None = None,
                   roles=OFFICERS) -> ReliefAllocation:
    """Officers over the giving or the receiving org see it, others get 404; `side`
    ("from"/"to") with `roles` is who may act (403 for an officer of the other side)."""
    allocation = db.session.get(ReliefAllocation, allocation_id,
                                populate_existing=True)
    if allocation is None or not (has_role_over(actor_id, allocation.from_org)
                                  or has_role_over(actor_id, allocation.to_org)):
        raise NotFound("No such relief allocation.")
    if side is not None:
        org = allocation.from_org if side == "from" else allocation.to_org
        authorize_or_403(actor_id, org, roles)
    return allocation


def authorize_or_403(actor_id: int, org, roles) -> None:
    from app.errors import Forbidden

    if not has_role_over(actor_id, org, tuple(roles)):
        raise Forbidden("Only an admin of %(org)s may do this.", params={"org": org.name})


def _check_file(actor_id: int, file_id: int | None, field: str, problems: FieldProblems):
    if file_id is None:
        return
    try:
        get_file(actor_id, file_id)
    except NotFound:
        problems.invalid(field, "No such file.")


def create_allocation(*, actor_id: int, from_org_id: int, to_org_id: int, amount_fen: int,
                      purpose: str, meeting_name: str, meeting_date: date,
                      minute_reference: str, decision_file_id: int | None = None
                      ) -> ReliefAllocation:
    giver = get_org_or_404(from_org_id)
    authorize(actor_id, giver, ADMINS)
    problems = FieldProblems()
    receiver = db.session.get(type(giver), to_org_id)
    if receiver is None:
        problems.invalid("to_org_id", "No such org.")
    elif receiver.id == giver.id:
        problems.invalid("to_org_id", "Relief goes to another org.")
    _check_file(actor_id, decision_file_id, "decision_file_id", problems)
    problems.raise_if_any()
    allocation = ReliefAllocation(
        from_org_id=giver.id, to_org_id=receiver.id, amount_fen=amount_fen, paid_fen=0,
        paid_count=0, purpose=purpose, meeting_name=meeting_name, meeting_date=meeting_date,
        minute_reference=minute_reference, decision_file_id=decision_file_id,
        status="decided", version=1, created_by=actor_id)
    db.session.add(allocation)
    db.session.flush()
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=giver.id,
                 action="relief.decide", target_type="relief_allocation",
                 target_id=allocation.id, after={"to_org_id": receiver.id,
                                                 "amount_fen": amount_fen})
    db.session.commit()
    return get_allocation(actor_id, allocation.id)


def list_allocations(*, actor_id: int, direction: str | None, limit: int,
                     cursor: str | None) -> Page:
    """Allocations given by or addressed to the caller's orgs, newest first."""
    given = org_scope_clause(actor_id, ReliefAllocation.from_org_id)
    received = org_scope_clause(actor_id, ReliefAllocation.to_org_id)
    where = {"given": given, "received": received}.get(direction, or_(given, received))
    return keyset_page(select(ReliefAllocation).where(where), keys=[ReliefAllocation.id],
                       limit=limit, cursor=cursor, descending=True)


def transfer(*, actor_id: int, allocation_id: int, version: int, voucher_reference: str,
             voucher_file_id: int | None = None) -> ReliefAllocation:
    allocation = get_allocation(actor_id, allocation_id, side="from", roles=ADMINS)
    problems = FieldProblems()
    _check_file(actor_id, voucher_file_id, "voucher_file_id", problems)
    problems.raise_if_any()
    LIFECYCLE.check(allocation.status, "transfer")
    amount, giver, receiver = allocation.amount_fen, allocation.from_org_id, allocation.to_org_id
    guarded_update(allocation, values={"status": "transferred", "transferred_at": utcnow(),
                                       "voucher_reference": voucher_reference,
                                       "voucher_file_id": voucher_file_id},
                   version=version, status="decided", machine=LIFECYCLE, noun="allocation")
    journal.post(source="relief_transfer", source_id=allocation_id,
                 memo=f"relief {giver}->{receiver}",
                 lines=[(giver, "granted", "relief", amount), (giver, "funds", "relief", -amount),
                        (receiver, "funds", "relief", amount),
                        (receiver, "received", "relief", -amount)])
    open_acknowledge_todo(allocation)
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=giver,
                 action="relief.transfer", target_type="relief_allocation",
                 target_id=allocation_id, after={"voucher_reference": voucher_reference})
    db.session.commit()
    return get_allocation(actor_id, allocation_id)


def acknowledge(*, actor_id: int, allocation_id: int, version: int) -> ReliefAllocation:
    allocation = get_allocation(actor_id, allocation_id, side="to", roles=ADMINS)
    LIFECYCLE.check(allocation.status, "acknowledge")
    guarded_update(allocation, values={"status": "received", "received_at": utcnow(),
                                       "received_by": actor_id},
                   version=version, status="transferred", machine=LIFECYCLE,
                   noun="allocation")
    todos.close_todo(kind=TODO_KIND, object_id=allocation_id)
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=allocation.to_org_id,
                 action="relief.acknowledge", target_type="relief_allocation",
                 target_id=allocation_id)
    db.session.commit()
    return get_allocation(actor_id, allocation_id)


def close(*, actor_id: int, allocation_id: int, version: int) -> ReliefAllocation:
    allocation = get_allocation(actor_id, allocation_id, side="to", roles=ADMINS)
    LIFECYCLE.check(allocation.status, "close")
    guarded_update(allocation, values={"status": "closed", "closed_at": utcnow()},
                   version=version, status="received", machine=LIFECYCLE, noun="allocation")
    db.session.commit()
    return get_allocation(actor_id, allocation_id)


@dataclass(frozen=True)
class PayoutBatch:
    allocation: ReliefAllocation
    payouts: list[ReliefPayout]
    total_fen: int


def pay_out(*, actor_id: int, allocation_id: int, batch_name: str,
            people: list[dict[str, Any]]) -> PayoutBatch:
    """A batch of payouts, all or none; the allocation's sum never exceeds its amount."""
    allocation = get_allocation(actor_id, allocation_id, side="to", roles=ADMINS)
    LIFECYCLE.check(allocation.status, "pay")
    problems = FieldProblems()
    hashes = [keyed_hash(person["id_number"]) for person in people]
    if len(set(hashes)) != len(hashes):
        problems.invalid("people", "A person appears twice in this batch.")
    for n, person in enumerate(people):
        if person.get("signature_file_id") is not None:
            try:
                get_file(actor_id, person["signature_file_id"])
            except NotFound:
                problems.invalid("people", "Person %(n)s: no such signature file.",
                                 {"n": n + 1})
    already = set(db.session.scalars(select(ReliefPayout.id_number_hash).where(
        ReliefPayout.allocation_id == allocation.id, ReliefPayout.id_number_hash.in_(hashes))))
    if already:
        problems.invalid("people", "%(count)s people were already paid from this allocation.",
                         {"count": len(already)})
    problems.raise_if_any()
    total = sum(person["amount_fen"] for person in people)
    moved = db.session.execute(
        update(ReliefAllocation)
        .where(ReliefAllocation.id == allocation.id, ReliefAllocation.status == "received",
               ReliefAllocation.paid_fen + total <= ReliefAllocation.amount_fen)
        .values(paid_fen=ReliefAllocation.paid_fen + total,
                paid_count=ReliefAllocation.paid_count + len(people))
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        left = db.session.scalar(select(ReliefAllocation.amount_fen - ReliefAllocation.paid_fen)
                                 .where(ReliefAllocation.id == allocation.id))
        raise Conflict("This batch would exceed the allocation.", code="allocation_exceeded",
                       details={"left_fen": left, "batch_fen": total})
    payouts = []
    for person, digest in zip(people, hashes, strict=True):
        payout = ReliefPayout(allocation_id=allocation.id, batch_name=batch_name,
                              id_number_hash=digest, paid_by=actor_id, **person)
        db.session.add(payout)
        payouts.append(payout)
    db.session.flush()
    for payout in payouts:
        journal.move(org_id=allocation.to_org_id, purpose="relief", amount_fen=payout.amount_fen,
                     debit="paid", credit="funds", source="relief_payout", source_id=payout.id,
                     memo=batch_name)
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=allocation.to_org_id,
                 action="relief.payout", target_type="relief_allocation",
                 target_id=allocation.id, after={"count": len(payouts), "total_fen": total})
    db.session.commit()
    return PayoutBatch(get_allocation(actor_id, allocation_id), payouts, total)


@dataclass(frozen=True)
class RosterLine:
    name: str
    id_number: str
    recipient_kind: str
    amount_fen: int
    method: str
    bank_account: str | None
    batch_name: str


@dataclass(frozen=True)
class ReliefReport:
    allocation: ReliefAllocation
    people: int
    paid_fen: int
    left_fen: int
    by_kind: dict[str, int]
    roster: list[RosterLine]


def report(*, actor_id: int, allocation_id: int) -> ReliefReport:
    """The report back to the giver: totals, people, a masked roster."""
    allocation = get_allocation(actor_id, allocation_id)
    payouts = list(db.session.scalars(select(ReliefPayout).where(
        ReliefPayout.allocation_id == allocation.id).order_by(ReliefPayout.id)))
    by_kind: dict[str, int] = {}
    for payout in payouts:
        by_kind[payout.recipient_kind] = by_kind.get(payout.recipient_kind, 0) + 1
    return ReliefReport(
        allocation=allocation, people=len(payouts), paid_fen=allocation.paid_fen,
        left_fen=allocation.left_fen, by_kind=by_kind,
        roster=[RosterLine(mask_name(p.name) or "", mask_id_number(p.id_number) or "",
                           p.recipient_kind, p.amount_fen, p.method,
                           mask_bank_account(p.bank_account), p.batch_name) for p in payouts])


def officer_may_read_relief_file(actor_id: int, file_id: int) -> int | None:
    """Officers of either side may read an allocation's decision file and voucher, and the
    receiving org's officers the payouts' signature files (as officers of that org)."""
    from sqlalchemy import union_all

    from app.orgs.models import Org

    sides = union_all(
        select(ReliefAllocation.from_org_id.label("org_id")).where(
            or_(ReliefAllocation.decision_file_id == file_id,
                ReliefAllocation.voucher_file_id == file_id)),
        select(ReliefAllocation.to_org_id.label("org_id")).where(
            or_(ReliefAllocation.decision_file_id == file_id,
                ReliefAllocation.voucher_file_id == file_id)),
        select(ReliefAllocation.to_org_id.label("org_id"))
        .join(ReliefPayout, ReliefPayout.allocation_id == ReliefAllocation.id)
        .where(ReliefPayout.signature_file_id == file_id)).subquery()
    return db.session.scalar(
        select(Org.id).where(Org.id.in_(select(sides.c.org_id)),
                             org_scope_clause(actor_id, Org.id)).limit(1))
