"""Notify's personal data: in-app messages in the export; erasure deletes them and every
unsent outbox row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from app.core.personal_data import Erased, PersonalData, row
from app.extensions import db
from app.notify.models import InAppMessage, OutboxMessage


def export(user_id: int) -> dict[str, Any]:
    return {"messages": [row(m, ("id", "event", "title", "body", "page", "read_at",
                                 "created_at")) for m in db.session.scalars(
        select(InAppMessage).where(InAppMessage.user_id == user_id).order_by(InAppMessage.id))]}


def erase(user_id: int, now: datetime) -> Erased:
    db.session.execute(delete(InAppMessage).where(InAppMessage.user_id == user_id))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == user_id,
                                                   OutboxMessage.status == "pending"))
    return Erased()


PERSONAL_DATA = PersonalData(domain="notify", export=export, erase=erase)
