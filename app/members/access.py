"""Who may see and act on a membership application: its applicant and officers over its org."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.core.roles import OFFICERS
from app.errors import NotFound
from app.extensions import db
from app.members.models import Membership, MembershipCorrection, MembershipTransfer
from app.orgs.scope import authorize, has_role_over, org_scope_clause


@cache
def _membership_with_org():
    return (select(Membership).options(joinedload(Membership.org))
            .where(Membership.id == bindparam("membership_id")))


def get_membership(actor_id: int, membership_id: int, *, roles: Iterable[str] = OFFICERS,
                   applicant: bool = True) -> Membership:
    """The application (with its org) for its applicant (unless `applicant=False`) or an
    officer holding one of `roles` over its org; 404 for anyone with no role there (nothing
    leaks), 403 for an officer with another role."""
    if db.session.identity_key(Membership, membership_id) in db.session.identity_map:
        membership = db.session.get(Membership, membership_id,
                                    options=[joinedload(Membership.org)])
    else:  # what `get` would send, with the statement built once
        membership = db.session.scalar(_membership_with_org(), {"membership_id": membership_id})
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


def get_correction(actor_id: int, correction_id: int) -> MembershipCorrection:
    """A correction request for its member and officers over the membership's org."""
    correction = db.session.get(MembershipCorrection, correction_id, options=[
        joinedload(MembershipCorrection.membership).joinedload(Membership.org)],
        populate_existing=True)
    if correction is None or not (correction.user_id == actor_id
                                  or has_role_over(actor_id, correction.membership.org)):
        raise NotFound("No such correction request.")
    return correction


def officer_may_read_correction_document(actor_id: int, file_id: int) -> int | None:
    """Officers over the membership's org may read the document of a correction request."""
    return db.session.scalar(
        select(Membership.org_id).select_from(MembershipCorrection)
        .join(Membership, Membership.id == MembershipCorrection.membership_id)
        .where(MembershipCorrection.document_file_id == file_id,
               org_scope_clause(actor_id, Membership.org_id)).limit(1))
