"""Disbursement batches (发放仪式): admins batch approved applications, export the bank
roster, and mark the batch paid (reserved money becomes paid)."""

from __future__ import annotations

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.aid.access import get_batch, get_program
from app.aid.budget import settle
from app.aid.history import record_event
from app.aid.models import STATUS_LABELS, AidApplication, DisbursementBatch
from app.aid.notices import require_notices_passed
from app.core import audit
from app.core.crypto import mask_id_number
from app.core.i18n import N_
from app.core.labels import code_label, text, texts
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import ADMINS, OFFICERS, Role
from app.core.states import guarded_update
from app.core.time import to_shanghai, utcnow
from app.errors import Conflict, NotFound
from app.extensions import db
from app.notify.service import notify


def create_batch(*, actor_id: int, program_id: int, name: str,
                 application_ids: list[int]) -> DisbursementBatch:
    """Put approved, not yet batched applications of the program into a new batch."""
    program = get_program(actor_id, program_id, roles=ADMINS)
    wanted = set(application_ids)
    require_notices_passed(program, wanted)
    batch = DisbursementBatch(program=program, name=name, status="open", created_by=actor_id,
                              total_fen=0, count=0, version=1)
    db.session.add(batch)
    db.session.flush()
    # A set-wise conditional UPDATE (no version seen per row): an application already
    # batched, or no longer approved, is not taken, and a racing batch takes each row once.
    taken = db.session.execute(
        update(AidApplication)
        .where(AidApplication.id.in_(wanted), AidApplication.program_id == program.id,
               AidApplication.status == "approved", AidApplication.batch_id.is_(None))
        .values(batch_id=batch.id, version=AidApplication.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != len(wanted):
        # read in this transaction: the rows just taken are ours, every other one is refused
        ours = set(db.session.scalars(select(AidApplication.id).where(
            AidApplication.id.in_(wanted), AidApplication.program_id == program.id,
            AidApplication.status == "approved",
            or_(AidApplication.batch_id.is_(None), AidApplication.batch_id == batch.id))))
        raise Conflict("Some applications are not approved, not in this program or already "
                       "batched.", code="not_batchable",
                       details={"application_ids": sorted(wanted - ours)})
    count, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(AidApplication.amount_fen), 0))
        .where(AidApplication.batch_id == batch.id)).one()
    batch.count, batch.total_fen = count, int(total)
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=program.owner_org_id,
                 action="aid.batch.create", target_type="aid_batch", target_id=batch.id,
                 after={"count": count, "total_fen": int(total)})
    db.session.commit()
    return batch


def list_batches(*, actor_id: int, program_id: int, limit: int, cursor: str | None) -> Page:
    program = get_program(actor_id, program_id, roles=OFFICERS)
    query = select(DisbursementBatch).where(DisbursementBatch.program_id == program.id)
    return keyset_page(query, keys=[DisbursementBatch.id], limit=limit, cursor=cursor)


def mark_paid(*, actor_id: int, batch_id: int, version: int) -> DisbursementBatch:
    """The handover happened: applications become paid, reserved money becomes paid money."""
    batch = get_batch(actor_id, batch_id, roles=ADMINS)
    program = batch.program
    now = utcnow()
    # The batch row is the guard: of a payment and a removal (or two payments) that saw the
    # same version, one moves it and the other gets 409 stale_version.
    guarded_update(batch, values={"status": "paid", "paid_at": now, "paid_by": actor_id},
                   version=version, status="open", noun="batch")
    applications = list(db.session.scalars(
        select(AidApplication).where(AidApplication.batch_id == batch.id,
                                     AidApplication.status == "approved")
        .options(selectinload(AidApplication.events)).order_by(AidApplication.id)))
    total = sum(application.amount_fen for application in applications)
    # Set-wise: every approved application of the batch (the batch row above serialises it).
    db.session.execute(
        update(AidApplication)
        .where(AidApplication.batch_id == batch.id, AidApplication.status == "approved")
        .values(status="paid", paid_at=now, version=AidApplication.version + 1)
        .execution_options(synchronize_session=False))
    if not settle(program_id=program.id, amount_fen=total, batch_id=batch.id,
                  owner_org_id=program.owner_org_id, memo=program.name):
        raise Conflict("The batch's amount is not reserved in the budget.",
                       code="budget_mismatch")
    for application in applications:
        record_event(application, actor_id=actor_id, action="pay", from_status="approved",
                     to_status="paid", comment=batch.name)
        notify(user_id=application.applicant_id, event="aid.paid", title="资助金已发放",
               body=f"{program.name}：{application.amount_fen / 100:.2f}元已发放。",
               data={"program_name": program.name, "amount_fen": application.amount_fen},
               page=page_path("aid/application", id=application.id))
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=program.owner_org_id,
                 action="aid.batch.paid", target_type="aid_batch", target_id=batch.id,
                 after={"count": len(applications), "total_fen": total})
    db.session.commit()
    return batch


