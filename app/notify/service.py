"""`notify(...)`: the one call domains make to tell a user something."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.notify.models import InAppMessage, OutboxMessage


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
