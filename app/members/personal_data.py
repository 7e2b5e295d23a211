"""Members' personal data: the person's memberships in the export, their erasure, a pending
application blocking a deletion request, and rejected applications expiring.

- erasure: name "已注销用户"; ID number, phone, employer and occupation removed; the ID hash
  is replaced by a hash of the row id, so the one-live-membership rule no longer binds the
  person (they may join again). The rows stay: reports count them; transfers lose their
  reasons, the moves stay; corrections lose their new values;
- retention `membership_rejected`: rejected applications are deleted that long after the
  decision.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from app.core.crypto import keyed_hash
from app.core.personal_data import (
    ERASED_NAME,
    Erased,
    PersonalData,
    RetentionJob,
    retention_days,
    row,
)
from app.extensions import db
from app.members.models import Membership, MembershipCorrection, MembershipTransfer

EXPORTED = ("id", "org_id", "real_name", "id_number", "phone", "employer", "occupation",
            "industry", "status", "reason", "created_at", "decided_at")


CORRECTION_EXPORTED = ("id", "membership_id", "field", "new_value", "document_file_id",
                       "status", "decision_reason", "created_at", "decided_at")
TRANSFER_EXPORTED = ("id", "membership_id", "from_org_id", "to_org_id", "reason", "status",
                     "decision_reason", "created_at", "decided_at")


def export(user_id: int) -> dict[str, Any]:
    return {"memberships": [row(m, EXPORTED) for m in db.session.scalars(
        select(Membership).where(Membership.user_id == user_id).order_by(Membership.id))],
        "membership_transfers": [row(t, TRANSFER_EXPORTED) for t in db.session.scalars(
            select(MembershipTransfer).where(MembershipTransfer.user_id == user_id)
            .order_by(MembershipTransfer.id))],
        "membership_corrections": [row(c, CORRECTION_EXPORTED) for c in db.session.scalars(
            select(MembershipCorrection).where(MembershipCorrection.user_id == user_id)
            .order_by(MembershipCorrection.id))]}


def erase(user_id: int, now: datetime) -> Erased:
    memberships = list(db.session.scalars(select(Membership).where(
        Membership.user_id == user_id)))
    for membership in memberships:
        membership.real_name = ERASED_NAME
        membership.id_number = membership.employer = membership.occupation = ""
        membership.id_number_hash = keyed_hash(f"erased-membership:{membership.id}")
        membership.phone = None
    transfers = list(db.session.scalars(select(MembershipTransfer).where(
        MembershipTransfer.user_id == user_id)))
    for transfer in transfers:  # the moves stay (the reports count them), not the reasons
        transfer.reason = ""
    corrections = list(db.session.scalars(select(MembershipCorrection).where(
        MembershipCorrection.user_id == user_id)))
    for correction in corrections:
        correction.new_value = ""
    return Erased(ids={"memberships": [m.id for m in memberships],
                       "membership_transfers": [t.id for t in transfers],
                       "membership_corrections": [c.id for c in corrections]})


def blockers(user_id: int) -> list[dict]:
    return [{"kind": "membership", "id": found.id, "status": found.status}
            for found in db.session.execute(
                select(Membership.id, Membership.status).where(
                    Membership.user_id == user_id, Membership.status == "pending")
                .order_by(Membership.id))]


def due_rejected(now: datetime) -> list[int]:
    cutoff = now - timedelta(days=retention_days("membership_rejected"))
    return list(db.session.scalars(
        select(Membership.id).where(Membership.status == "rejected",
                                    Membership.decided_at <= cutoff)
        .order_by(Membership.id)))


def delete_rejected(membership_ids: list[int], now: datetime) -> list[str]:
    db.session.execute(delete(Membership).where(Membership.id.in_(membership_ids)))
    return []


PERSONAL_DATA = PersonalData(
    domain="members", export=export, erase=erase, blockers=blockers,
    retention=(RetentionJob("membership_rejected", due_rejected, delete_rejected),))
