"""The working group: officers and instructors added by officers, volunteers and their hours."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import with_expression

from app.auth.models import User
from app.core import audit
from app.core.db import insert_unique
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import MANAGERS
from app.errors import Conflict, NotFound
from app.extensions import db
from app.notify.service import notify
from app.projects.access import get_project, require_leader, require_member, require_running
from app.projects.models import VOLUNTEER_OPEN, Project, TeamMember, VolunteerHours

ROLE_LABELS = {"working_group": "工作专班", "instructor": "指导员"}


def join(project: Project, user_id: int, role: str, duty: str | None, added_by: int) -> TeamMember:
    member = TeamMember(project_id=project.id, user_id=user_id, role=role, duty=duty,
                        added_by=added_by)
    insert_unique(member, duplicate=Conflict(
        "This person already has that role on the project.", code="already_in_team"))
    return member


def add_to_team(*, actor_id: int, project_id: int, user_id: int, role: str,
                duty: str | None) -> TeamMember:
    """Officers add working-group officers (工作专班) and instructors (指导员)."""
    project = get_project(actor_id, project_id, roles=MANAGERS)
    require_running(project)
    if db.session.get(User, user_id) is None:
        raise NotFound("No such user.")
    member = join(project, user_id, role, duty, actor_id)
    audit.record(actor_id=actor_id, actor_role="officer", org_id=project.org_id,
                 action="project.team_add", target_type="project", target_id=project.id,
                 after={"user_id": user_id, "role": role})
    label = ROLE_LABELS[role]
    notify(user_id=user_id, event="project.team", title=f"您已加入揭榜项目{label}",
           body=f"您已作为{label}加入“{project.title}”。", data={"project_title": project.title},
           page=page_path("projects/detail", id=project.id))
    db.session.commit()
    return member


def volunteer(*, actor_id: int, project_id: int, duty: str | None) -> TeamMember:
    """A member signs up as a volunteer while the project is awarded or running."""
    project = get_project(actor_id, project_id)
    require_member(actor_id)
    require_running(project, VOLUNTEER_OPEN)
    if project.leader_id == actor_id:
        raise Conflict("You lead this project; the leader does not sign up as a volunteer.",
                       code="already_in_team")
    member = join(project, actor_id, "volunteer", duty, actor_id)
    audit.record(actor_id=actor_id, actor_role="member", org_id=project.org_id,
                 action="project.volunteer", target_type="project", target_id=project.id)
    db.session.commit()
    return member


def log_hours(*, actor_id: int, project_id: int, team_member_id: int, hours: float,
              worked_on: date, note: str | None) -> VolunteerHours:
    """The leader logs a volunteer's hours for a day."""
    project = get_project(actor_id, project_id)
    require_leader(project, actor_id, "Only the project leader logs volunteer hours.")
    require_running(project)
    member = db.session.get(TeamMember, team_member_id)
    if member is None or member.project_id != project.id or member.role != "volunteer":
        raise NotFound("No such volunteer on this project.")
    entry = VolunteerHours(project_id=project.id, team_member_id=member.id,
                           minutes=round(hours * 60), worked_on=worked_on, note=note,
                           logged_by=actor_id)
    db.session.add(entry)
    db.session.flush()
    audit.record(actor_id=actor_id, actor_role="leader", org_id=project.org_id,
                 action="project.hours", target_type="project", target_id=project.id,
                 after={"team_member_id": member.id, "minutes": entry.minutes})
    db.session.commit()
    return entry


def minutes_logged():
    """Per team member, the volunteer minutes logged so far (a correlated subquery)."""
    return (select(func.coalesce(func.sum(VolunteerHours.minutes), 0))
            .where(VolunteerHours.team_member_id == TeamMember.id)
            .correlate(TeamMember).scalar_subquery())


def list_team(*, actor_id: int, project_id: int, limit: int,
              cursor: str | None) -> Page[TeamMember]:
    """The leader, working group, instructors and volunteers (with their hours), in the order
    they joined."""
    project = get_project(actor_id, project_id)
    query = (select(TeamMember).where(TeamMember.project_id == project.id)
             .options(with_expression(TeamMember.minutes, minutes_logged())))
    return keyset_page(query, keys=[TeamMember.id], limit=limit, cursor=cursor)
