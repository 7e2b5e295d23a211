"""Membership rules: apply, officers decide with a version, reveal audited, monthly report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.core import audit, idcard, todos
from app.core.crypto import keyed_hash
from app.core.db import is_unique_violation
from app.core.http import cursor_id, page
from app.core.time import SHANGHAI, utcnow
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.members.models import INDUSTRIES, Membership
from app.notify.service import notify
from app.orgs.models import Org
from app.orgs.scope import (
    ANY_ROLE,
    authorize,
    get_org_or_404,
    has_role_over,
    in_subtree,
    org_scope_clause,
    orgs_under,
)
from app.privacy.consent import require_consent

DECISIONS = {"approve": "approved", "reject": "rejected"}
REVEALABLE = ("id_number", "phone")


def validated_id_number(raw: str, field: str = "id_number") -> str:
    number = idcard.normalise(raw)
    problem = idcard.problem_with(number)
    if problem:
        raise Invalid(f"The ID number is not valid: {problem}.",
                      details={"fields": {field: [problem]}})
    return number


def apply(*, actor_id: int, org_id: int, real_name: str, id_number: str, employer: str,
          occupation: str, industry: str, phone: str | None = None) -> Membership:
    """A user asks to join an org; one live application per person and per ID number."""
    number = validated_id_number(id_number)
    get_org_or_404(org_id)
    require_consent(actor_id, "membership", "id_number")
    membership = Membership(
        user_id=actor_id, org_id=org_id, real_name=real_name, id_number=number,
        id_number_hash=keyed_hash(number), phone=phone, employer=employer,
        occupation=occupation, industry=industry, status="pending", version=1,
    )
    try:
        with db.session.begin_nested():
            db.session.add(membership)
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise Conflict("There is already a pending or approved membership for this person.",
                       code="membership_exists") from None
    org = db.session.get(Org, org_id)
    todos.open_todo(
        kind="membership", object_id=membership.id, org_id=org.id, org_path=org.path,
        role="approver", title=f"入会申请：{real_name}", version=membership.version,
        summary=f"{org.name} · {INDUSTRIES[industry]} · {occupation}",
        action=f"/api/v1/memberships/{membership.id}/decision",
    )
    db.session.commit()
    return membership


def get_for_viewer(*, actor_id: int, membership_id: int) -> Membership:
    """The applicant and officers over the org may see it; anyone else gets 404."""
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        raise NotFound("No such membership.")
    if membership.user_id == actor_id:
        return membership
    authorize(actor_id, db.session.get(Org, membership.org_id), ANY_ROLE)
    return membership


def list_for_officer(*, actor_id: int, status: str | None, org_id: int | None, limit: int,
                     cursor: str | None) -> tuple[list[Membership], str | None]:
    """Applications under the officer's orgs, oldest first."""
    query = select(Membership).where(org_scope_clause(actor_id, Membership.org_id))
    if org_id is not None:
        org = get_org_or_404(org_id)
        if not has_role_over(actor_id, org):
            raise Forbidden("You are not an officer over this org.")
        query = query.where(Membership.org_id.in_(orgs_under(org)))
    if status:
        query = query.where(Membership.status == status)
    after = cursor_id(cursor)
    if after is not None:
        query = query.where(Membership.id > after)
    rows = list(db.session.scalars(query.order_by(Membership.id).limit(limit + 1)))
    return page(rows, limit)


def list_mine(*, actor_id: int) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).where(Membership.user_id == actor_id).order_by(Membership.id.desc())
    ))


def decide_in_batch(*, actor_id: int, object_id: int, version: int, action: str,
                    comment: str | None) -> Membership:
    return decide(actor_id=actor_id, membership_id=object_id, action=action, reason=comment,
                  version=version)


