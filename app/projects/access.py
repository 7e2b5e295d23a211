"""Who may see or act on a project: the one loader and the shared checks of the domain."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.core.i18n import N_
from app.core.roles import OFFICERS
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.members.models import Membership
from app.orgs.scope import authorize, has_role_over
from app.projects.models import RUNNING, Project


def get_project(actor_id: int, project_id: int, *, roles: Iterable[str] | None = None
                ) -> Project:
    """The project (with its org) for `actor_id`.

    `roles=None`: anyone logged in may look at a project that was ever published; a draft
    only officers over its org see — to everyone else it does not exist (404).
    `roles=MANAGERS`, `DECIDERS` …: an officer action; no role over the org → 404, another
    role over it → 403.
    """
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound("No such project.")
    if roles is not None:
        authorize(actor_id, project.org, roles)
    elif project.published_at is None and not is_officer_over(actor_id, project):
        raise NotFound("No such project.")
    return project


def is_officer_over(actor_id: int, project: Project) -> bool:
    """Any officer role (reviewer, approver, admin) on the project's org or above it."""
    return has_role_over(actor_id, project.org, OFFICERS)


def require_leader(project: Project, actor_id: int,
                   message: str = N_("Only the project leader may do this.")) -> None:
    if project.leader_id != actor_id:
        raise Forbidden(message)


def require_member(actor_id: int) -> None:
    """Only users whose union membership was approved may bid or volunteer."""
    approved = db.session.scalar(select(Membership.id).where(
        Membership.user_id == actor_id, Membership.status == "approved").limit(1))
    if approved is None:
        raise Forbidden("Only union members may do this; apply for membership first.",
                        code="members_only")


def require_running(project: Project, statuses: tuple[str, ...] = RUNNING) -> None:
    if project.status not in statuses:
        raise Conflict("Not possible while the project is %(status)s.",
                       params={"status": project.status},
                       code="project_not_running",
                       details={"status": project.status, "allowed_statuses": list(statuses)})
