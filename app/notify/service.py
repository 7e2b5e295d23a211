"""`notify(...)`: the one call domains make to tell a user something; a new to-do told to
the officers who may act on it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.core.todos import TodoItem
from app.extensions import db
from app.notify.models import InAppMessage, OutboxMessage
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


def announce_todo(item: TodoItem) -> None:
    """A new to-do tells every officer who may act on it (in-app and subscribe message)."""
    org_ids = [item.org_id] if item.exact_org else [
        int(part) for part in item.org_path.strip("/").split("/")]
    officers = set(db.session.scalars(select(OfficerRole.user_id).where(
        OfficerRole.role == item.role, OfficerRole.org_id.in_(org_ids))))
    for user_id in sorted(officers):
        notify(user_id=user_id, event="todo.new", title=f"新待办：{item.title}",
               body=item.summary, data={"kind": item.kind}, page="pages/workbench/index")
