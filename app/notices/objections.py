"""Objections to a notice: anyone logged in lodges one with a reason (the notice pauses);
an approver over the notice's org upholds it (the subject's domain takes it back) or
dismisses it (the notice runs on)."""

from __future__ import annotations

from sqlalchemy import select, update

from app.auth.models import User
from app.core import audit, todos
from app.core.db import insert_unique
from app.core.i18n import N_
from app.core.pagination import Page, keyset_page
from app.core.roles import DECIDERS, OFFICERS, Role
from app.core.states import guarded_update
from app.core.time import utcnow
from app.core.wechat import check_user_text
from app.errors import Conflict, FieldMessage, Forbidden, Invalid, NotFound
from app.extensions import db
from app.notices.models import OBJECTION, Notice, NoticeObjection
from app.notices.service import SUBJECTS, close_upheld, get_notice, pause, resume
from app.notify.service import notify
from app.orgs.scope import authorize

TODO_KIND = "notice_objection"


def lodge(*, actor_id: int, notice_id: int, reason: str) -> NoticeObjection:
    notice = get_notice(notice_id)
    if notice.status != "open":
        raise Conflict("This notice is over; objections are no longer taken.",
                       code="notice_closed")
    duplicate = Conflict("Your objection to this notice is waiting for an officer already.",
                         code="objection_exists")
    # answered before any write (SQLite: a refused request holds no write lock); the partial
    # unique index refuses a racing twin
    if db.session.scalar(select(NoticeObjection.id).where(
            NoticeObjection.notice_id == notice.id, NoticeObjection.user_id == actor_id,
            NoticeObjection.status == "open")) is not None:
        raise duplicate
    # officers, the objector and the to-do queue read it: WeChat checks it first (nothing is
    # stored when it is refused). "review" is accepted: an officer reads every objection
    # before it has any effect beyond the pause, which one account can cause only once.
    check_user_text(reason, openid=db.session.get(User, actor_id).openid, field="reason",
                    message=N_("This objection cannot be accepted: its wording did not pass "
                               "the content check. Say what you know in plain words."))
    objection = NoticeObjection(notice=notice, notice_id=notice.id, user_id=actor_id,
                                reason=reason, status="open", version=1)
    insert_unique(objection, duplicate=duplicate)
    # the counter moves only while the notice is open (a notice passing at the same moment
    # updates the same row: exactly one of the two wins); the clock stops
    if not pause(notice):
        raise Conflict("This notice is over; objections are no longer taken.",
                       code="notice_closed")
    todos.open_todo(kind=TODO_KIND, object_id=objection.id, org_id=notice.org_id,
                    org_path=notice.org.path, role=Role.APPROVER, version=objection.version,
                    title=f"公示异议：{notice.title}", summary=reason[:200],
                    action=f"/api/v1/notice-objections/{objection.id}/decision")
    db.session.commit()
    db.session.refresh(objection)
    return objection


def get_objection(actor_id: int, objection_id: int) -> NoticeObjection:
    """The objector and officers over the notice's org see it; 404 for anyone else."""
    objection = db.session.get(NoticeObjection, objection_id)
    if objection is None:
        raise NotFound("No such objection.")
    if objection.user_id != actor_id:
        authorize(actor_id, objection.notice.org, OFFICERS)
    return objection


def resolve(*, actor_id: int, objection_id: int, action: str, comment: str,
            version: int) -> NoticeObjection:
    objection = get_objection(actor_id, objection_id)
    notice = objection.notice
    if objection.user_id == actor_id:
        raise Forbidden("Nobody decides their own objection.")
    authorize(actor_id, notice.org, DECIDERS)
    if not comment:
        raise Invalid("Say why.", details={"fields": {"comment": [
            FieldMessage("Say why you uphold or dismiss the objection.")]}})
    target = OBJECTION.check(objection.status, action)
    before = {"status": objection.status, "version": objection.version}
    guarded_update(objection, values={"status": target, "resolution": comment,
                                      "resolved_by": actor_id, "resolved_at": utcnow()},
                   version=version, status="open", noun="objection", machine=OBJECTION)
    db.session.execute(
        update(Notice).where(Notice.id == notice.id, Notice.open_objections > 0)
        .values(open_objections=Notice.open_objections - 1, version=Notice.version + 1)
        .execution_options(synchronize_session=False))
    db.session.expire(notice)
    if action == "uphold" and close_upheld(notice):
        SUBJECTS[notice.subject_kind].on_upheld(notice.subject_id, actor_id, comment)
    elif action == "dismiss":
        resume(notice)
    todos.close_todo(kind=TODO_KIND, object_id=objection.id)
    audit.record(actor_id=actor_id, actor_role=Role.APPROVER, org_id=notice.org_id,
                 action=f"notice.objection.{action}", target_type="notice_objection",
                 target_id=objection.id, reason=comment, before=before,
                 after={"status": target})
    if objection.user_id is not None:
        verdict = "异议成立" if action == "uphold" else "异议未被采纳"
        notify(user_id=objection.user_id, event=f"notice.objection_{target}",
               title=f"公示异议处理结果：{verdict}", body=f"{notice.title}：{comment}"[:200],
               data={"notice_title": notice.title, "status": target, "comment": comment})
    db.session.commit()
    return db.session.get(NoticeObjection, objection.id)


def list_for_notice(*, actor_id: int, notice_id: int, limit: int, cursor: str | None) -> Page:
    """Officers over the notice's org: its objections, oldest first."""
    notice = get_notice(notice_id)
    authorize(actor_id, notice.org, OFFICERS)
    query = select(NoticeObjection).where(NoticeObjection.notice_id == notice.id)
    return keyset_page(query, keys=[NoticeObjection.id], limit=limit, cursor=cursor)


def list_mine(*, actor_id: int, limit: int, cursor: str | None) -> Page:
    query = select(NoticeObjection).where(NoticeObjection.user_id == actor_id)
    return keyset_page(query, keys=[NoticeObjection.id], limit=limit, cursor=cursor,
                       descending=True)
