"""Events' personal data: the person's sign-ups, training requests and works in the export;
erasure removes the name shown with their works and the free text they or officers wrote
about them (counts, attendance and ratings stay for the figures)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from app.core.personal_data import ERASED_NAME, Erased, PersonalData, row
from app.events.models import Signup, TrainingRequest, Work
from app.extensions import db


def export(user_id: int) -> dict[str, Any]:
    scalars = db.session.scalars
    return {
        "event_signups": [row(s, ("id", "event_id", "status", "created_at", "attended_at",
                                  "attendance_source", "rating")) for s in scalars(
            select(Signup).where(Signup.user_id == user_id).order_by(Signup.id))],
        "training_requests": [row(r, ("id", "org_id", "topic", "expected_participants",
                                      "preferred_dates", "place", "note", "status",
                                      "created_at")) for r in scalars(
            select(TrainingRequest).where(TrainingRequest.requester_id == user_id)
            .order_by(TrainingRequest.id))],
        "event_works": [row(w, ("id", "title", "category", "author_name", "link", "status",
                                "views", "created_at")) for w in scalars(
            select(Work).where(Work.author_id == user_id).order_by(Work.id))],
    }


def erase(user_id: int, now: datetime) -> Erased:
    db.session.execute(update(Work).where(Work.author_id == user_id)
                       .values(author_name=ERASED_NAME))
    db.session.execute(update(Signup).where(Signup.user_id == user_id)
                       .values(attendance_reason=None))
    db.session.execute(update(TrainingRequest).where(TrainingRequest.requester_id == user_id)
                       .values(note=None))
    return Erased()


PERSONAL_DATA = PersonalData(domain="events", export=export, erase=erase)