def remove_from_batch(*, actor_id: int, batch_id: int,
                      application_id: int) -> DisbursementBatch:
    """Take an application out of an open batch (the family cannot come, the account is
    wrong): it stays approved with its money reserved and can join a later batch.

    The batch row is updated first, guarded by its version and status = 'open', so a
    concurrent "paid" either finished before (409 here) or finds a newer batch version (409
    there).
    """
    batch = get_batch(actor_id, batch_id, roles=ADMINS)
    application = db.session.get(AidApplication, application_id)
    if application is None or application.batch_id != batch.id:
        raise NotFound("This application is not in this batch.")
    if batch.status != "open":
        raise Conflict("The batch is already paid.", code="batch_not_open")
    amount = application.amount_fen
    guarded_update(batch, values={"count": DisbursementBatch.count - 1,
                                  "total_fen": DisbursementBatch.total_fen - amount},
                   status="open", noun="batch")
    guarded_update(application, values={"batch_id": None}, status="approved",
                   where=[AidApplication.batch_id == batch.id], noun="application")
    record_event(application, actor_id=actor_id, action="unbatch", from_status="approved",
                 to_status="approved", comment=batch.name)
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=batch.program.owner_org_id,
                 action="aid.batch.remove", target_type="aid_batch", target_id=batch.id,
                 after={"application_id": application.id, "amount_fen": amount})
    db.session.commit()
    return batch


def roster(*, actor_id: int, batch_id: int, reason: str) -> dict[str, list[list]]:
    """The bank roster: whole account numbers, so the read is audited with its reason."""
    batch = get_batch(actor_id, batch_id, roles=ADMINS)
    program = batch.program
    rows = list(db.session.scalars(
        select(AidApplication).where(AidApplication.batch_id == batch.id)
        .options(joinedload(AidApplication.org)).order_by(AidApplication.id)))
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=program.owner_org_id,
                 action="pii.roster", target_type="aid_batch", target_id=batch.id,
                 field="bank_account", reason=reason, after={"rows": len(rows)})
    db.session.commit()
    header = texts(N_("No."), N_("Application no."), N_("Village"), N_("Beneficiary"),
                   N_("ID card number"), N_("Category"), N_("Tier"), N_("Amount (yuan)"),
                   N_("Account holder"), N_("Bank"), N_("Account number"), N_("Status"))
    lines = [[n, a.id, a.org.name, a.beneficiary_name, mask_id_number(a.beneficiary_id_number),
              a.category_name, a.tier_name, a.amount_fen / 100, a.bank_holder, a.bank_name,
              a.bank_account, code_label(STATUS_LABELS, a.status)]
             for n, a in enumerate(rows, start=1)]
    paid_at = to_shanghai(batch.paid_at)
    summary = [[text(N_("Batch")), batch.name], [text(N_("Program")), program.name],
               [text(N_("People")), batch.count],
               [text(N_("Total (yuan)")), batch.total_fen / 100],
               [text(N_("Paid at")),
                paid_at.strftime("%Y-%m-%d %H:%M") if paid_at else text(N_("Not paid yet"))]]
    return {text(N_("Bank roster")): [header, *lines], text(N_("Summary")): summary}
