"""Funding tranches: money released against milestones, never beyond the budget."""

from __future__ import annotations

from sqlalchemy import select

from app.core import audit
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import MANAGERS
from app.core.states import guarded_update
from app.errors import Conflict
from app.extensions import db
from app.ledger import journal
from app.notify.service import notify
from app.projects.access import get_project, require_running
from app.projects.models import LIFECYCLE, RUNNING, Project, Tranche


def release_tranche(*, actor_id: int, project_id: int, milestone: str,
                    amount_fen: int) -> Tranche:
    """Release funds for a milestone; the running sum stays within the budget.

    Guard: `UPDATE … SET released_fen = released_fen + :amount WHERE … AND released_fen +
    :amount <= budget_fen` — PostgreSQL re-checks the WHERE on the row a concurrent release
    just changed, so racing releases cannot overspend; the CHECK constraint is the backstop.
    A release does not bump the version (it decides nothing an officer saw), so racing
    releases do not refuse each other; a lifecycle step in between does.
    """
    project = get_project(actor_id, project_id, roles=MANAGERS)
    require_running(project)
    org_id, leader_id, title = project.org_id, project.leader_id, project.title
    try:
        guarded_update(project, values={"released_fen": Project.released_fen + amount_fen},
                       status=RUNNING, bump_version=False, machine=LIFECYCLE, noun="project",
                       where=[Project.released_fen + amount_fen <= Project.budget_fen])
    except Conflict as refused:
        db.session.refresh(project)
        require_running(project)
        if project.released_fen + amount_fen <= project.budget_fen:
            raise  # the project moved on meanwhile: 409 stale_version
        raise Conflict("This tranche would exceed the project's budget.",
                       code="budget_exceeded",
                       details={"budget_fen": project.budget_fen,
                                "released_fen": project.released_fen,
                                "remaining_fen": project.budget_fen - project.released_fen}
                       ) from refused
    tranche = Tranche(project_id=project_id, milestone=milestone, amount_fen=amount_fen,
                      released_by=actor_id)
    db.session.add(tranche)
    db.session.flush()
    journal.move(org_id=org_id, purpose="project", amount_fen=amount_fen, debit="paid",
                 credit="funds", source="project_tranche", source_id=tranche.id, memo=title)
    audit.record(actor_id=actor_id, actor_role="officer", org_id=org_id,
                 action="project.tranche", target_type="project", target_id=project_id,
                 after={"tranche_id": tranche.id, "amount_fen": amount_fen})
    if leader_id is not None:
        notify(
            user_id=leader_id, event="project.tranche", title="揭榜项目资金已拨付",
            body=f"“{title}”拨付 {amount_fen / 100:.2f} 元（{milestone}）。",
            data={"project_title": title, "amount_fen": amount_fen},
            page=page_path("projects/detail", id=project_id))
    db.session.commit()
    return tranche


def list_tranches(*, actor_id: int, project_id: int, limit: int,
                  cursor: str | None) -> Page[Tranche]:
    """Oldest first."""
    project = get_project(actor_id, project_id)
    return keyset_page(select(Tranche).where(Tranche.project_id == project.id),
                       keys=[Tranche.id], limit=limit, cursor=cursor)
