"""Rights cases' personal data: the member's cases in the export; erasure removes what
happened, what they wanted, the phone and the notes (the case's figures stay for the
statistics); an open case blocks a deletion request; closed cases expire."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from app.core.personal_data import Erased, PersonalData, RetentionJob, retention_days, row
from app.extensions import db
from app.rights.models import OPEN_STATUSES, RightsCase, RightsCaseEvent, RightsCaseFile

EXPORTED = ("id", "org_id", "category", "what_happened", "what_wanted", "employer",
            "contact_method", "contact_phone", "amount_claimed_fen", "status", "outcome",
            "amount_recovered_fen", "rating", "rating_comment", "created_at", "resolved_at",
            "closed_at")
ERASED = "（已删除）"


def export(user_id: int) -> dict[str, Any]:
    return {"rights_cases": [row(case, EXPORTED) for case in db.session.scalars(
        select(RightsCase).where(RightsCase.user_id == user_id).order_by(RightsCase.id))]}


def _erase_cases(case_ids: list[int]) -> None:
    for case in db.session.scalars(select(RightsCase).where(RightsCase.id.in_(case_ids))):
        case.what_happened = case.what_wanted = ERASED
        case.contact_phone = None
        case.rating_comment = None
        case.employer = ""
    for event in db.session.scalars(select(RightsCaseEvent).where(
            RightsCaseEvent.case_id.in_(case_ids))):
        event.note = None
    db.session.execute(delete(RightsCaseFile).where(RightsCaseFile.case_id.in_(case_ids)))


def erase(user_id: int, now: datetime) -> Erased:
    ids = list(db.session.scalars(select(RightsCase.id).where(RightsCase.user_id == user_id)))
    _erase_cases(ids)
    return Erased(ids={"rights_cases": ids})


def blockers(user_id: int) -> list[dict]:
    return [{"kind": "rights_case", "id": found.id, "status": found.status}
            for found in db.session.execute(
                select(RightsCase.id, RightsCase.status).where(
                    RightsCase.user_id == user_id, RightsCase.status.in_(OPEN_STATUSES))
                .order_by(RightsCase.id))]


def due_closed(now: datetime) -> list[int]:
    cutoff = now - timedelta(days=retention_days("rights_closed"))
    return list(db.session.scalars(
        select(RightsCase.id).where(RightsCase.status == "closed",
                                    RightsCase.closed_at <= cutoff,
                                    RightsCase.employer != "")  # "" once erased
        .order_by(RightsCase.id)))


def erase_closed(case_ids: list[int], now: datetime) -> list[str]:
    _erase_cases(case_ids)
    return []


PERSONAL_DATA = PersonalData(
    domain="rights", export=export, erase=erase, blockers=blockers,
    retention=(RetentionJob("rights_closed", due_closed, erase_closed),))
