"""Access review: who revealed which personal data in an org's subtree, and why.

Reads of whole personal values are audited by the domains that serve them: `pii.reveal`
(membership and aid application reveals) and `pii.roster` (the aid bank roster export); each
carries the org and the stated reason. Admins of an org review those of its subtree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.auth.models import User
from app.core.audit import AuditRecord
from app.core.http import cursor_id, page
from app.core.time import to_shanghai
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import authorize, get_org_or_404, in_subtree

# reveals of whole values, bank rosters, and officers opening someone's uploaded documents
PII_ACTIONS = ("pii.reveal", "pii.roster", "file.read")


def list_access(*, actor_id: int, org_id: int, officer_id: int | None = None,
                start: datetime | None = None, end: datetime | None = None, limit: int = 50,
                cursor: str | None = None) -> tuple[list[dict], str | None]:
    """Newest first; `start` inclusive, `end` exclusive."""
    org = get_org_or_404(org_id)
    authorize(actor_id, org, ("admin",))
    query = (select(AuditRecord, Org.name, User.nickname)
             .join(Org, Org.id == AuditRecord.org_id)
             .outerjoin(User, User.id == AuditRecord.actor_id)
             .where(AuditRecord.action.in_(PII_ACTIONS), in_subtree(Org.path, org.path)))
    if officer_id is not None:
        query = query.where(AuditRecord.actor_id == officer_id)
    if start is not None:
        query = query.where(AuditRecord.created_at >= start)
    if end is not None:
        query = query.where(AuditRecord.created_at < end)
    after = cursor_id(cursor)
    if after is not None:
        query = query.where(AuditRecord.id < after)
    rows = db.session.execute(query.order_by(AuditRecord.id.desc()).limit(limit + 1)).all()
    items, next_cursor = page(rows, limit, key=lambda row: row[0].id)
    return [{
        "id": record.id, "at": record.created_at, "action": record.action,
        "officer": {"id": record.actor_id, "nickname": nickname},
        "org": {"id": record.org_id, "name": org_name},
        "target_type": record.target_type, "target_id": record.target_id,
        "field": record.field, "reason": record.reason,
    } for record, org_name, nickname in items], next_cursor


def access_sheets(items: list[dict]) -> dict[str, list[list]]:
    header = ["时间", "干部ID", "干部", "组织", "操作", "对象", "对象ID", "字段", "理由"]
    return {"个人信息查看记录": [header] + [[
        to_shanghai(item["at"]).strftime("%Y-%m-%d %H:%M:%S"), item["officer"]["id"],
        item["officer"]["nickname"], item["org"]["name"], item["action"], item["target_type"],
        item["target_id"], item["field"], item["reason"]] for item in items]}


def all_access(*, actor_id: int, org_id: int, **filters) -> list[dict]:
    """Every matching row for the XLSX export, page by page."""
    items, cursor = [], None
    while True:
        batch, cursor = list_access(actor_id=actor_id, org_id=org_id, limit=500,
                                    cursor=cursor, **filters)
        items += batch
        if cursor is None:
            return items
