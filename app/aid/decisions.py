"""The approval chain: moves along the application lifecycle, the step to-dos, and the
decisions — each step by an approver of exactly that step's org; the last approval reserves
the amount from the budget."""

from __future__ import annotations

from typing import Any

from app.aid import repeat
from app.aid.access import get_application
from app.aid.approvers import close_gap_todo, has_approver, open_gap_todo
from app.aid.budget import left_fen, try_reserve, yuan
from app.aid.history import record_event
from app.aid.models import ACTION_LABELS, LIFECYCLE, AidApplication
from app.aid.notices import publish_notice
from app.core import audit, todos
from app.core.db import commit_keeping_loaded
from app.core.i18n import N_, translate
from app.core.labels import Code
from app.core.pages import page_path
from app.core.roles import Role
from app.core.states import guarded_update, stale
from app.core.time import utcnow
from app.errors import Conflict, Forbidden, Invalid
from app.hardship.lookup import household_of
from app.notify.service import notify
from app.orgs.models import LEVEL_LABELS, Org

TODO_KIND = "aid_application"


def move(application: AidApplication, action: str, *, version: int, **values: Any) -> None:
    """`action` checked against LIFECYCLE, written by a guarded UPDATE on the status, step
    and version the caller saw: two officers deciding at once, or an applicant withdrawing
    while an officer approves, match it only once (the loser gets 409 stale_version).

    The object then holds exactly what was written, without re-reading the row (see
    `guarded_update`).
    """
    LIFECYCLE.check(application.status, action)
    step = AidApplication.step
    guarded_update(application, values=values, version=version, status=application.status,
                   where=[step.is_(None) if application.step is None
                          else step == application.step],
                   noun="application", machine=LIFECYCLE)


def ensure_current(application: AidApplication, version: int) -> None:
    """Early answer for a caller who saw an older state (the UPDATE re-checks it anyway)."""
    if application.version != version:
        raise stale(AidApplication, application.id, noun="application", machine=LIFECYCLE)


def org_at_level(application: AidApplication, level: str) -> Org | None:
    """The applicant org itself or its ancestor at `level` (loaded with the application by
    access.get_application, so this reads nothing)."""
    return next((org for org in (application.org, *application.orgs_above)
                 if org.level == level), None)


def chain_orgs(application: AidApplication) -> list[Org]:
    """The org deciding each step: the applicant org's ancestor at that level."""
    orgs = []
    for level in application.program.chain:
        step_org = org_at_level(application, level)
        if step_org is None:
            message = "%(org)s has no %(level)s above it for this chain."
            params = {"org": application.org.name, "level": Code(LEVEL_LABELS, level)}
            raise Invalid(message, params=params,
                          details={"fields": {"org_id": [translate(message, params)]}})
        orgs.append(step_org)
    return orgs


def is_final_step(application: AidApplication) -> bool:
    """The step whose approval reserves money: decided alone, never in a workbench batch."""
    return application.step == len(application.program.chain) - 1


def open_step_todo(application: AidApplication, *, program_name: str, step_org: Org,
                   version: int) -> None:
    """The step's approvers (on that org exactly) see the application in their queue; the
    card is batchable exactly when `decide_in_batch` accepts it (not the final step)."""
    # Nobody would see it: the admins above are told. (A gap to-do of an earlier step is gone
    # already: that step was decided by an approver, whose grant closed it.)
    if not has_approver(step_org.id):
        open_gap_todo(application, step_org=step_org, program_name=program_name)
    todos.open_todo(
        kind=TODO_KIND, object_id=application.id, org_id=step_org.id, org_path=step_org.path,
        exact_org=True, role=Role.APPROVER, version=version,
        batchable=not is_final_step(application),
        title=f"帮扶申请：{application.beneficiary_name}",
        summary=f"{program_name} · {application.amount_fen / 100:.0f}元",
        action=f"/api/v1/aid/applications/{application.id}/decisions",
    )


def close_step_todo(application_id: int) -> None:
    todos.close_todo(kind=TODO_KIND, object_id=application_id)
    close_gap_todo(application_id)


def _refuse_unless_step_approver(actor_id: int, application: AidApplication) -> Org:
    """The org deciding the current step; only its own approvers may act (no skipping)."""
    step_org = application.step_org
    if application.applicant_id == actor_id:
        raise Forbidden("Nobody decides their own application.")
    if not application.viewer_decides_step:
        raise Forbidden("This step is decided by an approver of %(org)s.",
                        params={"org": step_org.name},
                        code="not_your_step", details={"step_org_id": step_org.id})
    return step_org