def decide(*, actor_id: int, membership_id: int, action: str, reason: str | None,
           version: int) -> Membership:
    """Approve or reject a pending application; a stale version loses with 409."""
    membership = get_for_viewer(actor_id=actor_id, membership_id=membership_id)
    if membership.user_id == actor_id:
        raise Forbidden("Nobody decides their own application.")
    org = db.session.get(Org, membership.org_id)
    authorize(actor_id, org, ("approver",))
    if action == "reject" and not reason:
        raise Invalid("Say why the application is rejected.",
                      details={"fields": {"reason": ["required when rejecting"]}})
    before = {"status": membership.status, "version": membership.version}
    # Conditional UPDATE guards the race: of two officers deciding at once, one matches.
    decided = db.session.execute(
        update(Membership)
        .where(Membership.id == membership_id, Membership.version == version,
               Membership.status == "pending")
        .values(status=DECISIONS[action], version=Membership.version + 1, reason=reason,
                decided_by=actor_id, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if decided != 1:
        db.session.rollback()
        current = db.session.get(Membership, membership_id)
        raise Conflict("This application changed since you loaded it.", code="stale_version",
                       details={"status": current.status, "version": current.version})
    audit.record(actor_id=actor_id, actor_role="approver", org_id=org.id,
                 action=f"membership.{action}", target_type="membership",
                 target_id=membership_id, reason=reason, before=before,
                 after={"status": DECISIONS[action], "version": version + 1})
    todos.close_todo(kind="membership", object_id=membership_id)
    outcome = "通过" if action == "approve" else "未通过"
    notify(user_id=membership.user_id, event=f"membership.{DECISIONS[action]}",
           title=f"入会申请{outcome}", body=f"您在{org.name}的入会申请{outcome}。"
           + (f"原因：{reason}" if reason else ""),
           data={"org_name": org.name, "result": outcome, "reason": reason or ""},
           page=f"pages/membership/detail?id={membership_id}")
    db.session.commit()
    db.session.refresh(membership)
    return membership


def reveal(*, actor_id: int, membership_id: int, field: str, reason: str) -> str | None:
    """An officer sees one whole value; the read is audited with the stated reason."""
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        raise NotFound("No such membership.")
    org = db.session.get(Org, membership.org_id)
    authorize(actor_id, org, ANY_ROLE)
    audit.record(actor_id=actor_id, actor_role="officer", org_id=org.id, action="pii.reveal",
                 target_type="membership", target_id=membership_id, field=field, reason=reason)
    db.session.commit()
    return getattr(membership, field)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """'2026-11' → [start, end) in UTC for that month in Asia/Shanghai."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = datetime(year, number, 1, tzinfo=SHANGHAI)
    except ValueError:
        raise Invalid("month must look like 2026-11.",
                      details={"fields": {"month": ["format YYYY-MM"]}}) from None
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def monthly_report(*, actor_id: int, org_id: int, month: str) -> dict:
    """New members (approved in the month) per industry and per org of the subtree (数据月报)."""
    org = get_org_or_404(org_id)
    authorize(actor_id, org, ANY_ROLE)
    start, end = month_bounds(month)
    base = (
        select(Membership.industry, Membership.org_id, func.count().label("n"))
        .join(Org, Org.id == Membership.org_id)
        .where(in_subtree(Org.path, org.path), Membership.status == "approved",
               Membership.decided_at >= start, Membership.decided_at < end)
        .group_by(Membership.industry, Membership.org_id)
    )
    rows = db.session.execute(base).all()
    by_industry = {key: 0 for key in INDUSTRIES}
    by_org: dict[int, int] = {}
    for industry, member_org_id, count in rows:
        by_industry[industry] += count
        by_org[member_org_id] = by_org.get(member_org_id, 0) + count
    names = dict(db.session.execute(select(Org.id, Org.name).where(Org.id.in_(by_org))).all())
    return {
        "month": month,
        "org": {"id": org.id, "name": org.name},
        "total": sum(by_industry.values()),
        "by_industry": [
            {"industry": key, "label": INDUSTRIES[key], "count": count}
            for key, count in by_industry.items()
        ],
        "by_org": [
            {"org_id": key, "org_name": names[key], "count": count}
            for key, count in sorted(by_org.items(), key=lambda item: (-item[1], item[0]))
        ],
    }
