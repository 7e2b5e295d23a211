"""Transfers between unions (转会): the member asks, the receiving org's approver decides, the
sending org is told; on approval the membership moves (its card follows, with new codes).
Also the member's own corrections of their details and the membership's history of orgs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.cards.cards import revoke_tokens
from app.core import audit, todos
from app.core.db import insert_unique
from app.core.i18n import N_
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import DECIDERS, MANAGERS, Role
from app.core.states import guarded_update, stale
from app.core.time import utcnow
from app.errors import Conflict, FieldMessage, Forbidden, Invalid, NotFound
from app.extensions import db
from app.members.access import get_membership, get_transfer
from app.members.models import TRANSFER, Membership, MembershipTransfer
from app.members.withdrawal import withdraw_pending
from app.notify.service import notify
from app.orgs.models import OfficerRole, Org
from app.orgs.scope import get_org_or_404, has_role_over, org_scope_clause

TODO_KIND = "membership_transfer"
DECISIONS = {"approve": "approved", "reject": "rejected"}


def _my_membership(actor_id: int) -> Membership:
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == actor_id,
                                 Membership.status == "approved")
        .options(joinedload(Membership.org)))
    if membership is None:
        raise NotFound("You have no approved membership.", code="not_a_member")
    return membership


def request_transfer(*, actor_id: int, to_org_id: int, reason: str) -> MembershipTransfer:
    """The member asks to move to another org; one open request per membership."""
    membership = _my_membership(actor_id)
    to_org = get_org_or_404(to_org_id)
    if to_org.id == membership.org_id:
        raise Invalid("You are a member of this org already.", details={"fields": {
            "to_org_id": [FieldMessage(N_("choose another org than your own"))]}})
    transfer = MembershipTransfer(membership=membership, user_id=actor_id,
                                  from_org=membership.org, to_org=to_org, reason=reason,
                                  status="pending", version=1)
    insert_unique(transfer, duplicate=Conflict(
        "You already asked for a transfer; withdraw it to ask for another.",
        code="transfer_pending"))
    todos.open_todo(
        kind=TODO_KIND, object_id=transfer.id, org_id=to_org.id, org_path=to_org.path,
        role=Role.APPROVER, title=f"转会申请：{membership.real_name}",
        version=transfer.version, summary=f"{membership.org.name} → {to_org.name}",
        action=f"/api/v1/membership-transfers/{transfer.id}/decision")
    db.session.commit()
    return transfer


def decide_in_batch(*, actor_id: int, object_id: int, version: int, action: str,
                    comment: str | None) -> MembershipTransfer:
    return decide(actor_id=actor_id, transfer_id=object_id, action=action, reason=comment,
                  version=version)


def _tell_sending_org(transfer: MembershipTransfer, name: str) -> None:
    """The sending org's approvers and admins (on that org itself) learn of the move."""
    officers = sorted(set(db.session.scalars(select(OfficerRole.user_id).where(
        OfficerRole.org_id == transfer.from_org_id, OfficerRole.role.in_(MANAGERS)))))
    for user_id in officers:
        notify(user_id=user_id, event="membership.transferred_out",
               title=f"会员转出：{name}",
               body=f"{name} 已从{transfer.from_org.name}转入{transfer.to_org.name}。",
               data={"from_org": transfer.from_org.name, "to_org": transfer.to_org.name},
               page=page_path("members/transfer", id=transfer.id))


def decide(*, actor_id: int, transfer_id: int, action: str, reason: str | None,
           version: int) -> MembershipTransfer:
    """The receiving org's approver approves (the membership moves, the card's codes are
    renewed) or rejects with a reason; a stale version loses with 409."""
    transfer = get_transfer(actor_id, transfer_id)
    if transfer.user_id == actor_id:
        raise Forbidden("Nobody decides their own transfer.")
    if not has_role_over(actor_id, transfer.to_org, DECIDERS):
        raise Forbidden("Only an approver of the receiving org decides a transfer.")
    if action == "reject" and not reason:
        raise Invalid("Say why the transfer is rejected.",
                      details={"fields": {"reason": [N_("required when rejecting")]}})
    if transfer.version != version:
        raise stale(MembershipTransfer, transfer_id, noun="transfer request", machine=TRANSFER)
    TRANSFER.check(transfer.status, action)
    membership = transfer.membership
    name = membership.real_name
    now = utcnow()
    guarded_update(transfer, version=version, status="pending", noun="transfer request",
                   machine=TRANSFER,
                   values={"status": DECISIONS[action], "decision_reason": reason,
                           "decided_by": actor_id, "decided_at": now})
    if action == "approve":
        # the membership moves only from the org the request was made in
        guarded_update(membership, status="approved", noun="membership",
                       where=[Membership.org_id == transfer.from_org_id],
                       values={"org_id": transfer.to_org_id})
        revoke_tokens(membership.id)
    audit.record(actor_id=actor_id, actor_role=Role.APPROVER, org_id=transfer.to_org_id,
                 action=f"membership_transfer.{action}", target_type="membership_transfer",
                 target_id=transfer_id, reason=reason,
                 before={"status": "pending", "version": version},
                 after={"status": DECISIONS[action], "version": version + 1})
    todos.close_todo(kind=TODO_KIND, object_id=transfer_id)
    outcome = "通过" if action == "approve" else "未通过"
    notify(user_id=transfer.user_id, event=f"membership_transfer.{DECISIONS[action]}",
           title=f"转会申请{outcome}",
           body=f"您转入{transfer.to_org.name}的申请{outcome}。" + (f"原因：{reason}" if reason
                                                               else ""),
           data={"org_name": transfer.to_org.name, "result": outcome, "reason": reason or ""},
           page=page_path("members/transfer", id=transfer_id))
    if action == "approve":
        _tell_sending_org(transfer, name)
    db.session.commit()
    return transfer


