"""Deadlines in working days (Asia/Shanghai, the operator's holiday calendar in
`core.workdays`), per-org settings, and the escalation of overdue cases to the org above.

A case submitted on day D must be accepted by the end of the `accept_days`-th working day
after D and resolved by the end of the `resolve_days`-th (both counted from submission;
D itself never counts). The day after a deadline it is overdue: `escalate_overdue` (run by
`flask gonghui rights escalate`, e.g. every hour) escalates it to the org above — once: the
UPDATE that does it matches only while `escalated_at IS NULL` — which gets a to-do marked
overdue in its queue; the member is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import joinedload

from app.core import audit, todos
from app.core.labels import code_label
from app.core.pages import page_path
from app.core.roles import ADMINS, Role
from app.core.time import utcnow
from app.core.workdays import add_working_days, shanghai_today
from app.extensions import db
from app.notify.service import notify
from app.orgs.models import Org
from app.orgs.scope import get_org
from app.rights.models import (
    CATEGORIES,
    DEFAULT_ACCEPT_DAYS,
    DEFAULT_RESOLVE_DAYS,
    OPEN_STATUSES,
    RightsCase,
    RightsCaseEvent,
    RightsSettings,
)

OVERDUE_KIND = "rights_overdue"


@dataclass(frozen=True)
class Deadlines:
    org: Org
    accept_days: int
    resolve_days: int
    inherited_from: Org | None  # None: the defaults


def settings_for(org: Org) -> Deadlines:
    """The org's own settings, else the nearest org above with some, else the defaults."""
    ids = [int(part) for part in org.path.strip("/").split("/")]
    rows = {row.org_id: row for row in db.session.scalars(
        select(RightsSettings).where(RightsSettings.org_id.in_(ids)))}
    for org_id in reversed(ids):
        if org_id in rows:
            found = rows[org_id]
            source = org if org_id == org.id else db.session.get(Org, org_id)
            return Deadlines(org=org, accept_days=found.accept_days,
                             resolve_days=found.resolve_days, inherited_from=source)
    return Deadlines(org=org, accept_days=DEFAULT_ACCEPT_DAYS,
                     resolve_days=DEFAULT_RESOLVE_DAYS, inherited_from=None)


def get_settings(*, actor_id: int, org_id: int) -> Deadlines:
    from app.core.roles import OFFICERS

    return settings_for(get_org(actor_id, org_id, roles=OFFICERS))


def set_settings(*, actor_id: int, org_id: int, accept_days: int,
                 resolve_days: int) -> Deadlines:
    """An admin of the org sets its deadlines (new cases use them; open ones keep theirs)."""
    org = get_org(actor_id, org_id, roles=ADMINS)
    row = db.session.get(RightsSettings, org.id)
    if row is None:
        row = RightsSettings(org_id=org.id)
        db.session.add(row)
    row.accept_days, row.resolve_days, row.updated_by = accept_days, resolve_days, actor_id
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=org.id,
                 action="rights.settings", target_type="org", target_id=org.id,
                 after={"accept_days": accept_days, "resolve_days": resolve_days})
    db.session.commit()
    return settings_for(org)


def due_dates(org: Org, submitted_on: date) -> tuple[date, date]:
    found = settings_for(org)
    return (add_working_days(submitted_on, found.accept_days),
            add_working_days(submitted_on, found.resolve_days))


def _overdue_clause(today: date):
    return or_(and_(RightsCase.status == "submitted", RightsCase.accept_due < today),
               and_(RightsCase.status.in_(OPEN_STATUSES), RightsCase.resolve_due < today))


def escalate_overdue(now: datetime | None = None) -> list[int]:
    """Escalate every overdue case not escalated yet, each exactly once (a racing run's
    UPDATE matches nothing); one transaction. Returns the ids it escalated."""
    now = now or utcnow()
    today = shanghai_today(now)
    candidates = list(db.session.scalars(
        select(RightsCase).where(_overdue_clause(today), RightsCase.escalated_at.is_(None))
        .options(joinedload(RightsCase.org)).order_by(RightsCase.id)))
    escalated = []
    for case in candidates:
        parent = db.session.get(Org, case.org.parent_id) if case.org.parent_id else None
        target = parent or case.org  # a top-level org's case escalates to itself
        moved = db.session.execute(
            update(RightsCase).where(RightsCase.id == case.id,
                                     RightsCase.escalated_at.is_(None),
                                     _overdue_clause(today))
            .values(escalated_at=now, escalated_to_org_id=target.id,
                    version=RightsCase.version + 1)
            .execution_options(synchronize_session=False)).rowcount
        if moved != 1:
            continue
        db.session.expire(case)
        stage = "受理" if case.status == "submitted" else "办结"
        due = case.accept_due if case.status == "submitted" else case.resolve_due
        db.session.add(RightsCaseEvent(case_id=case.id, actor_id=None, action="escalate",
                                       from_status=case.status, to_status=case.status,
                                       org_id=target.id))
        todos.open_todo(
            kind=OVERDUE_KIND, object_id=case.id, org_id=target.id, org_path=target.path,
            role=Role.APPROVER, exact_org=True, version=case.version, batchable=False,
            title=f"【逾期】维权求助：{code_label(CATEGORIES, case.category)}",
            summary=f"{case.org.name} · 逾期未{stage}（期限 {due.isoformat()}）",
            action=f"/api/v1/rights-cases/{case.id}")
        notify(user_id=case.user_id, event="rights.escalated", title="维权求助已督办",
               body=f"您的维权求助逾期未{stage}，已转{target.name}督办。",
               data={"org_name": target.name}, page=page_path("rights/case", id=case.id))
        escalated.append(case.id)
    db.session.commit()
    return escalated
