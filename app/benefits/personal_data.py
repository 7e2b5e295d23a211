"""Benefits' personal data: the member's claims in the export and their erasure.

Erasure keeps the claim (the stock and the journal need it) but the name becomes "已注销用户"
and the enrolment's ID number and phone go. An unredeemed claim blocks nothing: it simply
expires with the campaign.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from app.benefits.models import BenefitClaim
from app.core.personal_data import ERASED_NAME, Erased, PersonalData, row
from app.extensions import db


def export(user_id: int) -> dict[str, Any]:
    claims = db.session.scalars(select(BenefitClaim).where(BenefitClaim.user_id == user_id)
                                .order_by(BenefitClaim.id))
    return {"benefit_claims": [
        {**row(claim, ("id", "campaign_id", "org_id", "member_name", "status", "point_id",
                       "pickup_code", "id_number", "phone", "created_at", "redeemed_at"))}
        for claim in claims]}


def erase(user_id: int, now: datetime) -> Erased:
    ids = list(db.session.scalars(select(BenefitClaim.id).where(
        BenefitClaim.user_id == user_id)))
    if ids:
        db.session.execute(update(BenefitClaim).where(BenefitClaim.id.in_(ids))
                           .values(member_name=ERASED_NAME, id_number=None, phone=None)
                           .execution_options(synchronize_session=False))
    return Erased(ids={"benefit_claims": ids})


PERSONAL_DATA = PersonalData(domain="benefits", export=export, erase=erase)
