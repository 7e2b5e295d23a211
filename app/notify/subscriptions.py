"""Subscribe-message credits: what wx.requestSubscribeMessage answered, per template."""

from __future__ import annotations

from sqlalchemy import select, update

from app.core.time import utcnow
from app.extensions import db
from app.notify.models import SubscriptionCredit


def record_subscriptions(*, user_id: int, accepted: list[str],
                         rejected: list[str]) -> list[SubscriptionCredit]:
    """Each accept allows one more send; a reject stops sends of that template."""
    for template_id in accepted:
        credit = db.session.get(SubscriptionCredit, (user_id, template_id))
        if credit is None:
            db.session.add(SubscriptionCredit(user_id=user_id, template_id=template_id,
                                              credits=1))
        else:
            db.session.execute(
                update(SubscriptionCredit)
                .where(SubscriptionCredit.user_id == user_id,
                       SubscriptionCredit.template_id == template_id)
                .values(credits=SubscriptionCredit.credits + 1, updated_at=utcnow()))
    for template_id in rejected:
        db.session.execute(
            update(SubscriptionCredit)
            .where(SubscriptionCredit.user_id == user_id,
                   SubscriptionCredit.template_id == template_id)
            .values(credits=0, updated_at=utcnow()))
    db.session.commit()
    return credits_of(user_id)


def credits_of(user_id: int) -> list[SubscriptionCredit]:
    """Every template the user answered (a handful: not a page)."""
    return list(db.session.scalars(select(SubscriptionCredit).where(
        SubscriptionCredit.user_id == user_id).order_by(SubscriptionCredit.template_id)))
