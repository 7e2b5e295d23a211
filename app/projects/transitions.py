"""The project lifecycle as data: allowed moves, the one check, the conditional move."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from app.core import audit
from app.core import time as clock
from app.errors import Conflict, InvalidTransition
from app.extensions import db
from app.notify.service import notify
from app.projects.models import Bid, Project, TeamMember

# action → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "publish": (("draft",), "published"),
    "cancel": (("draft", "published"), "cancelled"),
    "award": (("published",), "awarded"),
    "start": (("awarded",), "in_progress"),
    "submit": (("in_progress",), "under_review"),
    "complete": (("under_review",), "completed"),
    "fail": (("under_review",), "failed"),
    "rework": (("under_review",), "in_progress"),
}
LABELS = {
    "publish": "已发布", "cancel": "已取消", "award": "已揭榜", "start": "已开始实施",
    "submit": "已提交问效", "complete": "已完成", "fail": "未通过问效", "rework": "需整改",
}
# statuses in which money may be released and the team may change
RUNNING = ("awarded", "in_progress", "under_review")


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


def check(project: Project, action: str) -> str:
    """The status `action` leads to, or 409 naming the actions allowed from here."""
    sources, target = TRANSITIONS[action]
    if project.status not in sources:
        allowed = allowed_actions(project.status)
        raise InvalidTransition(
            f"A {project.status} project cannot {action}; allowed: {', '.join(allowed) or 'none'}.",
            details={"status": project.status, "action": action, "allowed": allowed},
        )
    return target


def move(project: Project, action: str, *, actor_id: int, actor_role: str,
         version: int | None = None, values: dict[str, Any] | None = None,
         reason: str | None = None) -> str:
    """Apply `action` with a conditional UPDATE; another writer in between → 409.

    The WHERE on the expected status (and the version the officer saw, when given) is what
    makes two racing decisions end with exactly one winner.
    """
    target = check(project, action)
    seen = project.version if version is None else version
    before = {"status": project.status, "version": project.version}
    changes = {"status": target, "version": Project.version + 1, **(values or {})}
    if action == "publish":
        changes["published_at"] = clock.utcnow()
    if target in ("completed", "failed", "cancelled"):
        changes["closed_at"] = clock.utcnow()
    moved = db.session.execute(
        update(Project)
        .where(Project.id == project.id, Project.version == seen,
               Project.status == project.status)
        .values(**changes)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        db.session.rollback()
        current = db.session.get(Project, project.id)
        raise Conflict("This project changed since you loaded it.", code="stale_version",
                       details={"status": current.status, "version": current.version,
                                "allowed": allowed_actions(current.status)})
    audit.record(actor_id=actor_id, actor_role=actor_role, org_id=project.org_id,
                 action=f"project.{action}", target_type="project", target_id=project.id,
                 reason=reason, before=before, after={"status": target, "version": seen + 1})
    db.session.expire(project)
    return target


def settle_bids(project_id: int) -> None:
    """Bids still submitted when the project is awarded or cancelled have lost."""
    db.session.execute(
        update(Bid).where(Bid.project_id == project_id, Bid.status == "submitted")
        .values(status="lost", version=Bid.version + 1, updated_at=clock.utcnow())
        .execution_options(synchronize_session=False)
    )


def concerned_users(project_id: int) -> set[int]:
    """Everyone a status change concerns: live bidders and the whole team."""
    bidders = db.session.scalars(select(Bid.bidder_id).where(
        Bid.project_id == project_id, Bid.status != "withdrawn"))
    team = db.session.scalars(select(TeamMember.user_id).where(
        TeamMember.project_id == project_id))
    return set(bidders) | set(team)


def tell(project: Project, action: str, *, actor_id: int, users: set[int] | None = None,
         extra: str = "") -> None:
    """Notify the people concerned (never the actor) that the project moved."""
    label = LABELS[action]
    for user_id in sorted((concerned_users(project.id) if users is None else users)
                          - {actor_id}):
        notify(user_id=user_id, event=f"project.{action}", title=f"揭榜项目{label}",
               body=f"“{project.title}”{label}。{extra}",
               data={"project_title": project.title, "status": label},
               page=f"pages/projects/detail?id={project.id}")
