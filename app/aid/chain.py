"""Decisions along the approval chain: each step by an approver of exactly that step's org;
the last approval reserves the amount from the budget."""

from __future__ import annotations

from app.aid import history
from app.aid.access import get_visible_application, holds_role_exactly
from app.aid.budget import try_reserve
from app.aid.models import AidApplication, AidProgram
from app.aid.transitions import ensure_allowed, ensure_current, transition
from app.core import audit
from app.core.time import utcnow
from app.errors import Conflict, Forbidden, Invalid
from app.extensions import db
from app.notify.service import notify
from app.orgs.models import Org
from app.orgs.service import ancestor_at_level


def _step_org_or_refuse(actor_id: int, application: AidApplication) -> Org:
    """The org deciding the current step; only its own approvers may act (no skipping)."""
    step_org = db.session.get(Org, application.step_org_id)
    if application.applicant_id == actor_id:
        raise Forbidden("Nobody decides their own application.")
    if not holds_role_exactly(actor_id, step_org.id, "approver"):
        raise Forbidden(f"This step is decided by an approver of {step_org.name}.",
                        code="not_your_step", details={"step_org_id": step_org.id})
    return step_org


def _tell_applicant(application: AidApplication, program: AidProgram, *, event: str,
                    title: str, body: str, comment: str | None) -> None:
    notify(user_id=application.applicant_id, event=f"aid.{event}", title=title, body=body,
           data={"program_name": program.name, "beneficiary": application.beneficiary_name,
                 "status": application.status, "comment": comment or ""},
           page=f"pages/aid/application?id={application.id}")


def decide(*, actor_id: int, application_id: int, action: str, comment: str | None,
           version: int, allow_final: bool = True) -> AidApplication:
    """approve → next step (or approved + reserved at the last); return → applicant; reject."""
    application = get_visible_application(actor_id, application_id)
    ensure_allowed(application, action)
    ensure_current(application, version)
    step_org = _step_org_or_refuse(actor_id, application)
    if action != "approve" and not comment:
        raise Invalid("Say why.", details={"fields": {"comment": [f"required to {action}"]}})
    program = db.session.get(AidProgram, application.program_id)
    step = application.step
    is_final = step == len(program.chain) - 1
    if is_final and not allow_final:
        raise Forbidden("The final step reserves money: decide it on its own, not in a batch.",
                        code="final_step_not_batchable")
    now = utcnow()
    before = {"status": application.status, "step": step, "version": application.version}
    next_org = None
    if action == "approve" and not is_final:
        next_org = ancestor_at_level(db.session.get(Org, application.org_id),
                                     program.chain[step + 1])
        if next_org is None:
            raise Conflict(f"No {program.chain[step + 1]} org above the applicant any more.")
        transition(application, action, version=version, step=step + 1,
                   step_org_id=next_org.id, last_comment=comment)
    elif action == "approve":
        transition(application, action, version=version, status="approved", step=None,
                   step_org_id=None, decided_at=now, last_comment=comment)
    elif action == "return":
        transition(application, action, version=version, status="returned", step=None,
                   step_org_id=None, last_comment=comment)
    else:
        transition(application, action, version=version, status="rejected", step=None,
                   step_org_id=None, decided_at=now, last_comment=comment)
    history.record_event(application, actor_id=actor_id, action=action,
                         from_status=before["status"], to_status=application.status, step=step,
                         org_id=step_org.id, comment=comment)
    audit.record(actor_id=actor_id, actor_role="approver", org_id=step_org.id,
                 action=f"aid.application.{action}", target_type="aid_application",
                 target_id=application.id, reason=comment, before=before,
                 after={"status": application.status, "step": application.step,
                        "version": application.version})
    if next_org is not None:
        history.open_step_todo(application, program_name=program.name, step_org=next_org,
                               version=application.version)
        _tell_applicant(application, program, event="step_approved",
                        title="帮扶申请审核进度", comment=comment,
                        body=f"{step_org.name}已审核通过，转{next_org.name}审核。")
    else:
        history.close_step_todo(application.id)
        words = {"approve": ("帮扶申请已批准", "将在发放仪式上发放资助金。"),
                 "return": ("帮扶申请被退回", f"请修改后重新提交。原因：{comment}"),
                 "reject": ("帮扶申请未通过", f"原因：{comment}")}[action]
        _tell_applicant(application, program, event=application.status, title=words[0],
                        body=f"{program.name}：{words[1]}", comment=comment)
    # Last, so the program row stays locked only until the commit right after.
    amount_fen = application.amount_fen
    if action == "approve" and is_final and not try_reserve(program_id=program.id,
                                                            amount_fen=amount_fen):
        db.session.rollback()
        raise Conflict("The program's budget cannot cover this application.",
                       code="budget_exhausted", details={"amount_fen": amount_fen})
    db.session.commit()
    return application


def decide_in_batch(*, actor_id: int, object_id: int, version: int, action: str,
                    comment: str | None) -> AidApplication:
    """Workbench batches are safe for intermediate steps only; the final one moves money."""
    return decide(actor_id=actor_id, application_id=object_id, action=action, comment=comment,
                  version=version, allow_final=False)
