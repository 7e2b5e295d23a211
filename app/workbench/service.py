"""Read the to-do queue for an officer and run batch decisions item by item."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import and_, false, func, or_, select, tuple_

from app.core.http import decode_cursor, encode_cursor
from app.core.time import to_shanghai
from app.core.todos import BATCH_HANDLERS, TodoItem
from app.errors import AppError, Invalid
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import get_org_or_404, grants_of, has_role_over, in_subtree

log = logging.getLogger("gonghui.workbench")


def _visible(user_id: int):
    """Items whose role the officer holds on the item's org (exact) or above it.

    Each grant is one range of the scope index: exact-org items sit at the range's first
    path, so "exact" only narrows the same scan.
    """
    clauses = []
    for grant, org in grants_of(user_id):
        clauses.append(and_(
            TodoItem.role == grant.role,
            in_subtree(TodoItem.org_path, org.path),
            or_(TodoItem.exact_org.is_(False), TodoItem.org_path == org.path),
        ))
    return or_(*clauses) if clauses else false()


def _filtered(user_id: int, kind: str | None, org_id: int | None, *columns):
    query = select(*(columns or (TodoItem,))).where(_visible(user_id))
    if kind:
        query = query.where(TodoItem.kind == kind)
    if org_id is not None:
        org = get_org_or_404(org_id)
        if not has_role_over(user_id, org):
            raise Invalid("You hold no role over this org.",
                          details={"fields": {"org_id": ["outside your orgs"]}})
        query = query.where(in_subtree(TodoItem.org_path, org.path))
    return query


def page_query(*, user_id: int, kind: str | None, org_id: int | None, limit: int,
               cursor: str | None):
    """The page of the queue: ids picked from the scope index, then those rows and org names."""
    query = _filtered(user_id, kind, org_id, TodoItem.id)
    after = decode_cursor(cursor)
    if after:
        try:
            since, last_id = datetime.fromisoformat(after["w"]), int(after["i"])
        except (KeyError, TypeError, ValueError):
            raise Invalid("The cursor is not valid.",
                          details={"fields": {"cursor": ["invalid"]}}) from None
        query = query.where(tuple_(TodoItem.waiting_since, TodoItem.id) > (since, last_id))
    chosen = query.order_by(TodoItem.waiting_since, TodoItem.id).limit(limit + 1).subquery()
    return (select(*CARD_COLUMNS, Org.name).join(chosen, chosen.c.id == TodoItem.id)
            .join(Org, Org.id == TodoItem.org_id).order_by(TodoItem.waiting_since, TodoItem.id))


def counts_query(*, user_id: int):
    return (select(TodoItem.kind, func.count()).where(_visible(user_id))
            .group_by(TodoItem.kind))


def todos(*, user_id: int, kind: str | None, org_id: int | None, limit: int,
          cursor: str | None) -> tuple[list[dict], str | None]:
    """Oldest first; keyset cursor on (waiting_since, id)."""
    rows = db.session.execute(page_query(user_id=user_id, kind=kind, org_id=org_id,
                                         limit=limit, cursor=cursor)).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor({"w": rows[-1].waiting_since.isoformat(),
                                     "i": rows[-1].id})
    return [_item(row) for row in rows], next_cursor


# plain columns, not ORM objects: a phone card needs these and nothing else
CARD_COLUMNS = (TodoItem.id, TodoItem.kind, TodoItem.object_id, TodoItem.title,
                TodoItem.summary, TodoItem.org_id, TodoItem.waiting_since, TodoItem.version,
                TodoItem.action)


def _item(row) -> dict:
    """A to-do card, JSON-ready (times in Asia/Shanghai)."""
    return {
        "kind": row.kind, "id": row.object_id, "title": row.title, "summary": row.summary,
        "org": {"id": row.org_id, "name": row.name},
        "waiting_since": to_shanghai(row.waiting_since).isoformat(), "version": row.version,
        "action": row.action, "batchable": row.kind in BATCH_HANDLERS,
    }


def counts(*, user_id: int) -> dict:
    rows = db.session.execute(counts_query(user_id=user_id)).all()
    by_kind = {kind: count for kind, count in rows}
    return {"total": sum(by_kind.values()), "by_kind": by_kind}


def batch_decide(*, user_id: int, items: list[dict], action: str,
                 comment: str | None) -> list[dict]:
    """Each item in its own transaction with the single endpoint's rules; never all-or-nothing."""
    results = []
    for item in items:
        kind, object_id, version = item["kind"], item["id"], item["version"]
        result = {"kind": kind, "id": object_id}
        handler = BATCH_HANDLERS.get(kind)
        if handler is None:
            results.append({**result, "status": 422, "code": "batch_not_allowed",
                            "message": f"{kind} items are decided one by one."})
            continue
        try:
            handler(actor_id=user_id, object_id=object_id, version=version, action=action,
                    comment=comment)
            results.append({**result, "status": 200, "code": "done", "message": "Done."})
        except AppError as exc:
            db.session.rollback()
            results.append({**result, "status": exc.status, "code": exc.code,
                            "message": exc.message})
        except Exception:  # one broken item must not sink the batch
            db.session.rollback()
            log.exception("batch item failed", extra={"fields": {"kind": kind, "id": object_id}})
            results.append({**result, "status": 500, "code": "internal_error",
                            "message": "This item failed on our side; try it alone."})
    return results
