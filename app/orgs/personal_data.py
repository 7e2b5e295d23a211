"""Orgs hold one kind of personal data: a person's officer role grants. They are shown in the
profile (`app/auth/personal_data.py`); erasure removes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from app.core.personal_data import Erased, PersonalData
from app.extensions import db
from app.orgs.models import OfficerRole


def erase(user_id: int, now: datetime) -> Erased:
    db.session.execute(delete(OfficerRole).where(OfficerRole.user_id == user_id))
    return Erased()


PERSONAL_DATA = PersonalData(domain="orgs", erase=erase)
