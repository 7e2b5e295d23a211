"""Progress reports with KPI actuals, and funding tranches that never exceed the budget."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from app.core import audit
from app.errors import Conflict, Forbidden, Invalid
from app.extensions import db
from app.notify.service import notify
from app.projects import transitions
from app.projects.models import ProgressReport, Project, Tranche
from app.projects.service import get_managed_project, get_visible_project
from app.projects.team import require_running


def require_leader(project: Project, actor_id: int) -> None:
    if project.leader_id != actor_id:
        raise Forbidden("Only the project leader may do this.")


def add_report(*, actor_id: int, project_id: int, period: str, actuals: list[dict[str, Any]],
               text: str, photo_file_ids: list[int]) -> ProgressReport:
    """The leader reports KPI figures to date; the project's progress follows the latest."""
    project = get_visible_project(actor_id, project_id)
    require_leader(project, actor_id)
    require_running(project, ("in_progress",))
    known = {goal["name"] for goal in project.goals}
    unknown = sorted({row["goal"] for row in actuals} - known)
    if unknown:
        raise Invalid("Actuals must name the project's goals.",
                      details={"fields": {"actuals": [f"unknown goal: {name}"
                                                      for name in unknown]}})
    report = ProgressReport(project_id=project.id, author_id=actor_id, period=period,
                            actuals=actuals, text=text, photo_file_ids=photo_file_ids)
    db.session.add(report)
    project.actuals = {**(project.actuals or {}),
                       **{row["goal"]: row["actual"] for row in actuals}}
    db.session.flush()
    audit.record(actor_id=actor_id, actor_role="leader", org_id=project.org_id,
                 action="project.report", target_type="project", target_id=project.id,
                 after={"report_id": report.id, "period": period})
    db.session.commit()
    return report


def list_reports(*, actor_id: int, project_id: int) -> list[ProgressReport]:
    project = get_visible_project(actor_id, project_id)
    return list(db.session.scalars(select(ProgressReport).where(
        ProgressReport.project_id == project.id).order_by(ProgressReport.id)))


def release_tranche(*, actor_id: int, project_id: int, milestone: str,
                    amount_fen: int) -> Tranche:
    """Release funds for a milestone; the running sum stays within the budget.

    Guard: `UPDATE … SET released_fen = released_fen + :amount WHERE released_fen + :amount
    <= budget_fen` — PostgreSQL re-checks the WHERE on the row a concurrent release just
    changed, so racing releases cannot overspend; the CHECK constraint is the backstop.
    """
    project = get_managed_project(actor_id, project_id)
    require_running(project)
    released = db.session.execute(
        update(Project)
        .where(Project.id == project.id, Project.status.in_(transitions.RUNNING),
               Project.released_fen + amount_fen <= Project.budget_fen)
        .values(released_fen=Project.released_fen + amount_fen)
        .execution_options(synchronize_session=False)
    ).rowcount
    if released != 1:
        db.session.rollback()
        current = db.session.get(Project, project.id)
        if current.status not in transitions.RUNNING:
            require_running(current)
        raise Conflict("This tranche would exceed the project's budget.",
                       code="budget_exceeded",
                       details={"budget_fen": current.budget_fen,
                                "released_fen": current.released_fen,
                                "remaining_fen": current.budget_fen - current.released_fen})
    tranche = Tranche(project_id=project.id, milestone=milestone, amount_fen=amount_fen,
                      released_by=actor_id)
    db.session.add(tranche)
    db.session.flush()
    audit.record(actor_id=actor_id, actor_role="officer", org_id=project.org_id,
                 action="project.tranche", target_type="project", target_id=project.id,
                 after={"tranche_id": tranche.id, "amount_fen": amount_fen})
    if project.leader_id is not None:
        notify(
            user_id=project.leader_id, event="project.tranche", title="揭榜项目资金已拨付",
            body=f"“{project.title}”拨付 {amount_fen / 100:.2f} 元（{milestone}）。",
            data={"project_title": project.title, "amount_fen": amount_fen},
            page=f"pages/projects/detail?id={project.id}")
    db.session.commit()
    return tranche


def list_tranches(*, actor_id: int, project_id: int) -> list[Tranche]:
    project = get_visible_project(actor_id, project_id)
    return list(db.session.scalars(select(Tranche).where(
        Tranche.project_id == project.id).order_by(Tranche.id)))
