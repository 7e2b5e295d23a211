"""The retention job: de-identify or delete what is due under RETENTION_DAYS, audited once.

Each domain registers the jobs for its own rows in `app/core/personal_data.py` (what each
one removes is written in its `personal_data.py`): today `aid_documents` and `aid_personal`
(aid), `membership_rejected` (members). Privacy adds its own, `deleted_accounts`: scheduled
account cancellations whose date has come are carried out (an application opened in the
meantime blocks them again).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.core import audit
from app.core.personal_data import blockers_of, retention_jobs
from app.core.time import utcnow
from app.extensions import db
from app.files.service import remove_stored
from app.privacy.deletion import erase_account
from app.privacy.models import DeletionRequest


def due_deletions(now: datetime) -> list[int]:
    return list(db.session.scalars(
        select(DeletionRequest.id).where(DeletionRequest.status == "scheduled",
                                         DeletionRequest.erase_at <= now)
        .order_by(DeletionRequest.id)))


def kinds() -> list[str]:
    """The domains' jobs in registration order, then the account deletions."""
    return [*(job.kind for job in retention_jobs()), "deleted_accounts"]


def due(now: datetime) -> dict[str, list[int]]:
    """What the job would touch at `now`, by kind (ids of files, applications, memberships,
    deletion requests)."""
    return {**{job.kind: job.due(now) for job in retention_jobs()},
            "deleted_accounts": due_deletions(now)}


def carry_out_deletions(request_ids: list[int], now: datetime) -> tuple[list[int], list[str]]:
    """Erase due accounts; a request blocked again keeps its reasons. Returns (blocked, keys)."""
    blocked, keys = [], []
    for request in db.session.scalars(select(DeletionRequest).where(
            DeletionRequest.id.in_(request_ids))):
        reasons = blockers_of(request.user_id)
        if reasons:
            request.status, request.reasons = "blocked", reasons
            blocked.append(request.id)
            continue
        keys += erase_account(user_id=request.user_id, now=now)
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
    keys: list[str] = []
    for job in retention_jobs():
        keys += job.run(plan[job.kind], now)
    blocked, account_keys = carry_out_deletions(plan["deleted_accounts"], now)
    report["blocked_again"] = blocked
    audit.record(actor_id=None, actor_role="system", action="privacy.retention",
                 target_type="retention_run", target_id=now.isoformat(), after=report)
    db.session.commit()
    remove_stored(keys + account_keys)
    return report
