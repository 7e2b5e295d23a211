"""Account cancellation: the decision taken at once (blocked, or a date) and the erasure.

The erasure, shared with the retention job, de-identifies rather than deletes rows that other
records rely on (applications counted in budgets and statistics, memberships in reports):
- the user: phone and its hash removed, nickname "已注销用户", WeChat openid/unionid replaced
  (logging in again with the same WeChat account starts a new, empty account), officer roles
  removed, every login session revoked;
- their memberships: name "已注销用户", ID number, phone, employer and occupation removed; the
  ID hash is replaced by a hash of the row id, so the one-live-membership rule no longer binds
  the person (they may join again);
- aid applications they made for themselves or family (not those entered on someone's behalf):
  names "已注销用户", ID number, bank account, school and reason removed. `beneficiary_id_hash`
  is kept on purpose: it is a keyed hash (not reversible without the server key) and the
  one-application-per-beneficiary-per-program rule needs it, otherwise a rejected beneficiary
  could apply again by cancelling the account;
- their uploaded certificates attached to those applications: rows and stored bytes deleted;
- in-app messages and unsent outbox rows deleted; station feedback text removed.
Consents stay (they are the record of the legal basis of past processing). Project records
(bids, teams, reports) are the org's business records and stay with the de-identified account.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.aid.models import AidApplication, AidApplicationFile
from app.auth.models import User
from app.auth.service import revoke_all_sessions
from app.core.crypto import keyed_hash
from app.core.time import utcnow
from app.errors import NotFound
from app.extensions import db
from app.files.models import StoredFile
from app.files.storage import get_storage
from app.members.models import Membership
from app.notify.models import InAppMessage, OutboxMessage
from app.orgs.models import OfficerRole
from app.privacy.models import DeletionRequest, Erasure
from app.stations.models import Feedback

ERASED_NAME = "已注销用户"
OPEN_AID_STATUSES = ("draft", "submitted", "returned", "approved")
FINAL_AID_STATUSES = ("rejected", "withdrawn", "paid")


def retention_days(kind: str) -> int:
    return int(current_app.config["RETENTION_DAYS"][kind])


def blockers(user_id: int) -> list[dict]:
    """Open applications that still need the person's data, named for the answer."""
    aid = db.session.execute(select(AidApplication.id, AidApplication.status).where(
        AidApplication.applicant_id == user_id, AidApplication.entered_by_officer.is_(False),
        AidApplication.status.in_(OPEN_AID_STATUSES)).order_by(AidApplication.id)).all()
    memberships = db.session.execute(select(Membership.id, Membership.status).where(
        Membership.user_id == user_id, Membership.status == "pending")
        .order_by(Membership.id)).all()
    return ([{"kind": "aid_application", "id": row.id, "status": row.status} for row in aid]
            + [{"kind": "membership", "id": row.id, "status": row.status}
               for row in memberships])


def latest_request(user_id: int) -> DeletionRequest | None:
    return db.session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == user_id)
                             .order_by(DeletionRequest.id.desc()).limit(1))


def request_deletion(*, actor_id: int) -> DeletionRequest:
    """Decide now: blocked (with reasons), or erased on a date (today when no period is set).

    Asking again while a cancellation is scheduled or done answers with that one. Requests
    of one person are serialised on their user row (PostgreSQL); the partial unique index
    on scheduled requests is the backstop where row locks do not exist (SQLite).
    """
    db.session.execute(select(User.id).where(User.id == actor_id).with_for_update())
    pending = latest_request(actor_id)
    if pending is not None and pending.status in ("scheduled", "done"):
        db.session.rollback()
        return pending
    now = utcnow()
    reasons = blockers(actor_id)
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
        keys = erase_account(user_id=actor_id, now=now)["storage_keys"]
        request.status, request.erased_at = "done", now
    db.session.commit()
    remove_stored(keys)
    return request


def mark_erased(kind: str, target_type: str, target_ids: list[int], now: datetime) -> None:
    done = set(db.session.scalars(select(Erasure.target_id).where(
        Erasure.kind == kind, Erasure.target_type == target_type,
        Erasure.target_id.in_(target_ids)))) if target_ids else set()
    db.session.add_all(Erasure(kind=kind, target_type=target_type, target_id=target_id,
                               erased_at=now) for target_id in target_ids if target_id not in done)


def deidentify_applications(application_ids: list[int], now: datetime) -> None:
    """Aid applications keep amounts, statuses and history; nothing names the family."""
    for application in db.session.scalars(select(AidApplication).where(
            AidApplication.id.in_(application_ids))):
        application.beneficiary_name = application.bank_holder = ERASED_NAME
        application.beneficiary_id_number = application.bank_account = ""
        application.school = application.grade = None
        application.reason = "（已删除）"
    mark_erased("aid_personal", "aid_application", application_ids, now)


def delete_files(file_ids: list[int]) -> list[str]:
    """Delete file rows (links go with them); returns storage keys to remove after commit."""
    if not file_ids:
        return []
    keys = list(db.session.scalars(select(StoredFile.storage_key).where(
        StoredFile.id.in_(file_ids))))
    db.session.execute(delete(AidApplicationFile).where(AidApplicationFile.file_id.in_(file_ids)))
    db.session.execute(delete(StoredFile).where(StoredFile.id.in_(file_ids)))
    return keys


def remove_stored(keys: list[str]) -> None:
    """After the commit: a failure here leaves orphan bytes, never a row without its file."""
    storage = get_storage()
    for key in keys:
        storage.delete(key)


def erase_account(*, user_id: int, now: datetime) -> dict[str, list]:
    """De-identify one account (see the module docstring); flushes, the caller commits and
    then removes the returned `storage_keys` from storage."""
    user = db.session.get(User, user_id)
    user.phone = user.phone_hash = user.unionid = None
    user.nickname = ERASED_NAME
    user.openid = f"erased-{user.id}-{uuid.uuid4().hex[:12]}"
    memberships = list(db.session.scalars(select(Membership).where(
        Membership.user_id == user_id)))
    for membership in memberships:
        membership.real_name = ERASED_NAME
        membership.id_number = membership.employer = membership.occupation = ""
        membership.id_number_hash = keyed_hash(f"erased-membership:{membership.id}")
        membership.phone = None
    application_ids = list(db.session.scalars(select(AidApplication.id).where(
        AidApplication.applicant_id == user_id, AidApplication.entered_by_officer.is_(False))))
    deidentify_applications(application_ids, now)
    file_ids = list(db.session.scalars(select(StoredFile.id).where(
        StoredFile.uploader_id == user_id,
        StoredFile.id.in_(select(AidApplicationFile.file_id)))))
    keys = delete_files(file_ids)
    db.session.execute(delete(InAppMessage).where(InAppMessage.user_id == user_id))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == user_id,
                                                   OutboxMessage.status == "pending"))
    db.session.execute(update(Feedback).where(Feedback.user_id == user_id).values(text=None))
    db.session.execute(delete(OfficerRole).where(OfficerRole.user_id == user_id))
    revoke_all_sessions(user_id=user_id, reason="account_deleted")
    db.session.flush()
    return {"memberships": [m.id for m in memberships], "aid_applications": application_ids,
            "files": file_ids, "storage_keys": keys}


def get_request(*, user_id: int) -> DeletionRequest:
    request = latest_request(user_id)
    if request is None:
        raise NotFound("No deletion request.")
    return request
