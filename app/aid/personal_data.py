"""Aid's personal data: the applicant's applications in the export, their erasure, the
applications that block a deletion request, and the retention of closed applications.

Registered from `app/aid/hooks.py` into `app/core/personal_data.py`; the privacy lifecycle
calls it and never reads aid's tables itself.
- erasure: applications a person made for themselves or family (not those an officer entered
  on someone's behalf) keep amounts, statuses and history, but names become "已注销用户" and
  ID number, bank account, school, grade and reason go. `beneficiary_id_hash` stays on
  purpose: a keyed hash (not reversible without the server key) that the
  one-application-per-beneficiary-per-program rule needs. Their uploaded certificates
  attached to those applications are deleted, bytes included (after the commit);
- retention `aid_documents`: certificates attached to an application closed (paid, rejected
  or withdrawn; closed = its last history event) that long ago, unless also attached to an
  application still open; `aid_personal`: such applications are de-identified.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select

from app.aid.models import AidApplication, AidApplicationEvent, AidApplicationFile
from app.core.crypto import mask_bank_account, mask_id_number
from app.core.personal_data import (
    ERASED_NAME,
    Erased,
    PersonalData,
    RetentionJob,
    mask_name,
    retention_days,
    row,
)
from app.extensions import db
from app.files.models import StoredFile
from app.files.service import delete_files
from app.privacy.erasures import erased_ids, mark_erased

OPEN_STATUSES = ("draft", "submitted", "returned", "approved")
FINAL_STATUSES = ("rejected", "withdrawn", "paid")


def exported_application(application: AidApplication,
                         documents: list[dict[str, Any]]) -> dict[str, Any]:
    """Whole numbers only where the beneficiary is the caller themselves."""
    own = application.relation == "self" and not application.entered_by_officer
    number, account = application.beneficiary_id_number, application.bank_account
    return {
        **row(application, ("id", "program_id", "org_id", "entered_by_officer",
                            "category_code", "tier_code", "amount_fen", "reason", "status",
                            "created_at", "submitted_at", "decided_at", "paid_at")),
        "beneficiary": {
            "name": application.beneficiary_name if own else mask_name(
                application.beneficiary_name),
            "id_number": number if own else mask_id_number(number),
            "relation": application.relation, "school": application.school,
            "grade": application.grade, "household_county": application.household_county,
        },
        "bank_account": {"holder": application.bank_holder if own else mask_name(
            application.bank_holder), "bank": application.bank_name,
            "number": account if own else mask_bank_account(account)},
        "documents": documents,
    }


def export(user_id: int) -> dict[str, Any]:
    applications = list(db.session.scalars(select(AidApplication).where(
        AidApplication.applicant_id == user_id).order_by(AidApplication.id)))
    documents: dict[int, list[dict[str, Any]]] = {a.id: [] for a in applications}
    if applications:
        for application_id, file_id, kind in db.session.execute(
                select(AidApplicationFile.application_id, AidApplicationFile.file_id,
                       AidApplicationFile.kind)
                .where(AidApplicationFile.application_id.in_(documents))
                .order_by(AidApplicationFile.application_id, AidApplicationFile.file_id)):
            documents[application_id].append({"file_id": file_id, "kind": kind})
    return {"aid_applications": [exported_application(a, documents[a.id])
                                 for a in applications]}


def deidentify(application_ids: list[int], now: datetime) -> None:
    """Aid applications keep amounts, statuses and history; nothing names the family."""
    for application in db.session.scalars(select(AidApplication).where(
            AidApplication.id.in_(application_ids))):
        application.beneficiary_name = application.bank_holder = ERASED_NAME
        application.beneficiary_id_number = application.bank_account = ""
        application.school = application.grade = None
        application.reason = "（已删除）"
    mark_erased("aid_personal", "aid_application", application_ids, now)


def delete_documents(file_ids: list[int]) -> list[str]:
    """Unlink and delete the files; returns storage keys to remove after the commit."""
    if not file_ids:
        return []
    db.session.execute(delete(AidApplicationFile).where(AidApplicationFile.file_id.in_(file_ids)))
    return delete_files(file_ids)


def erase(user_id: int, now: datetime) -> Erased:
    application_ids = list(db.session.scalars(select(AidApplication.id).where(
        AidApplication.applicant_id == user_id, AidApplication.entered_by_officer.is_(False))))
    deidentify(application_ids, now)
    file_ids = list(db.session.scalars(select(StoredFile.id).where(
        StoredFile.uploader_id == user_id,
        StoredFile.id.in_(select(AidApplicationFile.file_id)))))
    return Erased(ids={"aid_applications": application_ids, "files": file_ids},
                  storage_keys=delete_documents(file_ids))


def blockers(user_id: int) -> list[dict]:
    """Open applications the person made themselves still need their data."""
    return [{"kind": "aid_application", "id": found.id, "status": found.status}
            for found in db.session.execute(
                select(AidApplication.id, AidApplication.status).where(
                    AidApplication.applicant_id == user_id,
                    AidApplication.entered_by_officer.is_(False),
                    AidApplication.status.in_(OPEN_STATUSES)).order_by(AidApplication.id))]


def closed_before(cutoff: datetime):
    """SELECT of the ids of final applications whose last event is older than `cutoff`."""
    last_event = (select(AidApplicationEvent.application_id)
                  .group_by(AidApplicationEvent.application_id)
                  .having(func.max(AidApplicationEvent.created_at) <= cutoff))
    return select(AidApplication.id).where(AidApplication.status.in_(FINAL_STATUSES),
                                           AidApplication.id.in_(last_event))


def due_documents(now: datetime) -> list[int]:
    cutoff = now - timedelta(days=retention_days("aid_documents"))
    still_open = (select(AidApplicationFile.file_id)
                  .join(AidApplication, AidApplication.id == AidApplicationFile.application_id)
                  .where(AidApplication.status.not_in(FINAL_STATUSES)))
    return list(db.session.scalars(
        select(AidApplicationFile.file_id).distinct()
        .where(AidApplicationFile.application_id.in_(closed_before(cutoff)),
               AidApplicationFile.file_id.not_in(still_open))
        .order_by(AidApplicationFile.file_id)))


def due_personal(now: datetime) -> list[int]:
    cutoff = now - timedelta(days=retention_days("aid_personal"))
    return list(db.session.scalars(
        closed_before(cutoff)
        .where(AidApplication.id.not_in(erased_ids("aid_personal", "aid_application")))
        .order_by(AidApplication.id)))


def expire_personal(application_ids: list[int], now: datetime) -> list[str]:
    deidentify(application_ids, now)
    return []


PERSONAL_DATA = PersonalData(
    domain="aid", export=export, erase=erase, blockers=blockers,
    retention=(RetentionJob("aid_documents", due_documents,
                            lambda file_ids, now: delete_documents(file_ids)),
               RetentionJob("aid_personal", due_personal, expire_personal)))
