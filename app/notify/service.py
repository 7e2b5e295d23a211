"""`notify(...)`: the one call domains make to tell a user something; a new to-do told to
the officers who may act on it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from app.core.pages import page_path
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


def insert_messages_in_bulk(session: Session, _flush_context, _instances) -> None:
    """Before each flush: the new message and outbox rows go in as one executemany per table
    without RETURNING (nobody reads their ids), instead of one INSERT … RETURNING each, which
    is what the unit of work sends on SQLite. They are then dropped from the session, so
    they are written exactly when the unit of work would have written them: at the next
    flush, in its transaction (or savepoint)."""
    for model in (InAppMessage, OutboxMessage):
        new = sorted((inspect(obj) for obj in session.new if type(obj) is model),
                     key=lambda state: state.insert_order)  # ids in the order of the calls
        if not new:
            continue
        session.execute(insert(model), [
            {attr.key: state.dict[attr.key] for attr in state.mapper.column_attrs
             if attr.key in state.dict} for state in new])
        for state in new:
            session.expunge(state.obj())


def register_bulk_insert() -> None:
    """Idempotent (apps are built many times)."""
    if not sa_event.contains(db.session, "before_flush", insert_messages_in_bulk):
        sa_event.listen(db.session, "before_flush", insert_messages_in_bulk)


def announce_todo(item: TodoItem) -> None:
    """A new to-do tells every officer who may act on it (in-app and subscribe message)."""
    org_ids = [item.org_id] if item.exact_org else [
        int(part) for part in item.org_path.strip("/").split("/")]
    officers = set(db.session.scalars(select(OfficerRole.user_id).where(
        OfficerRole.role == item.role, OfficerRole.org_id.in_(org_ids))))
    for user_id in sorted(officers):
        notify(user_id=user_id, event="todo.new", title=f"新待办：{item.title}",
               body=item.summary, data={"kind": item.kind}, page=page_path("workbench/index"))
