"""Access review: who revealed which personal data in an org's subtree, and why.

Reads of whole personal values are audited by the domains that serve them: `pii.reveal`
(membership and aid application reveals) and `pii.roster` (the aid bank roster export); each
carries the org and the stated reason. Admins of an org review those of its subtree.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Row, select

from app.auth.models import User
from app.core.audit import AuditRecord
from app.core.i18n import N_
from app.core.labels import code_label, field_label, text, texts
from app.core.pagination import Page, keyset_page
from app.core.roles import ADMINS
from app.core.time import to_shanghai
from app.orgs.models import Org
from app.orgs.scope import authorize, get_org_or_404, in_subtree

# reveals of whole values, bank rosters, and officers opening someone's uploaded documents
PII_ACTIONS = ("pii.reveal", "pii.roster", "file.read")
PII_ACTION_LABELS = {"pii.reveal": N_("Showed a whole number"),
                     "pii.roster": N_("Downloaded the bank roster"),
                     "file.read": N_("Opened a file")}
# the audited records' types (`audit.record(target_type=…)`)
RECORD_LABELS = {"aid_application": N_("Aid application"), "aid_batch": N_("Batch"),
                 "membership": N_("Membership application"), "file": N_("File")}


def access_query(org: Org, *, officer_id: int | None, start: datetime | None,
                 end: datetime | None):
    """One row per audited read: the audit columns, the org's name, the officer's nickname."""
    query = (select(AuditRecord.id, AuditRecord.created_at, AuditRecord.action,
                    AuditRecord.actor_id, AuditRecord.org_id, Org.name.label("org_name"),
                    User.nickname.label("officer_nickname"), AuditRecord.target_type,
                    AuditRecord.target_id, AuditRecord.field, AuditRecord.reason)
             .join(Org, Org.id == AuditRecord.org_id)
             .outerjoin(User, User.id == AuditRecord.actor_id)
             .where(AuditRecord.action.in_(PII_ACTIONS), in_subtree(Org.path, org.path)))
    if officer_id is not None:
        query = query.where(AuditRecord.actor_id == officer_id)
    if start is not None:
        query = query.where(AuditRecord.created_at >= start)
    if end is not None:
        query = query.where(AuditRecord.created_at < end)
    return query


def list_access(*, actor_id: int, org_id: int, officer_id: int | None = None,
                start: datetime | None = None, end: datetime | None = None, limit: int = 50,
                cursor: str | None = None) -> Page[Row]:
    """Newest first; `start` inclusive, `end` exclusive."""
    org = get_org_or_404(org_id)
    authorize(actor_id, org, ADMINS)
    return keyset_page(access_query(org, officer_id=officer_id, start=start, end=end),
                       keys=[AuditRecord.id], limit=limit, cursor=cursor, descending=True,
                       rows=True, key_of=lambda found: [found.id])


def all_access(*, actor_id: int, org_id: int, **filters) -> Iterator[Row]:
    """Every matching row for the XLSX export, page by page."""
    cursor = None
    while True:
        page = list_access(actor_id=actor_id, org_id=org_id, limit=500, cursor=cursor,
                           **filters)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def access_sheets(rows) -> dict[str, list[list]]:
    header = texts(N_("Time"), N_("Officer no."), N_("Officer"), N_("Org"), N_("Action"),
                   N_("Record"), N_("Record no."), N_("Field"), N_("Reason"))
    return {text(N_("Personal data access")): [header] + [[
        to_shanghai(r.created_at).strftime("%Y-%m-%d %H:%M:%S"), r.actor_id,
        r.officer_nickname, r.org_name, code_label(PII_ACTION_LABELS, r.action),
        code_label(RECORD_LABELS, r.target_type), r.target_id,
        field_label(r.field) if r.field else None, r.reason] for r in rows]}
