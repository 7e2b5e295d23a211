"""Who may see and act on a rights case: the member who asked, officers over the member's
org (their subtree's cases), and after an escalation the officers of the org above; the
case's handlers are the approvers among them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.core.roles import DECIDERS, OFFICERS
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.orgs.scope import has_role_over, org_scope_clause
from app.rights.models import RightsCase, RightsCaseFile

# who handles rights cases: the approvers (a case is decided like an application)
HANDLERS = DECIDERS


def _load(case_id: int) -> RightsCase | None:
    return db.session.scalar(
        select(RightsCase).where(RightsCase.id == case_id)
        .options(joinedload(RightsCase.org), joinedload(RightsCase.escalated_to_org),
                 selectinload(RightsCase.documents).joinedload(RightsCaseFile.file),
                 selectinload(RightsCase.events))
        .execution_options(populate_existing=True))


def is_case_officer(actor_id: int, case: RightsCase, roles=OFFICERS) -> bool:
    return has_role_over(actor_id, case.org, roles) or (
        case.escalated_to_org is not None and has_role_over(actor_id, case.escalated_to_org,
                                                            roles))


def get_case(actor_id: int, case_id: int, *, handler: bool = False,
             member: bool = False) -> RightsCase:
    """The case for its member and the officers over it; 404 to everyone else.
    `handler`: only a rights handler (approver) over it (other officers and the member 403);
    `member`: only the member (officers 403)."""
    case = _load(case_id)
    if case is None:
        raise NotFound("No such rights case.")
    own = case.user_id == actor_id
    officer = is_case_officer(actor_id, case)
    if not (own or officer):
        raise NotFound("No such rights case.")
    if member and not own:
        raise Forbidden("Only the member who asked for help may do this.")
    if handler and (own or not is_case_officer(actor_id, case, HANDLERS)):
        raise Forbidden("Only the approvers handling rights cases over this org may do this.")
    return case


def case_scope_clause(actor_id: int, roles=OFFICERS):
    """Cases an officer sees: under their grants, or escalated to an org under them."""
    from sqlalchemy import or_

    return or_(org_scope_clause(actor_id, RightsCase.org_id, roles),
               org_scope_clause(actor_id, RightsCase.escalated_to_org_id, roles))


def officer_may_read_attached_file(actor_id: int, file_id: int) -> int | None:
    """Officers who see a case may read its attachments (the read is audited under the
    case's org)."""
    return db.session.scalar(
        select(RightsCase.org_id).select_from(RightsCaseFile)
        .join(RightsCase, RightsCase.id == RightsCaseFile.case_id)
        .where(RightsCaseFile.file_id == file_id, case_scope_clause(actor_id)).limit(1))
