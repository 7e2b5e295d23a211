"""Checking results (问效): submit for review, evaluate, the beneficiaries' satisfaction."""

from __future__ import annotations

from sqlalchemy import update

from app.core import audit, todos
from app.core.db import insert_unique
from app.core.roles import DECIDERS
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.projects.access import get_project, require_leader
from app.projects.actions import for_caller
from app.projects.models import LIFECYCLE, SURVEY_OPEN, Evaluation, Project, SurveyAnswer
from app.projects.projects import move, tell

OUTCOME_ACTIONS = {"completed": "complete", "failed": "fail", "rework": "rework"}


def submit_for_review(*, actor_id: int, project_id: int, version: int) -> Project:
    """The leader hands the result in; approvers over the org get a to-do."""
    project = get_project(actor_id, project_id)
    LIFECYCLE.check(project.status, "submit")
    require_leader(project, actor_id, "Only the project leader submits the result for review.")
    move(project, "submit", actor_id=actor_id, actor_role="leader", version=version)
    queue_for_review(project)
    tell(project, "submit", actor_id=actor_id)
    db.session.commit()
    return for_caller(actor_id, project)


def queue_for_review(project: Project) -> None:
    """Approvers over the project's org get a 问效 to-do (flushes only)."""
    org = project.org
    todos.open_todo(
        kind="project_review", object_id=project.id, org_id=org.id, org_path=org.path,
        role="approver", title=f"揭榜问效：{project.title}", version=project.version,
        summary=f"{org.name} · 待评估", action=f"/api/v1/projects/{project.id}/evaluation",
    )


def evaluate(*, actor_id: int, project_id: int, score: int, outcome: str,
             comment: str | None, version: int) -> Project:
    """An approver scores the result: completed, failed, or back to work (rework)."""
    project = get_project(actor_id, project_id, roles=DECIDERS)
    if project.leader_id == actor_id:
        raise Forbidden("Nobody evaluates their own project; another approver will.",
                        code="own_project")
    action = OUTCOME_ACTIONS[outcome]
    move(project, action, actor_id=actor_id, actor_role="approver", version=version,
         values={"score": score}, reason=comment)
    db.session.add(Evaluation(project_id=project_id, evaluator_id=actor_id, score=score,
                              outcome=outcome, comment=comment))
    todos.close_todo(kind="project_review", object_id=project_id)
    tell(project, action, actor_id=actor_id, extra=f"评分 {score}。" + (comment or ""))
    db.session.commit()
    return for_caller(actor_id, project)


def answer_survey(*, actor_id: int, project_id: int, satisfied: bool) -> Project:
    """A beneficiary says whether they are satisfied; one answer per user per project."""
    project = get_project(actor_id, project_id)
    if project.status not in SURVEY_OPEN:
        raise Conflict("The survey opens once the project is running.", code="survey_closed",
                       details={"status": project.status})
    insert_unique(SurveyAnswer(project_id=project.id, user_id=actor_id, satisfied=satisfied),
                  duplicate=Conflict("You already answered this survey.",
                                     code="already_answered"))
    # Counters move in the same transaction as the answer row, atomically in SQL.
    db.session.execute(
        update(Project).where(Project.id == project.id)
        .values(survey_answers=Project.survey_answers + 1,
                survey_satisfied=Project.survey_satisfied + int(satisfied))
        .execution_options(synchronize_session=False)
    )
    audit.record(actor_id=actor_id, actor_role="user", org_id=project.org_id,
                 action="project.survey", target_type="project", target_id=project.id)
    db.session.commit()
    return for_caller(actor_id, project)
