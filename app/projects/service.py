"""Project rules: create and edit drafts, publish, cancel, who may see what, the list."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from app.core import audit, todos
from app.core import time as clock
from app.core.http import cursor_id, page
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import (
    ANY_ROLE,
    authorize,
    get_org_or_404,
    has_role_over,
    in_subtree,
    org_scope_clause,
)
from app.projects import transitions
from app.projects.models import CATEGORIES, Project

MANAGERS = ("approver", "admin")
DECIDERS = ("approver",)
PROJECT_LEVELS = ("county", "town", "village")


def closing_time(deadline: date) -> datetime:
    """Bids are taken until the end of the deadline day in Asia/Shanghai (stored in UTC)."""
    return datetime.combine(deadline + timedelta(days=1), time(0), clock.SHANGHAI).astimezone(UTC)


def shanghai_today() -> date:
    return clock.utcnow().astimezone(clock.SHANGHAI).date()


def bidding_open(project: Project) -> bool:
    return clock.utcnow() < project.bids_close_at


def check_dates(bid_deadline: date, due_date: date, *, new_deadline: bool = True) -> None:
    problems: dict[str, list[str]] = {}
    if new_deadline and bid_deadline < shanghai_today():
        problems["bid_deadline"] = ["must not be in the past (Asia/Shanghai)"]
    if due_date < bid_deadline:
        problems["due_date"] = ["must not be before the bid deadline"]
    if problems:
        raise Invalid("Some dates are invalid.", details={"fields": problems})


def check_goals(goals: list[dict[str, Any]]) -> None:
    names = [goal["name"] for goal in goals]
    if len(set(names)) != len(names):
        raise Invalid("Goal names must differ.", details={"fields": {"goals": ["duplicate name"]}})


def get_project(project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound("No such project.")
    return project


def org_of(project: Project) -> Org:
    return db.session.get(Org, project.org_id)


def is_officer_over(actor_id: int, project: Project) -> bool:
    return has_role_over(actor_id, org_of(project), ANY_ROLE)


def get_visible_project(actor_id: int, project_id: int) -> Project:
    """Published (at some point) projects are public; drafts only for officers in scope."""
    project = get_project(project_id)
    if project.published_at is None and not is_officer_over(actor_id, project):
        raise NotFound("No such project.")
    return project


def get_managed_project(actor_id: int, project_id: int, roles=MANAGERS) -> Project:
    """Load the project for an officer action: no role over its org → 404, wrong role → 403."""
    project = get_project(project_id)
    authorize(actor_id, org_of(project), roles)
    return project


def create(*, actor_id: int, org_id: int, title: str, problem: str, category: str,
           goals: list[dict[str, Any]], budget_fen: int, bid_deadline: date,
           due_date: date) -> Project:
    """A draft project on an org the officer manages (county, town or village level)."""
    org = get_org_or_404(org_id)
    authorize(actor_id, org, MANAGERS)
    if org.level not in PROJECT_LEVELS:
        raise Invalid("Projects are listed at county, town or village level.",
                      details={"fields": {"org_id": [f"org level {org.level}"]}})
    check_dates(bid_deadline, due_date)
    check_goals(goals)
    project = Project(
        org_id=org.id, title=title, problem=problem, category=category, goals=goals,
        actuals={}, budget_fen=budget_fen, granted_fen=0, released_fen=0,
        bid_deadline=bid_deadline, bids_close_at=closing_time(bid_deadline), due_date=due_date,
        status="draft", version=1, created_by=actor_id,
    )
    db.session.add(project)
    db.session.flush()
    audit.record(actor_id=actor_id, actor_role="officer", org_id=org.id, action="project.create",
                 target_type="project", target_id=project.id,
                 after={"status": "draft", "budget_fen": budget_fen})
    db.session.commit()
    return project


def update_draft(*, actor_id: int, project_id: int, version: int, **changes: Any) -> Project:
    """Edit a draft with the version you saw; published projects are fixed."""
    project = get_managed_project(actor_id, project_id)
    if project.status != "draft":
        raise Conflict("Only a draft can be edited.", code="not_draft",
                       details={"status": project.status})
    deadline = changes.get("bid_deadline", project.bid_deadline)
    check_dates(deadline, changes.get("due_date", project.due_date),
                new_deadline="bid_deadline" in changes)
    if "goals" in changes:
        check_goals(changes["goals"])
    # Conditional UPDATE: of two officers editing from the same version, one wins.
    edited = db.session.execute(
        update(Project)
        .where(Project.id == project.id, Project.version == version, Project.status == "draft")
        .values(**changes, bids_close_at=closing_time(deadline), version=version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if edited != 1:
        db.session.rollback()
        current = get_project(project_id)
        raise Conflict("This project changed since you loaded it.", code="stale_version",
                       details={"status": current.status, "version": current.version})
    audit.record(actor_id=actor_id, actor_role="officer", org_id=project.org_id,
                 action="project.update", target_type="project", target_id=project.id,
                 before={"version": version},
                 after={"version": version + 1, "fields": sorted(changes)})
    db.session.commit()
    db.session.refresh(project)
    return project


def publish(*, actor_id: int, project_id: int, version: int) -> Project:
    project = get_managed_project(actor_id, project_id)
    transitions.check(project, "publish")
    if not bidding_open(project):
        raise Conflict("The bid deadline has passed; move it before publishing.",
                       code="deadline_passed", details={"bid_deadline": str(project.bid_deadline)})
    transitions.move(project, "publish", actor_id=actor_id, actor_role="officer",
                     version=version)
    transitions.tell(project, "publish", actor_id=actor_id)
    db.session.commit()
    return project


def cancel(*, actor_id: int, project_id: int, version: int, reason: str) -> Project:
    """Cancel a draft or published project; live bidders are told."""
    project = get_managed_project(actor_id, project_id)
    transitions.move(project, "cancel", actor_id=actor_id, actor_role="officer",
                     version=version, reason=reason)
    transitions.settle_bids(project.id)
    close_todos(project.id)
    transitions.tell(project, "cancel", actor_id=actor_id, extra=f"原因：{reason}")
    db.session.commit()
    return project


def list_projects(*, actor_id: int, org_id: int | None, level: str | None,
                  category: str | None, status: str | None, q: str | None, limit: int,
                  cursor: str | None) -> tuple[list[tuple[Project, Org]], str | None]:
    """Newest first: everything ever published, plus drafts under the caller's grants."""
    query = select(Project, Org).join(Org, Org.id == Project.org_id).where(
        or_(Project.published_at.is_not(None), org_scope_clause(actor_id, Project.org_id)))
    if org_id is not None:
        query = query.where(in_subtree(Org.path, get_org_or_404(org_id).path))
    if level:
        query = query.where(Org.level == level)
    if category:
        query = query.where(Project.category == category)
    if status:
        query = query.where(Project.status == status)
    if q:
        query = query.where(or_(Project.title.contains(q, autoescape=True),
                                Project.problem.contains(q, autoescape=True)))
    after = cursor_id(cursor)
    if after is not None:
        query = query.where(Project.id < after)
    rows = list(db.session.execute(query.order_by(Project.id.desc()).limit(limit + 1)).all())
    return page(rows, limit, key=lambda row: row[0].id)


