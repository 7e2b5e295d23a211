"""Account cancellation: the decision taken at once (blocked, or a date) and the erasure.

The erasure, shared with the retention job, de-identifies rather than deletes rows that other
records rely on (applications counted in budgets and statistics, memberships in reports).
Each domain erases its own tables through `app/core/personal_data.py` (what each does is
written in its `personal_data.py`): the account and its logins (auth), officer roles (orgs),
memberships (members), aid applications and their certificates (aid), messages and unsent
outbox rows (notify), feedback text (stations). Consents stay (they are the record of the
legal basis of past processing). Project records (bids, teams, reports) are the org's
business records and stay with the de-identified account. A domain's `blockers` (open aid
applications, a pending membership) block the request, named in its reasons.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.service import lock_account
from app.core.personal_data import blockers_of, erase_everywhere, retention_days
from app.core.time import utcnow
from app.errors import NotFound
from app.extensions import db
from app.files.service import remove_stored
from app.privacy.models import DeletionRequest


def latest_request(user_id: int) -> DeletionRequest | None:
    return db.session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == user_id)
                             .order_by(DeletionRequest.id.desc()).limit(1))


def request_deletion(*, actor_id: int) -> DeletionRequest:
    """Decide now: blocked (with reasons), or erased on a date (today when no period is set).

    Asking again while a cancellation is scheduled or done answers with that one. Requests
    of one person are serialised on their user row (PostgreSQL); the partial unique index
    on scheduled requests is the backstop where row locks do not exist (SQLite).
    """
    lock_account(actor_id)
    pending = latest_request(actor_id)
    if pending is not None and pending.status in ("scheduled", "done"):
        db.session.rollback()
        return pending
    now = utcnow()
    reasons = blockers_of(actor_id)
    request = DeletionRequest(user_id=actor_id, requested_at=now, reasons=reasons,
                              status="blocked" if reasons else "scheduled")
    if not reasons:
        request.erase_at = now + timedelta(days=retention_days("deleted_accounts"))
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError:  # another request of this person was scheduled meanwhile
        db.session.rollback()
        return latest_request(actor_id)
    keys: list[str] = []
    if request.erase_at is not None and request.erase_at <= now:
        keys = erase_account(user_id=actor_id, now=now)
        request.status, request.erased_at = "done", now
    db.session.commit()
    remove_stored(keys)
    return request


def erase_account(*, user_id: int, now: datetime) -> list[str]:
    """De-identify one account in every domain; flushes, the caller commits and then removes
    the returned storage keys with `remove_stored`."""
    erased = erase_everywhere(user_id, now)
    db.session.flush()
    return erased.storage_keys


def get_request(*, user_id: int) -> DeletionRequest:
    request = latest_request(user_id)
    if request is None:
        raise NotFound("No deletion request.")
    return request