def _tell_applicant(application: AidApplication, *, event: str, title: str, body: str,
                    comment: str | None) -> None:
    notify(user_id=application.applicant_id, event=f"aid.{event}", title=title, body=body,
           data={"program_name": application.program.name,
                 "beneficiary": application.beneficiary_name,
                 "status": application.status, "comment": comment or ""},
           page=page_path("aid/application", id=application.id))


def decide(*, actor_id: int, application_id: int, action: str, comment: str | None,
           version: int, allow_final: bool = True) -> AidApplication:
    """approve → next step (or approved + reserved at the last); return → applicant; reject."""
    application = get_application(actor_id, application_id)
    LIFECYCLE.check(application.status, action)
    ensure_current(application, version)
    step_org = _refuse_unless_step_approver(actor_id, application)
    if action != "approve" and not comment:
        raise Invalid("Say why.", details={"fields": {"comment": [
            translate(N_("required to %(action)s"), {"action": Code(ACTION_LABELS, action)})]}})
    program = application.program
    step = application.step
    is_final = is_final_step(application)
    if is_final and not allow_final:
        raise Forbidden("The final step reserves money: decide it on its own, not in a batch.",
                        code="final_step_not_batchable")
    now = utcnow()
    before = {"status": application.status, "step": step, "version": application.version}
    next_org = None
    if action == "approve" and not is_final:
        next_org = org_at_level(application, program.chain[step + 1])
        if next_org is None:
            raise Conflict("No %(level)s org above the applicant any more.",
                           params={"level": Code(LEVEL_LABELS, program.chain[step + 1])})
        move(application, action, version=version, step=step + 1, step_org_id=next_org.id,
             last_comment=comment)
    elif action == "approve":
        # checked again, serialised per person: a parallel approval elsewhere is seen (the
        # household is only looked up when the program's rule counts it)
        household = (household_of(application.beneficiary_id_hash)
                     if program.repeat_scope == "household" else None)
        found = repeat.check(application, household, lock=True)
        move(application, action, version=version, status="approved", step=None,
             step_org_id=None, decided_at=now, last_comment=comment, repeat_aid=found)
        if program.notice_working_days:
            publish_notice(application)
    elif action == "return":
        move(application, action, version=version, status="returned", step=None,
             step_org_id=None, last_comment=comment)
    else:
        move(application, action, version=version, status="rejected", step=None,
             step_org_id=None, decided_at=now, last_comment=comment)
    record_event(application, actor_id=actor_id, action=action, from_status=before["status"],
                 to_status=application.status, step=step, org_id=step_org.id, comment=comment)
    audit.record(actor_id=actor_id, actor_role=Role.APPROVER, org_id=step_org.id,
                 action=f"aid.application.{action}", target_type="aid_application",
                 target_id=application.id, reason=comment, before=before,
                 after={"status": application.status, "step": application.step,
                        "version": application.version})
    if next_org is not None:
        open_step_todo(application, program_name=program.name, step_org=next_org,
                       version=application.version)
        _tell_applicant(application, event="step_approved", title="帮扶申请审核进度",
                        comment=comment, body=f"{step_org.name}已审核通过，转{next_org.name}审核。")
    else:
        close_step_todo(application.id)
        words = {"approve": ("帮扶申请已批准", "将在发放仪式上发放资助金。"),
                 "return": ("帮扶申请被退回", f"请修改后重新提交。原因：{comment}"),
                 "reject": ("帮扶申请未通过", f"原因：{comment}")}[action]
        _tell_applicant(application, event=application.status, title=words[0],
                        body=f"{program.name}：{words[1]}", comment=comment)
    # Last, so the program row stays locked only until the commit right after. A refusal
    # leaves the request's transaction to be discarded with everything written above.
    amount_fen = application.amount_fen
    if action == "approve" and is_final and not try_reserve(program_id=program.id,
                                                            amount_fen=amount_fen,
                                                            application_id=application.id,
                                                            owner_org_id=program.owner_org_id,
                                                            memo=program.name):
        left = left_fen(program.id)
        raise Conflict(
            "The program has %(left_yuan)s yuan left and this application needs "
            "%(amount_yuan)s yuan: ask the program's admin to add to the budget, or return "
            "the application.",
            params={"left_yuan": yuan(left), "amount_yuan": yuan(amount_fen),
                    "left_fen": left, "amount_fen": amount_fen},
            code="budget_exhausted",
            details={"amount_fen": amount_fen, "amount_yuan": yuan(amount_fen),
                     "left_fen": left, "left_yuan": yuan(left)})
    commit_keeping_loaded()
    return application


def decide_in_batch(*, actor_id: int, object_id: int, version: int, action: str,
                    comment: str | None) -> AidApplication:
    """Workbench batches are safe for intermediate steps only; the final one moves money."""
    return decide(actor_id=actor_id, application_id=object_id, action=action, comment=comment,
                  version=version, allow_final=False)
