"""公示 before payment: a program with `notice_working_days` publishes each application it
approves (masked name, village, category, amount); a batch takes an application only once its
notice ended with no open objection; an upheld objection revokes the approval."""

from __future__ import annotations

from sqlalchemy import select, update

from app.aid.budget import release
from app.aid.history import record_event
from app.aid.models import LIFECYCLE, AidApplication
from app.core.personal_data import mask_name
from app.core.states import guarded_update
from app.core.workdays import shanghai_today
from app.errors import Conflict
from app.extensions import db
from app.notices import service as notices
from app.notices.models import Notice
from app.notify.service import notify

NOTICE_KIND = "aid_application"


def publish_notice(application: AidApplication) -> None:
    program = application.program
    notices.publish(subject_kind=NOTICE_KIND, subject_id=application.id, org=application.org,
                    title=f"{program.name}拟资助名单公示"[:100],
                    masked_name=mask_name(application.beneficiary_name),
                    category=f"{application.category_name}·{application.tier_name}"[:50],
                    amount_fen=application.amount_fen,
                    working_days=program.notice_working_days)


def pass_notices(program_id: int, application_ids: set[int]) -> set[int]:
    """Close, as passed, the notices of these applications that ended with no open objection
    (one conditional UPDATE: an objection lodged at the same moment updates the same rows,
    so it either comes first and keeps its notice open, or finds it closed). Returns the
    applications whose notice passed, now or before."""
    db.session.execute(
        update(Notice).where(Notice.subject_kind == NOTICE_KIND,
                             Notice.subject_id.in_(application_ids), Notice.status == "open",
                             Notice.open_objections == 0, Notice.ends_on < shanghai_today())
        .values(status="closed", closed_reason="passed", version=Notice.version + 1)
        .execution_options(synchronize_session=False))
    return set(db.session.scalars(select(Notice.subject_id).where(
        Notice.subject_kind == NOTICE_KIND, Notice.subject_id.in_(application_ids),
        Notice.status == "closed", Notice.closed_reason == "passed")))


def require_notices_passed(program, application_ids: set[int]) -> None:
    if not program.notice_working_days:
        return
    passed = pass_notices(program.id, application_ids)
    waiting = sorted(application_ids - passed)
    if waiting:
        raise Conflict("Some applications are still in their public notice or have an open "
                       "objection.", code="notice_not_passed",
                       details={"application_ids": waiting})


def on_upheld(application_id: int, actor_id: int, comment: str) -> None:
    """The objection was right: the approval is undone and its reservation given back."""
    application = db.session.get(AidApplication, application_id)
    if application.status != "approved" or application.batch_id is not None:
        return
    LIFECYCLE.check(application.status, "revoke")
    amount, program_id = application.amount_fen, application.program_id
    guarded_update(application, values={"status": "rejected", "last_comment": comment},
                   status="approved", noun="application", machine=LIFECYCLE)
    release(program_id=program_id, amount_fen=amount, application_id=application_id)
    db.session.refresh(application)
    record_event(application, actor_id=actor_id, action="revoke", from_status="approved",
                 to_status="rejected", comment=comment)
    notify(user_id=application.applicant_id, event="aid.revoked", title="帮扶申请公示异议成立",
           body=f"{application.program.name}：{comment}"[:200],
           data={"program_name": application.program.name, "status": "rejected",
                 "comment": comment})
