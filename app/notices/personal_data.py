"""Objections' personal data: a person's objections in their export; erased, they keep their
status (the notice's history) but lose their author and their words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.core.personal_data import Erased, PersonalData, row
from app.extensions import db
from app.notices.models import NoticeObjection


def export(user_id: int) -> dict[str, Any]:
    objections = db.session.scalars(select(NoticeObjection).where(
        NoticeObjection.user_id == user_id).order_by(NoticeObjection.id))
    return {"notice_objections": [
        row(o, ("id", "notice_id", "reason", "status", "resolution", "created_at",
                "resolved_at")) for o in objections]}


def erase(user_id: int, now: datetime) -> Erased:
    objections = list(db.session.scalars(select(NoticeObjection).where(
        NoticeObjection.user_id == user_id)))
    for objection in objections:
        objection.user_id, objection.reason = None, "（已删除）"
    return Erased(ids={"notice_objections": [o.id for o in objections]})


PERSONAL_DATA = PersonalData(domain="notices", export=export, erase=erase)
