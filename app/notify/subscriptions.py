"""Subscribe-message credits: what wx.requestSubscribeMessage answered, per template."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update

from app.core.i18n import N_, is_english, translate
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


# What each family of events tells the user (`notify(event="<family>.<what>")`); a template
# configured for "*" carries every family that has no template of its own.
EVENT_PURPOSES = {
    "membership": N_("Results of your membership application"),
    "aid": N_("Progress and payment of your aid applications"),
    "project": N_("News of your challenge projects: bids, team and funds"),
    "feedback": N_("Answers to your station feedback"),
    "todo": N_("New to-dos waiting for your decision (officers)"),
}


@dataclass(frozen=True)
class SubscribeTemplate:
    """One subscribe-message template as the client asks for it (wx.requestSubscribeMessage)."""

    template_id: str
    purpose: str
    events: list[str]
    credits: int


def _family(event: str) -> str:
    return event.split(".", 1)[0]


def templates_of(user_id: int) -> list[SubscribeTemplate]:
    """Every configured template: its id, what it is for, and the caller's credits left."""
    configured = current_app.config["WECHAT_TEMPLATES"]
    by_template: dict[str, list[str]] = {}
    for event, template in configured.items():
        by_template.setdefault(template["template_id"], []).append(event)
    own = {_family(event) for event in configured if event != "*"}
    left = {credit.template_id: credit.credits for credit in credits_of(user_id)}
    separator = "; " if is_english() else "；"
    answer = []
    for template_id, events in sorted(by_template.items()):
        families = []
        for event in events:
            wanted = ([f for f in EVENT_PURPOSES if f not in own] if event == "*"
                      else [_family(event)])
            families += [f for f in wanted if f not in families]
        purposes = [translate(EVENT_PURPOSES[f]) for f in families if f in EVENT_PURPOSES]
        text = next((configured[e].get("purpose") for e in events
                     if configured[e].get("purpose")), None)
        answer.append(SubscribeTemplate(
            template_id=template_id, purpose=text or separator.join(purposes),
            events=sorted(events), credits=left.get(template_id, 0)))
    return answer
