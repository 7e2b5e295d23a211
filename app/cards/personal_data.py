"""Cards' personal data: the person's cards in the export; erased with the account (the
membership row stays for the reports, its card goes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from app.cards.models import MemberCard
from app.core.personal_data import Erased, PersonalData, row
from app.extensions import db

EXPORTED = ("id", "membership_id", "number", "status", "suspended_reason", "created_at")


def export(user_id: int) -> dict[str, Any]:
    return {"member_cards": [row(card, EXPORTED) for card in db.session.scalars(
        select(MemberCard).where(MemberCard.user_id == user_id).order_by(MemberCard.id))]}


def erase(user_id: int, now: datetime) -> Erased:
    ids = list(db.session.scalars(select(MemberCard.id).where(MemberCard.user_id == user_id)))
    db.session.execute(delete(MemberCard).where(MemberCard.id.in_(ids)))
    return Erased(ids={"member_cards": ids})


PERSONAL_DATA = PersonalData(domain="cards", export=export, erase=erase)
