"""Project statistics for an org's subtree, in total and per level."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import case, func, select

from app.core.roles import OFFICERS
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import authorize, get_org_or_404, in_subtree
from app.projects.models import PROJECT_LEVELS, RUNNING, Project, TeamMember, VolunteerHours


@dataclass
class StatsRow:
    level: str | None = None
    published: int = 0
    taken: int = 0
    in_progress: int = 0
    finished: int = 0
    failed: int = 0
    cancelled: int = 0
    granted_fen: int = 0
    released_fen: int = 0
    volunteers: int = 0
    volunteer_minutes: int = 0

    @property
    def finish_rate(self) -> float | None:
        """Finished / taken (“one taken, one finished”)."""
        return round(self.finished / self.taken, 4) if self.taken else None

    @property
    def volunteer_hours(self) -> float:
        return round(self.volunteer_minutes / 60, 1)

    def add(self, other: StatsRow) -> None:
        for field in fields(self):
            if field.name != "level":
                setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


@dataclass
class ProjectStats:
    org: Org
    total: StatsRow
    by_level: list[StatsRow]


def count_if(condition) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


COUNTED = ("published", "taken", "in_progress", "finished", "failed", "cancelled",
           "granted_fen", "released_fen")


def project_stats(*, actor_id: int, org_id: int) -> ProjectStats:
    """Counts over every project ever published in the subtree; officers over the org only."""
    org = get_org_or_404(org_id)
    authorize(actor_id, org, OFFICERS)
    scope = (in_subtree(Org.path, org.path), Project.published_at.is_not(None))
    per_level = {level: StatsRow(level) for level in PROJECT_LEVELS}

    def row(level: str) -> StatsRow:
        return per_level.setdefault(level, StatsRow(level))

    projects = db.session.execute(
        select(Org.level, func.count(), count_if(Project.awarded_at.is_not(None)),
               count_if(Project.status.in_(RUNNING)), count_if(Project.status == "completed"),
               count_if(Project.status == "failed"), count_if(Project.status == "cancelled"),
               func.coalesce(func.sum(Project.granted_fen), 0),
               func.coalesce(func.sum(Project.released_fen), 0))
        .join(Org, Org.id == Project.org_id).where(*scope).group_by(Org.level)
    ).all()
    for level, *values in projects:
        for name, value in zip(COUNTED, values, strict=True):
            setattr(row(level), name, int(value))
    volunteers = db.session.execute(
        select(Org.level, func.count()).select_from(TeamMember)
        .join(Project, Project.id == TeamMember.project_id)
        .join(Org, Org.id == Project.org_id)
        .where(*scope, TeamMember.role == "volunteer").group_by(Org.level)
    ).all()
    for level, count in volunteers:
        row(level).volunteers = int(count)
    minutes = db.session.execute(
        select(Org.level, func.sum(VolunteerHours.minutes)).select_from(VolunteerHours)
        .join(Project, Project.id == VolunteerHours.project_id)
        .join(Org, Org.id == Project.org_id).where(*scope).group_by(Org.level)
    ).all()
    for level, total in minutes:
        row(level).volunteer_minutes = int(total or 0)
    total = StatsRow()
    for level_row in per_level.values():
        total.add(level_row)
    return ProjectStats(org=org, total=total, by_level=list(per_level.values()))
