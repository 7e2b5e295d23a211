"""Rights cases: the member asks (with consent), the handlers of the member's org accept,
record steps, resolve with the outcome, call the member back; the member rates and closes or
reopens within 7 days. Every step tells the member; officers' reads are audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core import audit, todos
from app.core.labels import code_label
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import Role
from app.core.states import guarded_update, stale
from app.core.time import utcnow
from app.core.workdays import shanghai_today
from app.errors import Conflict, FieldMessage, Invalid, NotFound
from app.extensions import db
from app.files.service import owned_files
from app.members.models import Membership
from app.notify.service import notify
from app.privacy.consent import require_consent
from app.rights.access import case_scope_clause, get_case
from app.rights.deadlines import OVERDUE_KIND, due_dates
from app.rights.models import (
    CATEGORIES,
    LIFECYCLE,
    REOPEN_DAYS,
    STATUS_LABELS,
    STEP_KINDS,
    RightsCase,
    RightsCaseEvent,
    RightsCaseFile,
)

TODO_KIND = "rights_case"
MAX_DOCUMENTS = 10


def _invalid(field: str, message: str, params: dict | None = None) -> Invalid:
    return Invalid(message, params=params,
                   details={"fields": {field: [FieldMessage(message, params)]}})


def _record(case: RightsCase, *, actor_id: int | None, action: str, from_status: str | None,
            to_status: str, **extra: Any) -> None:
    case.events.append(RightsCaseEvent(actor_id=actor_id, action=action,
                                       from_status=from_status, to_status=to_status, **extra))


def _tell_member(case: RightsCase, title: str, body: str) -> None:
    notify(user_id=case.user_id, event=f"rights.{case.status}", title=title, body=body,
           data={"status": code_label(STATUS_LABELS, case.status) or case.status},
           page=page_path("rights/case", id=case.id))


def create_case(*, actor_id: int, category: str, what_happened: str, what_wanted: str,
                employer: str, contact_method: str, contact_phone: str | None,
                amount_claimed_fen: int | None, documents: list[int]) -> RightsCase:
    """An approved member asks their org for help; due dates are fixed now."""
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == actor_id,
                                 Membership.status == "approved")
        .options(joinedload(Membership.org)))
    if membership is None:
        raise NotFound("Rights help is for union members: join your union first.",
                       code="not_a_member")
    if contact_method == "phone" and not contact_phone:
        raise _invalid("contact_phone", "A phone number is needed to be called back.")
    wanted = sorted(set(documents))
    mine = owned_files(actor_id=actor_id, file_ids=wanted)
    unknown = [file_id for file_id in wanted if file_id not in mine]
    if unknown:
        raise _invalid("documents", "Unknown files (upload them first): %(files)s.",
                       {"files": unknown})
    require_consent(actor_id, "rights", "case_details")
    org = membership.org
    accept_due, resolve_due = due_dates(org, shanghai_today())
    case = RightsCase(user_id=actor_id, org=org, category=category,
                      what_happened=what_happened, what_wanted=what_wanted, employer=employer,
                      contact_method=contact_method, contact_phone=contact_phone,
                      amount_claimed_fen=amount_claimed_fen, status="submitted", version=1,
                      accept_due=accept_due, resolve_due=resolve_due)
    case.documents = [RightsCaseFile(file_id=file_id, file=mine[file_id]) for file_id in wanted]
    _record(case, actor_id=actor_id, action="submit", from_status=None, to_status="submitted",
            org_id=org.id)
    db.session.add(case)
    db.session.flush()
    todos.open_todo(
        kind=TODO_KIND, object_id=case.id, org_id=org.id, org_path=org.path,
        role=Role.APPROVER, exact_org=True, version=case.version, batchable=False,
        title=f"维权求助：{code_label(CATEGORIES, category)}",
        summary=f"{org.name} · {employer} · 受理期限 {accept_due.isoformat()}",
        action=f"/api/v1/rights-cases/{case.id}/accept")
    db.session.commit()
    return case


def read_case(*, actor_id: int, case_id: int) -> RightsCase:
    """The member's own case, or an officer's read of it (audited: it holds sensitive
    details)."""
    case = get_case(actor_id, case_id)
    if case.user_id != actor_id:
        audit.record(actor_id=actor_id, actor_role="officer", org_id=case.org_id,
                     action="rights_case.read", target_type="rights_case", target_id=case.id)
        db.session.commit()
    return case


def _seen(case: RightsCase, version: int) -> None:
    if case.version != version:
        raise stale(RightsCase, case.id, noun="rights case", machine=LIFECYCLE)


def _move(case: RightsCase, action: str, *, version: int, values: dict[str, Any]) -> str:
    _seen(case, version)
    target = LIFECYCLE.check(case.status, action) or case.status
    guarded_update(case, version=version, status=case.status, machine=LIFECYCLE,
                   noun="rights case", values={"status": target, **values})
    return target


def accept(*, actor_id: int, case_id: int, version: int,
           assigned_to: int | None = None) -> RightsCase:
    """A handler accepts the case (assigned to themselves unless they name another handler
    over the org)."""
    case = get_case(actor_id, case_id, handler=True)
    assignee = assigned_to or actor_id
    if assignee != actor_id:
        from app.orgs.scope import has_role_over
        from app.rights.access import HANDLERS

        if assignee == case.user_id or not has_role_over(assignee, case.org, HANDLERS):
            raise _invalid("assigned_to", "Assign the case to an approver over its org.")
    before = case.status
    _move(case, "accept", version=version,
          values={"assigned_to": assignee, "accepted_at": utcnow()})
    _record(case, actor_id=actor_id, action="accept", from_status=before, to_status="accepted")
    todos.close_todo(kind=TODO_KIND, object_id=case.id)
    _tell_member(case, "维权求助已受理", "您的维权求助已受理，工作人员会尽快与您联系。")
    db.session.commit()
    return case


def add_step(*, actor_id: int, case_id: int, version: int, kind: str,
             note: str) -> RightsCase:
    """A handler records a step: a note, mediation, a referral, a legal aid lawyer."""
    case = get_case(actor_id, case_id, handler=True)
    before = case.status
    _move(case, "step", version=version, values={})
    _record(case, actor_id=actor_id, action="step", kind=kind, note=note,
            from_status=before, to_status="in_progress")
    _tell_member(case, "维权求助有新进展",
                 f"您的维权求助有新进展：{code_label(STEP_KINDS, kind)}。")
    db.session.commit()
    return case


def resolve(*, actor_id: int, case_id: int, version: int, outcome: str,
            amount_recovered_fen: int | None) -> RightsCase:
    """A handler resolves the case with its outcome (and for wage arrears the amount
    recovered); the member may reopen within 7 days."""
    case = get_case(actor_id, case_id, handler=True)
    if amount_recovered_fen is not None and case.category != "wage_arrears":
        raise _invalid("amount_recovered_fen", "Only wage arrears have an amount recovered.")
    before = case.status
    _move(case, "resolve", version=version,
          values={"outcome": outcome, "amount_recovered_fen": amount_recovered_fen,
                  "resolved_at": utcnow()})
    _record(case, actor_id=actor_id, action="resolve", note=outcome, from_status=before,
            to_status="resolved")
    todos.close_todo(kind=OVERDUE_KIND, object_id=case.id)
    _tell_member(case, "维权求助已办结", f"办理结果：{outcome[:60]}。请对本次服务评价。")
    db.session.commit()
    return case


def follow_up(*, actor_id: int, case_id: int, version: int, called_on: date,
              caller_name: str, member_said: str) -> RightsCase:
    """The follow-up call before closing: when, who called, what the member said."""
    case = get_case(actor_id, case_id, handler=True)
    _seen(case, version)
    LIFECYCLE.check(case.status, "follow_up")
    if called_on > shanghai_today():
        raise _invalid("called_on", "The call cannot be in the future.")
    _move(case, "follow_up", version=version, values={"followed_up_at": utcnow()})
    _record(case, actor_id=actor_id, action="follow_up", note=member_said,
            called_on=called_on, caller_name=caller_name, from_status="resolved",
            to_status="resolved")
    db.session.commit()
    return case


def close(*, actor_id: int, case_id: int, version: int, rating: int,
          comment: str | None) -> RightsCase:
    """The member rates the help and the case closes (after the follow-up call)."""
    case = get_case(actor_id, case_id, member=True)
    _seen(case, version)
    LIFECYCLE.check(case.status, "close")
    if case.followed_up_at is None:
        raise Conflict("The union calls you back before the case closes; please wait for "
                       "the call.", code="follow_up_missing")
    _move(case, "close", version=version,
          values={"rating": rating, "rating_comment": comment, "closed_at": utcnow()})
    _record(case, actor_id=actor_id, action="close", from_status="resolved",
            to_status="closed", note=comment)
    _tell_member(case, "维权求助已结案", "感谢您的评价，本案已结案。")
    db.session.commit()
    return case


def reopen(*, actor_id: int, case_id: int, version: int, reason: str) -> RightsCase:
    """The member reopens a resolved case within 7 days of its resolution."""
    case = get_case(actor_id, case_id, member=True)
    _seen(case, version)
    LIFECYCLE.check(case.status, "reopen")
    if utcnow() > case.resolved_at + timedelta(days=REOPEN_DAYS):
        raise Conflict("A case can be reopened within %(days)s days of its resolution.",
                       params={"days": REOPEN_DAYS}, code="reopen_window_passed")
    _move(case, "reopen", version=version,
          values={"resolved_at": None, "followed_up_at": None})
    _record(case, actor_id=actor_id, action="reopen", note=reason, from_status="resolved",
            to_status="in_progress")
    _tell_member(case, "维权求助已重新办理", "您的维权求助已重新打开，工作人员会继续跟进。")
    db.session.commit()
    return case


def _listed(query):
    return query.options(joinedload(RightsCase.org), joinedload(RightsCase.escalated_to_org))


def list_mine(*, actor_id: int, limit: int, cursor: str | None) -> Page[RightsCase]:
    query = select(RightsCase).where(RightsCase.user_id == actor_id)
    return keyset_page(_listed(query), keys=[RightsCase.id], limit=limit, cursor=cursor,
                       descending=True)


def list_for_officer(*, actor_id: int, status: str | None, category: str | None,
                     overdue: bool | None, limit: int,
                     cursor: str | None) -> Page[RightsCase]:
    """Cases under the officer's orgs (and escalated to them), oldest first."""
    from app.rights.deadlines import _overdue_clause

    query = select(RightsCase).where(case_scope_clause(actor_id))
    if status:
        query = query.where(RightsCase.status == status)
    if category:
        query = query.where(RightsCase.category == category)
    if overdue is not None:
        clause = _overdue_clause(shanghai_today())
        query = query.where(clause if overdue else ~clause)
    return keyset_page(_listed(query), keys=[RightsCase.id], limit=limit, cursor=cursor)


