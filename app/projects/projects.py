"""The project itself: create and edit drafts, publish, start, cancel, the list; and the one
lifecycle step every decision takes (`move`), with the people it concerns told."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select, union, update
from sqlalchemy.orm import contains_eager

from app.core import audit, todos
from app.core import time as clock
from app.core.i18n import N_
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import MANAGERS
from app.core.states import guarded_update
from app.errors import Conflict, FieldProblems, Forbidden, Invalid
from app.extensions import db
from app.notify.service import notify
from app.orgs.models import Org
from app.orgs.scope import (
    authorize,
    get_org_or_404,
    has_role_over,
    in_subtree,
    org_scope_clause,
)
from app.projects.access import bidding_open, get_project
from app.projects.actions import for_caller, with_actions
from app.projects.models import (
    BID_STATES,
    LIFECYCLE,
    PROJECT_LEVELS,
    Bid,
    Project,
    TeamMember,
)

LABELS = {
    "publish": "已发布", "cancel": "已取消", "award": "已揭榜", "start": "已开始实施",
    "submit": "已提交问效", "complete": "已完成", "fail": "未通过问效", "rework": "需整改",
}
CLOSING = ("completed", "failed", "cancelled")


def closing_time(deadline: date) -> datetime:
    """Bids are taken until the end of the deadline day in Asia/Shanghai (stored in UTC)."""
    return datetime.combine(deadline + timedelta(days=1), time(0), clock.SHANGHAI).astimezone(UTC)


def shanghai_today() -> date:
    return clock.utcnow().astimezone(clock.SHANGHAI).date()


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
        raise Invalid("Goal names must differ.",
                      details={"fields": {"goals": [N_("duplicate name")]}})


def move(project: Project, action: str, *, actor_id: int, actor_role: str,
         version: int | None = None, values: dict[str, Any] | None = None,
         reason: str | None = None) -> str:
    """Take the lifecycle step `action` from the version the caller saw, audited.

    The guarded UPDATE matches the expected status and version: of two racing decisions
    exactly one moves the project, the other gets 409 `stale_version` (with the actions
    allowed now). Publishing and closing stamp their times.
    """
    target = LIFECYCLE.check(project.status, action)
    seen = project.version if version is None else version
    before = {"status": project.status, "version": project.version}
    changes = {"status": target, **(values or {})}
    if action == "publish":
        changes["published_at"] = clock.utcnow()
    if target in CLOSING:
        changes["closed_at"] = clock.utcnow()
    project_id, org_id = project.id, project.org_id
    guarded_update(project, values=changes, version=seen, status=project.status,
                   machine=LIFECYCLE, noun="project")
    audit.record(actor_id=actor_id, actor_role=actor_role, org_id=org_id,
                 action=f"project.{action}", target_type="project", target_id=project_id,
                 reason=reason, before=before, after={"status": target, "version": seen + 1})
    return target


def settle_bids(project_id: int) -> None:
    """Bids still submitted when the project is awarded or cancelled have lost."""
    db.session.execute(
        update(Bid).where(Bid.project_id == project_id, Bid.status.in_(BID_STATES.sources("lose")))
        .values(status="lost", version=Bid.version + 1, updated_at=clock.utcnow())
        .execution_options(synchronize_session=False)
    )


def concerned_users(project_id: int) -> set[int]:
    """Everyone a status change concerns: live bidders and the whole team."""
    return set(db.session.scalars(union(
        select(Bid.bidder_id).where(Bid.project_id == project_id, Bid.status != "withdrawn"),
        select(TeamMember.user_id).where(TeamMember.project_id == project_id))))


def tell(project: Project, action: str, *, actor_id: int, users: set[int] | None = None,
         extra: str = "") -> None:
    """Notify the people concerned (never the actor) that the project moved."""
    label = LABELS[action]
    for user_id in sorted((concerned_users(project.id) if users is None else users)
                          - {actor_id}):
        notify(user_id=user_id, event=f"project.{action}", title=f"揭榜项目{label}",
               body=f"“{project.title}”{label}。{extra}",
               data={"project_title": project.title, "status": label},
               page=page_path("projects/detail", id=project.id))


def create(*, actor_id: int, org_id: int, title: str, problem: str, category: str,
           goals: list[dict[str, Any]], budget_fen: int, bid_deadline: date,
           due_date: date) -> Project:
    """A draft project on an org the officer manages (county, town or village level)."""
    org = get_org_or_404(org_id)
    authorize(actor_id, org, MANAGERS)
    problems = FieldProblems()  # every problem at once
    if org.level not in PROJECT_LEVELS:
        problems.invalid("org_id", "Projects are listed at county, town or village level.")
    with problems.check():
        check_dates(bid_deadline, due_date)
    with problems.check():
        check_goals(goals)
    problems.raise_if_any()
    project = Project(
        org=org, title=title, problem=problem, category=category, goals=goals,
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
    return for_caller(actor_id, project)


def update_draft(*, actor_id: int, project_id: int, version: int, **changes: Any) -> Project:
    """Edit a draft with the version you saw; published projects are fixed."""
    project = get_project(actor_id, project_id, roles=MANAGERS)
    if project.status != "draft":
        raise Conflict("Only a draft can be edited.", code="not_draft",
                       details={"status": project.status})
    deadline = changes.get("bid_deadline", project.bid_deadline)
    problems = FieldProblems()  # every problem at once
    with problems.check():
        check_dates(deadline, changes.get("due_date", project.due_date),
                    new_deadline="bid_deadline" in changes)
    if "goals" in changes:
        with problems.check():
            check_goals(changes["goals"])
    problems.raise_if_any()
    org_id = project.org_id
    # of two officers editing from the same version, one wins
    guarded_update(project, values={**changes, "bids_close_at": closing_time(deadline)},
                   version=version, status="draft", machine=LIFECYCLE, noun="project")
    audit.record(actor_id=actor_id, actor_role="officer", org_id=org_id,
                 action="project.update", target_type="project", target_id=project_id,
                 before={"version": version},
                 after={"version": version + 1, "fields": sorted(changes)})
    db.session.commit()
    return for_caller(actor_id, project)


def publish(*, actor_id: int, project_id: int, version: int) -> Project:
    project = get_project(actor_id, project_id, roles=MANAGERS)
    LIFECYCLE.check(project.status, "publish")
    if not bidding_open(project):
        raise Conflict("The bid deadline has passed; move it before publishing.",
                       code="deadline_passed", details={"bid_deadline": str(project.bid_deadline)})
    move(project, "publish", actor_id=actor_id, actor_role="officer", version=version)
    tell(project, "publish", actor_id=actor_id)
    db.session.commit()
    return for_caller(actor_id, project)


def start(*, actor_id: int, project_id: int, version: int) -> Project:
    """The leader (or a managing officer) starts the work once the team stands."""
    project = get_project(actor_id, project_id)
    LIFECYCLE.check(project.status, "start")
    role = "leader"
    if project.leader_id != actor_id:
        if not has_role_over(actor_id, project.org, MANAGERS):
            raise Forbidden("Only the project leader, or approvers and admins of %(org)s or an "
                            "org above it, may start the work.", params={"org": project.org.name},
                            code="only_leader_or_managers")
        role = "officer"
    move(project, "start", actor_id=actor_id, actor_role=role, version=version)
    tell(project, "start", actor_id=actor_id)
    db.session.commit()
    return for_caller(actor_id, project)


def cancel(*, actor_id: int, project_id: int, version: int, reason: str) -> Project:
    """Cancel a draft or published project; live bidders are told."""
    project = get_project(actor_id, project_id, roles=MANAGERS)
    move(project, "cancel", actor_id=actor_id, actor_role="officer", version=version,
         reason=reason)
    settle_bids(project_id)
    todos.close_todo(kind="project_bids", object_id=project_id)
    tell(project, "cancel", actor_id=actor_id, extra=f"原因：{reason}")
    db.session.commit()
    return for_caller(actor_id, project)


def list_projects(*, actor_id: int, org_id: int | None, level: str | None,
                  category: str | None, status: str | None, q: str | None, limit: int,
                  cursor: str | None) -> Page[Project]:
    """Newest first: everything ever published, plus drafts under the caller's grants."""
    query = select(Project).join(Project.org).options(contains_eager(Project.org)).where(
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
    page = keyset_page(query, keys=[Project.id], limit=limit, cursor=cursor, descending=True)
    with_actions(actor_id, page.items)
    return page


def show_project(*, actor_id: int, project_id: int) -> Project:
    """One project as the caller sees it, with what they may do on it now."""
    return for_caller(actor_id, get_project(actor_id, project_id))
