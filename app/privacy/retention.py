"""The retention job: de-identify or delete what is due under RETENTION_DAYS, audited once.

Kinds (days in config `RETENTION_DAYS`):
- aid_documents: certificates attached to an aid application closed (paid, rejected or
  withdrawn; closed = its last history event) that long ago are deleted, bytes included —
  unless the same file is also attached to an application still open;
- aid_personal: such applications are de-identified (see deletion.py for what stays);
- membership_rejected: rejected membership applications are deleted that long after the
  decision;
- deleted_accounts: scheduled account cancellations whose date has come are carried out
  (an application opened in the meantime blocks them again).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from app.aid.models import AidApplication, AidApplicationEvent, AidApplicationFile
from app.core import audit
from app.core.time import utcnow
from app.extensions import db
from app.members.models import Membership
from app.privacy.deletion import (
    FINAL_AID_STATUSES,
    blockers,
    deidentify_applications,
    delete_files,
    erase_account,
    remove_stored,
    retention_days,
)
from app.privacy.models import DeletionRequest, Erasure

KINDS = ("aid_documents", "aid_personal", "membership_rejected", "deleted_accounts")


def _closed_before(cutoff: datetime):
    """Ids of final aid applications whose last event is older than `cutoff`."""
    last_event = (select(AidApplicationEvent.application_id)
                  .group_by(AidApplicationEvent.application_id)
                  .having(func.max(AidApplicationEvent.created_at) <= cutoff))
    return select(AidApplication.id).where(AidApplication.status.in_(FINAL_AID_STATUSES),
                                           AidApplication.id.in_(last_event))


def due(now: datetime) -> dict[str, list[int]]:
    """What the job would touch at `now`, by kind (ids of files, applications, memberships,
    deletion requests)."""
    def cutoff(kind: str) -> datetime:
        return now - timedelta(days=retention_days(kind))

    still_open = (select(AidApplicationFile.file_id)
                  .join(AidApplication, AidApplication.id == AidApplicationFile.application_id)
                  .where(AidApplication.status.not_in(FINAL_AID_STATUSES)))
    files = db.session.scalars(
        select(AidApplicationFile.file_id).distinct()
        .where(AidApplicationFile.application_id.in_(_closed_before(cutoff("aid_documents"))),
               AidApplicationFile.file_id.not_in(still_open))
        .order_by(AidApplicationFile.file_id))
    erased = select(Erasure.target_id).where(Erasure.kind == "aid_personal",
                                             Erasure.target_type == "aid_application")
    applications = db.session.scalars(
        _closed_before(cutoff("aid_personal")).where(AidApplication.id.not_in(erased))
        .order_by(AidApplication.id))
    memberships = db.session.scalars(
        select(Membership.id).where(Membership.status == "rejected",
                                    Membership.decided_at <= cutoff("membership_rejected"))
        .order_by(Membership.id))
    requests = db.session.scalars(
        select(DeletionRequest.id).where(DeletionRequest.status == "scheduled",
                                         DeletionRequest.erase_at <= now)
        .order_by(DeletionRequest.id))
    return {"aid_documents": list(files), "aid_personal": list(applications),
            "membership_rejected": list(memberships), "deleted_accounts": list(requests)}


def _carry_out_deletions(request_ids: list[int], now: datetime) -> tuple[list[int], list[str]]:
    """Erase due accounts; a request blocked again keeps its reasons. Returns (blocked, keys)."""
    blocked, keys = [], []
    for request in db.session.scalars(select(DeletionRequest).where(
            DeletionRequest.id.in_(request_ids))):
        reasons = blockers(request.user_id)
        if reasons:
            request.status, request.reasons = "blocked", reasons
            blocked.append(request.id)
            continue
        keys += erase_account(user_id=request.user_id, now=now)["storage_keys"]
        request.status, request.erased_at = "done", now
    return blocked, keys


def run(*, dry_run: bool = False) -> dict:
    """One pass. A dry run only lists; a real run commits once with ONE audit record."""
    now = utcnow()
    plan = due(now)
    report = {"now": now.isoformat(), "dry_run": dry_run,
              "counts": {kind: len(ids) for kind, ids in plan.items()}, "ids": plan}
    if dry_run:
        return report
    keys = delete_files(plan["aid_documents"])
    deidentify_applications(plan["aid_personal"], now)
    db.session.execute(delete(Membership).where(Membership.id.in_(plan["membership_rejected"])))
    blocked, account_keys = _carry_out_deletions(plan["deleted_accounts"], now)
    report["blocked_again"] = blocked
    audit.record(actor_id=None, actor_role="system", action="privacy.retention",
                 target_type="retention_run", target_id=now.isoformat(), after=report)
    db.session.commit()
    remove_stored(keys + account_keys)
    return report
