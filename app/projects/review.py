"""Running and checking results (问效): start, submit for review, evaluate, satisfaction."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.core import audit, todos
from app.core.db import is_unique_violation
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.projects import transitions
from app.projects.models import Evaluation, Project, SurveyAnswer
from app.projects.service import (
    DECIDERS,
    close_todos,
    get_managed_project,
    get_visible_project,
    org_of,
)

OUTCOME_ACTIONS = {"completed": "complete", "failed": "fail", "rework": "rework"}
SURVEY_OPEN = ("in_progress", "under_review", "completed")


def start(*, actor_id: int, project_id: int, version: int) -> Project:
    """The leader (or a managing officer) starts the work once the team stands."""
    project = get_visible_project(actor_id, project_id)
    transitions.check(project, "start")
    role = "leader"
    if project.leader_id != actor_id:
        get_managed_project(actor_id, project_id)
        role = "officer"
    transitions.move(project, "start", actor_id=actor_id, actor_role=role, version=version)
    transitions.tell(project, "start", actor_id=actor_id)
    db.session.commit()
    return project


def submit_for_review(*, actor_id: int, project_id: int, version: int) -> Project:
    """The leader hands the result in; approvers over the org get a to-do."""
    project = get_visible_project(actor_id, project_id)
    transitions.check(project, "submit")
    if project.leader_id != actor_id:
        raise Forbidden("Only the project leader submits the result for review.")
    transitions.move(project, "submit", actor_id=actor_id, actor_role="leader", version=version)
    queue_for_review(project)
    transitions.tell(project, "submit", actor_id=actor_id)
    db.session.commit()
    return project


def queue_for_review(project: Project) -> None:
    """Approvers over the project's org get a 问效 to-do (flushes only)."""
    org = org_of(project)
    todos.open_todo(
        kind="project_review", object_id=project.id, org_id=org.id, org_path=org.path,
        role="approver", title=f"揭榜问效：{project.title}", version=project.version,
        summary=f"{org.name} · 待评估", action=f"/api/v1/projects/{project.id}/evaluation",
    )


def evaluate(*, actor_id: int, project_id: int, score: int, outcome: str,
             comment: str | None, version: int) -> Project:
    """An approver scores the result: completed, failed, or back to work (rework)."""
    project = get_managed_project(actor_id, project_id, DECIDERS)
    if project.leader_id == actor_id:
        raise Forbidden("Nobody evaluates their own project.")
    action = OUTCOME_ACTIONS[outcome]
    transitions.move(project, action, actor_id=actor_id, actor_role="approver", version=version,
                     values={"score": score}, reason=comment)
    db.session.add(Evaluation(project_id=project.id, evaluator_id=actor_id, score=score,
                              outcome=outcome, comment=comment))
    close_todos(project.id)
    transitions.tell(project, action, actor_id=actor_id,
                     extra=f"评分 {score}。" + (comment or ""))
    db.session.commit()
    return project


def answer_survey(*, actor_id: int, project_id: int, satisfied: bool) -> Project:
    """A beneficiary says whether they are satisfied; one answer per user per project."""
    project = get_visible_project(actor_id, project_id)
    if project.status not in SURVEY_OPEN:
        raise Conflict("The survey opens once the project is running.", code="survey_closed",
                       details={"status": project.status})
    try:
        with db.session.begin_nested():
            db.session.add(SurveyAnswer(project_id=project.id, user_id=actor_id,
                                        satisfied=satisfied))
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise Conflict("You already answered this survey.", code="already_answered") from None
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
    db.session.refresh(project)
    return project
