"""Read the to-do queue for an officer and run batch decisions item by item."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import and_, false, func, or_, select, tuple_

from app.core.http import decode_cursor, encode_cursor
from app.core.todos import BATCH_HANDLERS, TodoItem
from app.errors import AppError, Invalid
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import get_org_or_404, grants_of, has_role_over, in_subtree

log = logging.getLogger("gonghui.workbench")


def _visible(user_id: int):
    """Items whose role the officer holds on the item's org (exact) or above it."""
    clauses = []
    for grant, org in grants_of(user_id):
        clauses.append(and_(
            TodoItem.role == grant.role,
            or_(and_(TodoItem.exact_org.is_(True), TodoItem.org_id == org.id),
                and_(TodoItem.exact_org.is_(False), in_subtree(TodoItem.org_path, org.path))),
        ))
    return or_(*clauses) if clauses else false()


def _filtered(user_id: int, kind: str | None, org_id: int | None):
    query = select(TodoItem).where(_visible(user_id))
    if kind:
        query = query.where(TodoItem.kind == kind)
    if org_id is not None:
        org = get_org_or_404(org_id)
        if not has_role_over(user_id, org):
            raise Invalid("You hold no role over this org.",
                          details={"fields": {"org_id": ["outside your orgs"]}})
        query = query.where(in_subtree(TodoItem.org_path, org.path))
    return query


def todos(*, user_id: int, kind: str | None, org_id: int | None, limit: int,
          cursor: str | None) -> tuple[list[dict], str | None]:
    """Oldest first; keyset cursor on (waiting_since, id)."""
    query = _filtered(user_id, kind, org_id)
    after = decode_cursor(cursor)
    if after:
        try:
            since, last_id = datetime.fromisoformat(after["w"]), int(after["i"])
        except (KeyError, TypeError, ValueError):
            raise Invalid("The cursor is not valid.",
                          details={"fields": {"cursor": ["invalid"]}}) from None
        query = query.where(tuple_(TodoItem.waiting_since, TodoItem.id) > (since, last_id))
    rows = list(db.session.scalars(
        query.order_by(TodoItem.waiting_since, TodoItem.id).limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor({"w": rows[-1].waiting_since.isoformat(), "i": rows[-1].id})
    names = dict(db.session.execute(
        select(Org.id, Org.name).where(Org.id.in_({row.org_id for row in rows}))).all())
    return [_item(row, names) for row in rows], next_cursor


def _item(row: TodoItem, names: dict[int, str]) -> dict:
    return {
        "kind": row.kind, "id": row.object_id, "title": row.title, "summary": row.summary,
        "org": {"id": row.org_id, "name": names.get(row.org_id, "")},
        "waiting_since": row.waiting_since, "version": row.version, "action": row.action,
        "batchable": row.kind in BATCH_HANDLERS,
    }


def counts(*, user_id: int) -> dict:
    rows = db.session.execute(
        select(TodoItem.kind, func.count()).where(_visible(user_id)).group_by(TodoItem.kind)
    ).all()
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
