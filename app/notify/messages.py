"""In-app messages: the inbox page with its unread count, marking read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from app.core.pagination import keyset_page
from app.core.time import utcnow
from app.errors import NotFound
from app.extensions import db
from app.notify.models import InAppMessage


@dataclass
class Inbox:
    """A page of messages, newest first, and the badge number."""

    items: list[InAppMessage]
    next_cursor: str | None
    unread: int


@dataclass
class Unread:
    unread: int


def get_message(actor_id: int, message_id: int) -> InAppMessage:
    """The caller's own message; 404 for a missing one and for anyone else's."""
    message = db.session.get(InAppMessage, message_id)
    if message is None or message.user_id != actor_id:
        raise NotFound("No such message.")
    return message


def unread_count(*, user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(InAppMessage).where(
        InAppMessage.user_id == user_id, InAppMessage.read_at.is_(None)))


def inbox(*, user_id: int, unread: bool, limit: int, cursor: str | None) -> Inbox:
    """Messages newest first (only unread ones with `unread`), whether or not WeChat
    delivered them."""
    query = select(InAppMessage).where(InAppMessage.user_id == user_id)
    if unread:
        query = query.where(InAppMessage.read_at.is_(None))
    page = keyset_page(query, keys=[InAppMessage.id], limit=limit, cursor=cursor,
                       descending=True)
    return Inbox(page.items, page.next_cursor, unread_count(user_id=user_id))


def mark_read(*, user_id: int, message_id: int | None) -> Unread:
    """Mark one message (or all when message_id is None) read; 404 for others' messages."""
    query = update(InAppMessage).where(InAppMessage.user_id == user_id,
                                       InAppMessage.read_at.is_(None))
    if message_id is not None:
        get_message(user_id, message_id)
        query = query.where(InAppMessage.id == message_id)
    db.session.execute(query.values(read_at=utcnow()))
    left = 0 if message_id is None else unread_count(user_id=user_id)
    db.session.commit()
    return Unread(left)
