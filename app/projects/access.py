"""Who may see or act on a project: the one loader and the shared checks of the domain."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.core import time as clock
from app.core.i18n import N_
from app.core.labels import Code
from app.core.roles import DECIDERS, MANAGERS, OFFICERS
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.members.models import Membership
from app.orgs.models import Org
from app.orgs.scope import has_role_over
from app.projects.models import PROJECT_STATUSES, RUNNING, Project, TeamMember


def get_project(actor_id: int, project_id: int, *, roles: Iterable[str] | None = None
                ) -> Project:
    """The project (with its org) for `actor_id`, or 404 when they may not see it at all.

    Anyone logged in may look at a project that was ever published; a draft only officers
    over its org see — to everyone else it does not exist (404). `roles=MANAGERS`,
    `DECIDERS` …: an officer action; a caller who sees the project but holds none of the
    roles over its org gets 403 with the reason (`only_managers_of_org`,
    `only_approvers_of_org`).
    """
    project = db.session.get(Project, project_id)
    if project is None or (project.published_at is None
                           and not is_officer_over(actor_id, project)):
        raise NotFound("No such project.")
    if roles is not None:
        require_role(actor_id, project, roles)
    return project


# who an officer action is for, as the 403 names it: roles → (code, the people in words)
ROLE_REASONS = {
    tuple(DECIDERS): ("only_approvers_of_org",
                      N_("Only approvers of %(org)s or an org above it may do this.")),
    tuple(MANAGERS): ("only_managers_of_org",
                      N_("Only approvers and admins of %(org)s or an org above it may do this.")),
}


def require_role(actor_id: int, project: Project, roles: Iterable[str]) -> None:
    if has_role_over(actor_id, project.org, roles):
        return
    code, message = ROLE_REASONS[tuple(roles)]
    raise Forbidden(message, params={"org": project.org.name},
                    code=code, details={"org_id": project.org_id, "roles": list(roles)})


def bidding_open(project: Project) -> bool:
    return clock.utcnow() < project.bids_close_at


def is_officer_over(actor_id: int, project: Project) -> bool:
    """Any officer role (reviewer, approver, admin) on the project's org or above it."""
    return has_role_over(actor_id, project.org, OFFICERS)


def require_leader(project: Project, actor_id: int,
                   message: str = N_("Only the project leader may do this.")) -> None:
    if project.leader_id != actor_id:
        raise Forbidden(message, code="leader_only")


def is_member(actor_id: int) -> bool:
    """Whether the user's union membership was approved."""
    return db.session.scalar(select(Membership.id).where(
        Membership.user_id == actor_id, Membership.status == "approved").limit(1)) is not None


def member_org_path(actor_id: int) -> str | None:
    """The org path of the user's approved membership (None when not a member)."""
    return db.session.scalar(select(Org.path).join(Membership, Membership.org_id == Org.id)
                             .where(Membership.user_id == actor_id,
                                    Membership.status == "approved").limit(1))


def serves(project: Project, member_path: str | None) -> bool:
    """Whether a member of the org at `member_path` is among the project's beneficiaries.

    Beneficiaries are the approved union members of the project's org or an org under it: the
    people a project of that union is for. Membership is decided by officers on an ID number
    (one live membership per person), so new accounts cannot make themselves beneficiaries.
    """
    return member_path is not None and member_path.startswith(project.org.path)


def works_on(actor_id: int, project: Project) -> bool:
    """The leader or anyone on the team (instructors, volunteers)."""
    return project.leader_id == actor_id or db.session.scalar(select(TeamMember.id).where(
        TeamMember.project_id == project.id, TeamMember.user_id == actor_id).limit(1)) is not None


def require_beneficiary(actor_id: int, project: Project) -> None:
    """403 `own_project` for the people who do the work, `not_beneficiary` for everyone the
    project does not serve."""
    if works_on(actor_id, project):
        raise Forbidden("The people who work on a project do not answer its survey; the "
                        "members it serves do.", code="own_project")
    if not serves(project, member_org_path(actor_id)):
        raise Forbidden("Only union members of %(org)s or an org under it answer this "
                        "survey; apply for membership there if the project serves you.",
                        params={"org": project.org.name}, code="not_beneficiary",
                        details={"org_id": project.org_id})


def require_member(actor_id: int) -> None:
    """Only users whose union membership was approved may bid or volunteer."""
    if not is_member(actor_id):
        raise Forbidden("Only union members may do this; apply for membership first.",
                        code="members_only")


def require_running(project: Project, statuses: tuple[str, ...] = RUNNING) -> None:
    if project.status not in statuses:
        raise Conflict("Not possible while the project is %(status)s.",
                       params={"status": Code(PROJECT_STATUSES, project.status)},
                       code="project_not_running",
                       details={"status": project.status, "allowed_statuses": list(statuses)})
