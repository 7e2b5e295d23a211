"""Membership applications: apply, officers decide with a version, audited reveal, lists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core import audit, idcard, todos
from app.core.crypto import keyed_hash
from app.core.db import commit_keeping_loaded, insert_unique, is_unique_violation
from app.core.i18n import N_
from app.core.labels import code_label
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import DECIDERS, OFFICERS, Role
from app.core.states import guarded_update, stale
from app.core.time import utcnow
from app.errors import Conflict, Forbidden, Invalid
from app.extensions import db
from app.members.access import get_membership
from app.members.models import INDUSTRIES, LIFECYCLE, Membership
from app.members.withdrawal import withdraw_pending
from app.notify.service import notify
from app.orgs.scope import (
    authorize,
    get_org_or_404,
    has_role_over,
    org_scope_clause,
    orgs_under,
)
from app.privacy.consent import require_consent

DECISIONS = {"approve": "approved", "reject": "rejected"}
REVEALABLE = ("id_number", "phone")
TODO_KIND = "membership"


def validated_id_number(raw: str, field: str = "id_number") -> str:
    number = idcard.normalise(raw)
    problem = idcard.problem_with(number)
    if problem:
        raise Invalid("The ID number is not valid; check it against the ID card.",
                      details={"fields": {field: [problem]}})
    return number


def apply(*, actor_id: int, org_id: int, real_name: str, id_number: str, employer: str,
          occupation: str, industry: str, phone: str | None = None) -> Membership:
    """A user asks to join an org; one live application per person and per ID number."""
    number = validated_id_number(id_number)
    org = get_org_or_404(org_id)
    require_consent(actor_id, "membership", "id_number")
    membership = Membership(
        user_id=actor_id, org=org, real_name=real_name, id_number=number,
        id_number_hash=keyed_hash(number), phone=phone, employer=employer,
        occupation=occupation, industry=industry, status="pending", version=1,
    )
    # only the caller's own live application is a duplicate here (they know of it); another
    # person's membership under the same ID number is not told to whoever types it
    insert_unique(membership, duplicate=Conflict(
        "You already have a pending or approved membership application; withdraw the "
        "pending one to apply elsewhere.", code="membership_exists"))
    todos.open_todo(
        kind=TODO_KIND, object_id=membership.id, org_id=org.id, org_path=org.path,
        role=Role.APPROVER, title=f"入会申请：{real_name}", version=membership.version,
        summary=f"{org.name} · {code_label(INDUSTRIES, industry)} · {occupation}",
        action=f"/api/v1/memberships/{membership.id}/decision",
    )
    db.session.commit()
    return membership


def list_for_officer(*, actor_id: int, status: str | None, org_id: int | None, limit: int,
                     cursor: str | None) -> Page[Membership]:
    """Applications under the officer's orgs, oldest first."""
    query = select(Membership).where(org_scope_clause(actor_id, Membership.org_id))
    if org_id is not None:
        org = get_org_or_404(org_id)
        if not has_role_over(actor_id, org):
            raise Forbidden("You are not an officer over this org.")
        query = query.where(Membership.org_id.in_(orgs_under(org)))
    if status:
        query = query.where(Membership.status == status)
    return keyset_page(query, keys=[Membership.id], limit=limit, cursor=cursor)


def list_mine(*, actor_id: int, limit: int, cursor: str | None) -> Page[Membership]:
    """The caller's own applications, newest first."""
    return keyset_page(select(Membership).where(Membership.user_id == actor_id),
                       keys=[Membership.id], limit=limit, cursor=cursor, descending=True)


def decide_in_batch(*, actor_id: int, object_id: int, version: int, action: str,
                    comment: str | None) -> Membership:
    return decide(actor_id=actor_id, membership_id=object_id, action=action, reason=comment,
                  version=version)


def decide(*, actor_id: int, membership_id: int, action: str, reason: str | None,
           version: int) -> Membership:
    """Approve or reject a pending application; a stale version loses with 409."""
    membership = get_membership(actor_id, membership_id)
    if membership.user_id == actor_id:
        raise Forbidden("Nobody decides their own application.")
    org = membership.org
    authorize(actor_id, org, DECIDERS)
    if action == "reject" and not reason:
        raise Invalid("Say why the application is rejected.",
                      details={"fields": {"reason": [N_("required when rejecting")]}})
    before = {"status": membership.status, "version": membership.version}
    applicant_id = membership.user_id
    if membership.version != version:  # an older state: stale, whatever it became since
        raise stale(Membership, membership_id, noun="application", machine=LIFECYCLE)
    LIFECYCLE.check(membership.status, action)
    # of two officers deciding at once, one matches; the other gets 409 stale_version. An
    # approval meets the unique index on approved ID numbers: the person is a member already
    # (no savepoint: the refusal ends the request, whose transaction is discarded as a whole)
    try:
        guarded_update(membership, version=version, status="pending", noun="application",
                       machine=LIFECYCLE,
                       values={"status": DECISIONS[action], "reason": reason,
                               "decided_by": actor_id, "decided_at": utcnow()})
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise Conflict("This person is already a member under this ID number; reject this "
                       "application.", code="already_member") from None
    audit.record(actor_id=actor_id, actor_role=Role.APPROVER, org_id=org.id,
                 action=f"membership.{action}", target_type="membership",
                 target_id=membership_id, reason=reason, before=before,
                 after={"status": DECISIONS[action], "version": version + 1})
    todos.close_todo(kind=TODO_KIND, object_id=membership_id)
    outcome = "通过" if action == "approve" else "未通过"
    notify(user_id=applicant_id, event=f"membership.{DECISIONS[action]}",
           title=f"入会申请{outcome}", body=f"您在{org.name}的入会申请{outcome}。"
           + (f"原因：{reason}" if reason else ""),
           data={"org_name": org.name, "result": outcome, "reason": reason or ""},
           page=page_path("members/detail", id=membership_id))
    commit_keeping_loaded()  # the answer shows the decided application: no read-back
    return membership


def withdraw(*, actor_id: int, membership_id: int, version: int) -> Membership:
    """The applicant takes back a pending application; its to-do closes."""
    membership = get_membership(actor_id, membership_id)
    withdraw_pending(membership, actor_id=actor_id, version=version, machine=LIFECYCLE,
                     noun="application", todo_kind=TODO_KIND,
                     not_yours=N_("Only the applicant withdraws an application."))
    db.session.commit()
    return membership


def reveal(*, actor_id: int, membership_id: int, field: str, reason: str) -> str | None:
    """An officer sees one whole value; the read is audited with the stated reason."""
    membership = get_membership(actor_id, membership_id, roles=OFFICERS, applicant=False)
    audit.record(actor_id=actor_id, actor_role="officer", org_id=membership.org_id,
                 action="pii.reveal", target_type="membership", target_id=membership_id,
                 field=field, reason=reason)
    value = getattr(membership, field)
    db.session.commit()
    return value


def member_id_hash(user_id: int) -> str | None:
    """The keyed hash of the ID number of the user's approved membership (what other domains
    match a person by, never the plain number)."""
    return db.session.scalar(select(Membership.id_number_hash).where(
        Membership.user_id == user_id, Membership.status == "approved").limit(1))
