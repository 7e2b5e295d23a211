"""Stations' personal data: the person's check-ins and feedback in the export; erasure
removes the text of their feedback (ratings and statuses stay for the station's figures)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from app.core.personal_data import Erased, PersonalData, row
from app.extensions import db
from app.stations.models import Checkin, Feedback


def export(user_id: int) -> dict[str, Any]:
    scalars = db.session.scalars
    return {
        "checkins": [row(c, ("id", "station_id", "created_at")) for c in scalars(
            select(Checkin).where(Checkin.user_id == user_id).order_by(Checkin.id))],
        "feedback": [row(f, ("id", "station_id", "rating", "text", "status", "answer",
                             "created_at")) for f in scalars(
            select(Feedback).where(Feedback.user_id == user_id).order_by(Feedback.id))],
    }


def erase(user_id: int, now: datetime) -> Erased:
    db.session.execute(update(Feedback).where(Feedback.user_id == user_id).values(text=None))
    return Erased()


PERSONAL_DATA = PersonalData(domain="stations", export=export, erase=erase)
