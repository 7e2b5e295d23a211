"""Hardship files' personal data: the files a person opened in their export, their erasure,
the open files that block a deletion request, and retention (docs/operations.md):

- closed files (脱困) are kept `RETENTION_DAYS["hardship_closed"]` (ten years) after closing;
- rejected and withdrawn files `RETENTION_DAYS["hardship_ended"]` (three years) after that
  decision (the file's last event): they were never filed, nothing is paid on them, and three
  years answers a complaint about the decision or a new application by the same household.

Past it a file is de-identified: the head's and every family member's name, ID number and
work, the employer, the bank account, the home visit's findings, the free text of its history
and decisions, and the objections' words about it go; its documents (evidence, visit photos,
signed forms) are deleted. Levels, causes, figures, statuses and the steps' dates stay for
the statistics. The keyed hashes of the ID numbers go too: the one-open-file rule and the
repeat-aid check (`lookup.household_of`) compare only members of files that hold their
household (HOLDING), which a closed, rejected or withdrawn file never does again once
de-identified (it cannot be reopened); aid applications keep their own hashes under the aid
retention. So past retention nothing can match a person to the file, not even their own
lookup. Objections to notices are exported and erased with notices' own entry
(app/notices/personal_data.py).

Registered from `app/hardship/hooks.py`; the privacy lifecycle never reads these tables.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

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
from app.files.service import delete_files
from app.hardship.models import (
    HOLDING,
    HardshipDocument,
    HardshipEvent,
    HardshipFile,
    HardshipMember,
    HardshipVisit,
)
from app.notices import service as notices
from app.privacy.erasures import erased_ids, mark_erased

ERASED_TEXT = "（已删除）"
RETENTION_KIND = "hardship_closed"
ENDED_KIND = "hardship_ended"
ENDED = ("rejected", "withdrawn")


def exported_file(hardship_file: HardshipFile) -> dict[str, Any]:
    """The head's own numbers whole only where the caller is the head (not entered by an
    officer); family members masked: their data is theirs."""
    own = not hardship_file.entered_by_officer
    return {
        **row(hardship_file, ("id", "org_id", "entered_by_officer", "main_cause",
                              "secondary_causes", "income_items", "fixed_costs",
                              "accident_costs_fen", "household_size", "level", "status",
                              "created_at", "filed_at", "closed_at")),
        "head": {"name": hardship_file.head_name,
                 "id_number": hardship_file.head_id_number if own
                 else mask_id_number(hardship_file.head_id_number)},
        "family": [{"name": mask_name(m.name), "relation": m.relation,
                    "id_number": mask_id_number(m.id_number)}
                   for m in hardship_file.members if m.relation != "self"],
        "bank_account": {"holder": hardship_file.bank_holder, "bank": hardship_file.bank_name,
                         "number": hardship_file.bank_account if own
                         else mask_bank_account(hardship_file.bank_account)},
        "documents": [{"file_id": d.file_id, "kind": d.kind} for d in hardship_file.documents],
    }


def export(user_id: int) -> dict[str, Any]:
    files = db.session.scalars(select(HardshipFile).where(
        HardshipFile.applicant_id == user_id).order_by(HardshipFile.id))
    return {"hardship_files": [exported_file(f) for f in files]}


def deidentify(file_ids: list[int], now: datetime, kind: str) -> list[str]:
    """Levels, statuses and history stay; nothing names the household. Documents go."""
    if not file_ids:
        return []
    for hardship_file in db.session.scalars(select(HardshipFile).where(
            HardshipFile.id.in_(file_ids))):
        hardship_file.head_name = hardship_file.bank_holder = ERASED_NAME
        hardship_file.head_id_number = hardship_file.bank_account = ""
        hardship_file.employer = None
        hardship_file.de_identified = True
        for member in hardship_file.members:
            member.name, member.id_number, member.work = ERASED_NAME, "", None
    stored = list(db.session.scalars(select(HardshipDocument.file_id).where(
        HardshipDocument.hardship_file_id.in_(file_ids))))
    db.session.execute(delete(HardshipDocument).where(
        HardshipDocument.hardship_file_id.in_(file_ids)))
    mark_erased(kind, "hardship_file", file_ids, now)
    return delete_files(stored) if stored else []


def erase(user_id: int, now: datetime) -> Erased:
    """Files a person opened for themselves and that no longer hold the household."""
    file_ids = list(db.session.scalars(select(HardshipFile.id).where(
        HardshipFile.applicant_id == user_id, HardshipFile.entered_by_officer.is_(False),
        HardshipFile.status.not_in(HOLDING))))
    keys = deidentify(file_ids, now, "hardship_erased")
    return Erased(ids={"hardship_files": file_ids}, storage_keys=keys)


def blockers(user_id: int) -> list[dict]:
    """An open file the person opened themselves still needs their data."""
    return [{"kind": "hardship_file", "id": found.id, "status": found.status}
            for found in db.session.execute(select(HardshipFile.id, HardshipFile.status).where(
                HardshipFile.applicant_id == user_id,
                HardshipFile.entered_by_officer.is_(False),
                HardshipFile.status.in_(HOLDING)).order_by(HardshipFile.id))]


def due_closed(now: datetime) -> list[int]:
    cutoff = now - timedelta(days=retention_days(RETENTION_KIND))
    return list(db.session.scalars(select(HardshipFile.id).where(
        HardshipFile.status == "closed", HardshipFile.closed_at <= cutoff,
        HardshipFile.id.not_in(erased_ids(RETENTION_KIND, "hardship_file")))
        .order_by(HardshipFile.id)))


def expire(file_ids: list[int], now: datetime, kind: str) -> list[str]:
    """Past retention: de-identified, and nothing left that matches or names a person."""
    if not file_ids:
        return []
    keys = deidentify(file_ids, now, kind)
    # nobody's number needs matching any more: the hashes go too
    db.session.execute(update(HardshipMember).where(HardshipMember.file_id.in_(file_ids))
                       .values(id_hash="").execution_options(synchronize_session=False))
    db.session.execute(update(HardshipFile).where(HardshipFile.id.in_(file_ids))
                       .values(head_id_hash="", last_comment=None, exit_reason=None,
                               exit_decision=None)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(HardshipVisit).where(HardshipVisit.hardship_file_id.in_(file_ids))
                       .values(findings=ERASED_TEXT)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(HardshipEvent).where(HardshipEvent.hardship_file_id.in_(file_ids))
                       .values(comment=None).execution_options(synchronize_session=False))
    notices.forget_subjects(("hardship_file", "hardship_exit"), file_ids)
    return keys


def expire_closed(file_ids: list[int], now: datetime) -> list[str]:
    return expire(file_ids, now, RETENTION_KIND)


def due_ended(now: datetime) -> list[int]:
    """Rejected or withdrawn files whose decision (their last event) is older than the
    period, not yet expired."""
    cutoff = now - timedelta(days=retention_days(ENDED_KIND))
    last_event = (select(HardshipEvent.hardship_file_id)
                  .group_by(HardshipEvent.hardship_file_id)
                  .having(func.max(HardshipEvent.created_at) <= cutoff))
    return list(db.session.scalars(select(HardshipFile.id).where(
        HardshipFile.status.in_(ENDED), HardshipFile.id.in_(last_event),
        HardshipFile.id.not_in(erased_ids(ENDED_KIND, "hardship_file")))
        .order_by(HardshipFile.id)))


def expire_ended(file_ids: list[int], now: datetime) -> list[str]:
    return expire(file_ids, now, ENDED_KIND)


PERSONAL_DATA = PersonalData(
    domain="hardship", export=export, erase=erase, blockers=blockers,
    retention=(RetentionJob(RETENTION_KIND, due_closed, expire_closed),
               RetentionJob(ENDED_KIND, due_ended, expire_ended)))