def progress(project: Project) -> list[dict[str, Any]]:
    """Per goal: the latest reported actual against the target."""
    rows = []
    for goal in project.goals:
        actual = (project.actuals or {}).get(goal["name"])
        ratio = round(actual / goal["target"], 4) if actual is not None else None
        rows.append({**goal, "actual": actual, "ratio": ratio})
    return rows


def present(project: Project, org: Org | None = None) -> dict[str, Any]:
    """The project as the API shows it."""
    org = org or org_of(project)
    answers = project.survey_answers
    return {
        **{column: getattr(project, column) for column in (
            "id", "title", "problem", "category", "goals", "budget_fen", "granted_fen",
            "released_fen", "bid_deadline", "bids_close_at", "due_date", "status", "version",
            "leader_id", "winner_bid_id", "score", "created_at", "published_at", "awarded_at",
            "closed_at")},
        "org": {"id": org.id, "name": org.name, "level": org.level},
        "category_label": CATEGORIES[project.category],
        "progress": progress(project),
        "allowed_actions": transitions.allowed_actions(project.status),
        "satisfaction": {
            "answers": answers, "satisfied": project.survey_satisfied,
            "rate": round(project.survey_satisfied / answers, 4) if answers else None,
        },
    }


def close_todos(project_id: int) -> None:
    for kind in ("project_bids", "project_review"):
        todos.close_todo(kind=kind, object_id=project_id)
