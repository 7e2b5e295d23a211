"""Progress reports: the leader's KPI actuals to date, text and photos, per period."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.core import audit
from app.core.i18n import N_, translate
from app.core.pagination import Page, keyset_page
from app.errors import Invalid
from app.extensions import db
from app.projects.access import get_project, require_leader, require_running
from app.projects.models import ProgressReport


def add_report(*, actor_id: int, project_id: int, period: str, actuals: list[dict[str, Any]],
               text: str, photo_file_ids: list[int]) -> ProgressReport:
    """The leader reports KPI figures to date; the project's progress follows the latest."""
    project = get_project(actor_id, project_id)
    require_leader(project, actor_id)
    require_running(project, ("in_progress",))
    known = {goal["name"] for goal in project.goals}
    unknown = sorted({row["goal"] for row in actuals} - known)
    if unknown:
        raise Invalid("Actuals must name the project's goals.",
                      details={"fields": {"actuals": [
                          translate(N_("the project has no goal %(name)s"), {"name": name})
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


def list_reports(*, actor_id: int, project_id: int, limit: int,
                 cursor: str | None) -> Page[ProgressReport]:
    """Oldest first."""
    project = get_project(actor_id, project_id)
    return keyset_page(select(ProgressReport).where(ProgressReport.project_id == project.id),
                       keys=[ProgressReport.id], limit=limit, cursor=cursor)
