"""`notify(...)`: the one call domains make to tell a user something."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from app.core.time import utcnow
from app.core.todos import TodoItem
from app.errors import NotFound
from app.extensions import db
from app.notify.models import InAppMessage, OutboxMessage, SubscriptionCredit
from app.orgs.models import OfficerRole


def notify(*, user_id: int, event: str, title: str, body: str,
           data: dict[str, Any] | None = None, page: str | None = None) -> None:
    """Queue an in-app message and a WeChat subscribe message in the caller's transaction.

    `event` names what happened (e.g. "membership.approved"); the outbox worker maps it to a
    template and fields from config. `data` holds the values the template may use.
    """
    db.session.add(InAppMessage(user_id=user_id, event=event, title=title[:100], body=body,
                                page=page))
    db.session.add(OutboxMessage(user_id=user_id, event=event,
                                 data={"title": title, "body": body, **(data or {})}, page=page))


def record_subscriptions(*, user_id: int, accepted: list[str], rejected: list[str]) -> dict:
    """What wx.requestSubscribeMessage answered: each accept allows one more send."""
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


def credits_of(user_id: int) -> dict:
    rows = db.session.scalars(select(SubscriptionCredit).where(
        SubscriptionCredit.user_id == user_id).order_by(SubscriptionCredit.template_id))
    return {"items": [{"template_id": r.template_id, "credits": r.credits} for r in rows]}


def messages(*, user_id: int, unread_only: bool, limit: int, after_id: int | None):
    query = select(InAppMessage).where(InAppMessage.user_id == user_id)
    if unread_only:
        query = query.where(InAppMessage.read_at.is_(None))
    if after_id is not None:
        query = query.where(InAppMessage.id < after_id)
    return list(db.session.scalars(query.order_by(InAppMessage.id.desc()).limit(limit)))


def unread_count(*, user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(InAppMessage).where(
        InAppMessage.user_id == user_id, InAppMessage.read_at.is_(None)))


def mark_read(*, user_id: int, message_id: int | None) -> int:
    """Mark one message (or all when message_id is None) read; 404 for others' messages."""
    query = update(InAppMessage).where(InAppMessage.user_id == user_id,
                                       InAppMessage.read_at.is_(None))
    if message_id is not None:
        message = db.session.get(InAppMessage, message_id)
        if message is None or message.user_id != user_id:
            raise NotFound("No such message.")
        query = query.where(InAppMessage.id == message_id)
    changed = db.session.execute(query.values(read_at=utcnow())).rowcount
    db.session.commit()
    return changed


def announce_todo(item: TodoItem) -> None:
    """A new to-do tells every officer who may act on it (in-app and subscribe message)."""
    org_ids = [item.org_id] if item.exact_org else [
        int(part) for part in item.org_path.strip("/").split("/")]
    officers = set(db.session.scalars(select(OfficerRole.user_id).where(
        OfficerRole.role == item.role, OfficerRole.org_id.in_(org_ids))))
    for user_id in sorted(officers):
        notify(user_id=user_id, event="todo.new", title=f"新待办：{item.title}",
               body=item.summary, data={"kind": item.kind}, page="pages/workbench/index")
