"""Checking results (问效): submit for review, evaluate, the beneficiaries' satisfaction."""

from __future__ import annotations

from sqlalchemy import select, update

from app.core import audit, todos
from app.core.db import insert_unique
from app.core.roles import DECIDERS
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.projects.access import get_project, require_beneficiary, require_leader
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
    """A beneficiary says whether they are satisfied; one answer per user per project.

    Beneficiaries are the approved members of the project's org subtree, not the people who
    work on it (`access.require_beneficiary`, 403 otherwise). A new answer replaces the old:
    the unique (project, user) row is updated and the counters move by the difference.
    """
    project = get_project(actor_id, project_id)
    if project.status not in SURVEY_OPEN:
        raise Conflict("The survey opens once the project is running.", code="survey_closed",
                       details={"status": project.status})
    require_beneficiary(actor_id, project)
    _record_answer(project.id, actor_id, satisfied)
    audit.record(actor_id=actor_id, actor_role="user", org_id=project.org_id,
                 action="project.survey", target_type="project", target_id=project.id,
                 after={"satisfied": satisfied})
    db.session.commit()
    return for_caller(actor_id, project)


def _record_answer(project_id: int, user_id: int, satisfied: bool) -> None:
    """Insert the answer or change it; the counters follow in the same transaction, in SQL.

    Changing is a conditional UPDATE (`satisfied` differs), so of two racing changes only one
    moves the counter; a racing first answer loses at the unique index and becomes a change.
    """
    for _attempt in range(2):
        changed = db.session.execute(
            update(SurveyAnswer).where(SurveyAnswer.project_id == project_id,
                                       SurveyAnswer.user_id == user_id,
                                       SurveyAnswer.satisfied != satisfied)
            .values(satisfied=satisfied).execution_options(synchronize_session=False)).rowcount
        if changed:
            _bump(project_id, answers=0, satisfied=1 if satisfied else -1)
            return
        answered = db.session.scalar(select(SurveyAnswer.id).where(
            SurveyAnswer.project_id == project_id, SurveyAnswer.user_id == user_id))
        if answered is not None:
            return  # the same answer again
        if insert_unique(SurveyAnswer(project_id=project_id, user_id=user_id,
                                      satisfied=satisfied)):
            _bump(project_id, answers=1, satisfied=int(satisfied))
            return
    raise Conflict("Your answer is being saved from another request; try again.",
                   code="answer_in_progress")


def _bump(project_id: int, *, answers: int, satisfied: int) -> None:
    db.session.execute(
        update(Project).where(Project.id == project_id)
        .values(survey_answers=Project.survey_answers + answers,
                survey_satisfied=Project.survey_satisfied + satisfied)
        .execution_options(synchronize_session=False))