def withdraw(*, actor_id: int, transfer_id: int, version: int) -> MembershipTransfer:
    """The member takes back a pending request; its to-do closes."""
    transfer = get_transfer(actor_id, transfer_id)
    withdraw_pending(transfer, actor_id=actor_id, version=version, machine=TRANSFER,
                     noun="transfer request", todo_kind=TODO_KIND,
                     not_yours=N_("Only the member withdraws their transfer request."))
    db.session.commit()
    return transfer


def _listed(query):
    return query.options(joinedload(MembershipTransfer.from_org),
                         joinedload(MembershipTransfer.to_org),
                         joinedload(MembershipTransfer.membership))


def list_mine(*, actor_id: int, limit: int, cursor: str | None) -> Page[MembershipTransfer]:
    """The caller's own transfer requests, newest first."""
    query = select(MembershipTransfer).where(MembershipTransfer.user_id == actor_id)
    return keyset_page(_listed(query), keys=[MembershipTransfer.id], limit=limit,
                       cursor=cursor, descending=True)


def list_for_officer(*, actor_id: int, status: str | None, limit: int,
                     cursor: str | None) -> Page[MembershipTransfer]:
    """Requests into or out of the officer's orgs, oldest first."""
    query = select(MembershipTransfer).where(or_(
        org_scope_clause(actor_id, MembershipTransfer.to_org_id),
        org_scope_clause(actor_id, MembershipTransfer.from_org_id)))
    if status:
        query = query.where(MembershipTransfer.status == status)
    return keyset_page(_listed(query), keys=[MembershipTransfer.id], limit=limit,
                       cursor=cursor)


@dataclass(frozen=True)
class Period:
    org: Org
    since: datetime | None
    until: datetime | None


@dataclass(frozen=True)
class History:
    membership_id: int
    periods: list[Period]


def history(*, actor_id: int, membership_id: int) -> History:
    """The orgs the membership belonged to, with dates (the member or officers over its
    current org)."""
    membership = get_membership(actor_id, membership_id)
    moves = list(db.session.scalars(
        select(MembershipTransfer).where(MembershipTransfer.membership_id == membership_id,
                                         MembershipTransfer.status == "approved")
        .options(joinedload(MembershipTransfer.from_org),
                 joinedload(MembershipTransfer.to_org))
        .order_by(MembershipTransfer.decided_at, MembershipTransfer.id)))
    periods: list[Period] = []
    org, since = (moves[0].from_org if moves else membership.org), membership.decided_at
    for move in moves:
        periods.append(Period(org=org, since=since, until=move.decided_at))
        org, since = move.to_org, move.decided_at
    periods.append(Period(org=org, since=since, until=None))
    return History(membership_id=membership_id, periods=periods)


def update_my_details(*, actor_id: int, version: int, **changes) -> Membership:
    """The member corrects their employer, occupation or phone themselves (no unit union in
    between); audited. Name and ID number are not changed here."""
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == actor_id,
                                 Membership.status.in_(("pending", "approved")))
        .options(joinedload(Membership.org)))
    if membership is None:
        raise NotFound("You have no membership.", code="not_a_member")
    if membership.version != version:
        raise stale(Membership, membership.id, noun="membership")
    before = {name: getattr(membership, name) for name in changes if name != "phone"}
    guarded_update(membership, version=version, noun="membership", values=changes)
    audit.record(actor_id=actor_id, actor_role="member", org_id=membership.org_id,
                 action="membership.self_update", target_type="membership",
                 target_id=membership.id, before=before,
                 after={name: value for name, value in changes.items() if name != "phone"}
                 | ({"phone": "changed"} if "phone" in changes else {}))
    db.session.commit()
    return membership
