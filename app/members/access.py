"""Who may see and act on a membership application: its applicant and officers over its org."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import joinedload

from app.core.roles import OFFICERS
from app.errors import NotFound
from app.extensions import db
from app.members.models import Membership, MembershipTransfer
from app.orgs.scope import authorize, has_role_over


def get_membership(actor_id: int, membership_id: int, *, roles: Iterable[str] = OFFICERS,
                   applicant: bool = True) -> Membership:
    """The application (with its org) for its applicant (unless `applicant=False`) or an
    officer holding one of `roles` over its org; 404 for anyone with no role there (nothing
    leaks), 403 for an officer with another role."""
    membership = db.session.get(Membership, membership_id,
                                options=[joinedload(Membership.org)])
    if membership is None:
        raise NotFound("No such membership.")
    if applicant and membership.user_id == actor_id:
        return membership
    authorize(actor_id, membership.org, roles)
    return membership


def get_transfer(actor_id: int, transfer_id: int) -> MembershipTransfer:
    """A transfer request for its member and officers over the sending or the receiving org;
    404 to anyone else."""
    transfer = db.session.get(MembershipTransfer, transfer_id, options=[
        joinedload(MembershipTransfer.from_org), joinedload(MembershipTransfer.to_org),
        joinedload(MembershipTransfer.membership)], populate_existing=True)
    if transfer is None or not (transfer.user_id == actor_id
                                or has_role_over(actor_id, transfer.from_org)
                                or has_role_over(actor_id, transfer.to_org)):
        raise NotFound("No such transfer request.")
    return transfer
