"""Project statistics for an org's subtree, in total and per level."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select

from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import ANY_ROLE, authorize, get_org_or_404, in_subtree
from app.projects.models import Project, TeamMember, VolunteerHours
from app.projects.service import PROJECT_LEVELS
from app.projects.transitions import RUNNING


def count_if(condition) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def empty_row() -> dict[str, Any]:
    return {"published": 0, "taken": 0, "in_progress": 0, "finished": 0, "failed": 0,
            "cancelled": 0, "granted_fen": 0, "released_fen": 0, "volunteers": 0,
            "volunteer_hours": 0.0}


def finish(row: dict[str, Any]) -> dict[str, Any]:
    """Finish rate: finished / taken (“one taken, one finished”)."""
    row["finish_rate"] = round(row["finished"] / row["taken"], 4) if row["taken"] else None
    row["volunteer_hours"] = round(row["volunteer_hours"], 1)
    return row


def project_stats(*, actor_id: int, org_id: int) -> dict[str, Any]:
    """Counts over every project ever published in the subtree; officers over the org only."""
    org = get_org_or_404(org_id)
    authorize(actor_id, org, ANY_ROLE)
    scope = (in_subtree(Org.path, org.path), Project.published_at.is_not(None))
    per_level = {level: empty_row() for level in PROJECT_LEVELS}
    projects = db.session.execute(
        select(Org.level, func.count(), count_if(Project.awarded_at.is_not(None)),
               count_if(Project.status.in_(RUNNING)), count_if(Project.status == "completed"),
               count_if(Project.status == "failed"), count_if(Project.status == "cancelled"),
               func.coalesce(func.sum(Project.granted_fen), 0),
               func.coalesce(func.sum(Project.released_fen), 0))
        .join(Org, Org.id == Project.org_id).where(*scope).group_by(Org.level)
    ).all()
    for level, *values in projects:
        per_level.setdefault(level, empty_row()).update(zip(
            ("published", "taken", "in_progress", "finished", "failed", "cancelled",
             "granted_fen", "released_fen"), (int(value) for value in values), strict=True))
    volunteers = db.session.execute(
        select(Org.level, func.count()).select_from(TeamMember)
        .join(Project, Project.id == TeamMember.project_id)
        .join(Org, Org.id == Project.org_id)
        .where(*scope, TeamMember.role == "volunteer").group_by(Org.level)
    ).all()
    for level, count in volunteers:
        per_level.setdefault(level, empty_row())["volunteers"] = int(count)
    minutes = db.session.execute(
        select(Org.level, func.sum(VolunteerHours.minutes)).select_from(VolunteerHours)
        .join(Project, Project.id == VolunteerHours.project_id)
        .join(Org, Org.id == Project.org_id).where(*scope).group_by(Org.level)
    ).all()
    for level, total in minutes:
        per_level.setdefault(level, empty_row())["volunteer_hours"] = int(total or 0) / 60
    total = empty_row()
    for row in per_level.values():
        for key in total:
            total[key] += row[key]
    return {
        "org": {"id": org.id, "name": org.name, "level": org.level},
        "total": finish(total),
        "by_level": [{"level": level, **finish(row)} for level, row in per_level.items()],
    }
