"""Keeping files current: the yearly review, closing (脱困: a reason, the collective decision
and its own notice), the 6-month follow-up after exit, reopening; the daily job that puts
due reviews and follow-ups in the officers' queue, and the one that withdraws abandoned drafts
and returned files nobody resubmitted (`withdraw_abandoned`)."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core import audit, todos
from app.core.db import is_unique_violation
from app.core.roles import Role
from app.core.time import utcnow
from app.core.workdays import shanghai_today
from app.errors import AppError, Conflict
from app.extensions import db
from app.hardship.access import chain_of, get_file, require_decider, require_officer_over
from app.hardship.chain import (
    EXIT_NOTICE_KIND,
    after_notice,
    close_step_todo,
    ensure_current,
    in_chinese,
    move,
    one_year_after,
    open_step_todo,
    publish_notice,
    record_event,
    set_holding,
    tell_applicant,
)
from app.hardship.households import _assess_into, _household_taken
from app.hardship.models import LEVELS, LIFECYCLE, HardshipEvent, HardshipFile
from app.notices import service as notices

REVIEW_KIND = "hardship_review"
FOLLOW_UP_KIND = "hardship_follow_up"
FOLLOW_UP_MONTHS = 6


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 August + 6 → 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _audit(actor_id: int, hardship_file: HardshipFile, action: str, reason: str | None,
           before: dict) -> None:
    audit.record(actor_id=actor_id, actor_role=Role.APPROVER, org_id=hardship_file.org_id,
                 action=f"hardship.file.{action}", target_type="hardship_file",
                 target_id=hardship_file.id, reason=reason, before=before,
                 after={"status": hardship_file.status, "version": hardship_file.version})


def review(*, actor_id: int, file_id: int, version: int, findings: str,
           **figures) -> HardshipFile:
    """The yearly review: new figures re-assess the level; the next review is due a year on."""
    hardship_file = get_file(actor_id, file_id)
    require_officer_over(actor_id, hardship_file)
    ensure_current(hardship_file, version)
    before = {"status": hardship_file.status, "level": hardship_file.level,
              "version": version}
    for key, value in figures.items():
        setattr(hardship_file, key, value)
    _assess_into(hardship_file)
    today = shanghai_today()
    move(hardship_file, "review", version=version, reviewed_on=today,
         review_due_on=one_year_after(today), level=hardship_file.level,
         income_items=hardship_file.income_items, fixed_costs=hardship_file.fixed_costs,
         accident_costs_fen=hardship_file.accident_costs_fen,
         yearly_income_fen=hardship_file.yearly_income_fen,
         yearly_fixed_costs_fen=hardship_file.yearly_fixed_costs_fen,
         poverty_line_fen=hardship_file.poverty_line_fen)
    todos.close_todo(kind=REVIEW_KIND, object_id=hardship_file.id)
    db.session.refresh(hardship_file)
    record_event(hardship_file, actor_id=actor_id, action="review", from_status="filed",
                 to_status="filed", org_id=hardship_file.org_id,
                 comment=f"{in_chinese(LEVELS[hardship_file.level])}：{findings}"[:2000])
    _audit(actor_id, hardship_file, "review", findings, before)
    db.session.commit()
    return get_file(actor_id, file_id)


def propose_close(*, actor_id: int, file_id: int, version: int, reason: str,
                  decision_note: str) -> HardshipFile:
    """脱困: the grassroots union's collective decision, then its own notice period."""
    hardship_file = get_file(actor_id, file_id)
    grassroots, _, county = chain_of(hardship_file.org)
    require_decider(actor_id, hardship_file, grassroots)
    ensure_current(hardship_file, version)
    move(hardship_file, "close", version=version, exit_reason=reason,
         exit_decision=decision_note, step_org_id=county.id)
    db.session.refresh(hardship_file)
    publish_notice(hardship_file, kind=EXIT_NOTICE_KIND, title="困难职工脱困公示")
    notice = notices.live_notice(EXIT_NOTICE_KIND, hardship_file.id)
    open_step_todo(hardship_file, county, what="脱困公示期满后销档",
                   waiting_since=after_notice(notice.ends_on), endpoint="confirm-close")
    todos.close_todo(kind=REVIEW_KIND, object_id=hardship_file.id)
    record_event(hardship_file, actor_id=actor_id, action="close", from_status="filed",
                 to_status="exit_notice", org_id=grassroots.id,
                 comment=f"{reason}（{decision_note}）"[:2000])
    _audit(actor_id, hardship_file, "close", reason, {"status": "filed", "version": version})
    db.session.commit()
    return get_file(actor_id, file_id)


def confirm_close(*, actor_id: int, file_id: int, version: int) -> HardshipFile:
    """The county union closes the file once the exit notice passed; the household is freed
    and followed for six months."""
    hardship_file = get_file(actor_id, file_id)
    _, _, county = chain_of(hardship_file.org)
    require_decider(actor_id, hardship_file, county)
    ensure_current(hardship_file, version)
    LIFECYCLE.check(hardship_file.status, "confirm_close")
    notices.require_passed(EXIT_NOTICE_KIND, hardship_file.id)
    today = shanghai_today()
    move(hardship_file, "confirm_close", version=version, step_org_id=None,
         closed_at=utcnow(), follow_up_until=months_after(today, FOLLOW_UP_MONTHS),
         followed_up_on=None)
    set_holding(hardship_file, False)
    close_step_todo(hardship_file.id)
    db.session.refresh(hardship_file)
    record_event(hardship_file, actor_id=actor_id, action="confirm_close",
                 from_status="exit_notice", to_status="closed", org_id=county.id)
    _audit(actor_id, hardship_file, "confirm_close", None,
           {"status": "exit_notice", "version": version})
    tell_applicant(hardship_file, event="closed", title="困难职工档案已销档",
                   body=f"{hardship_file.head_name}：已脱困销档，六个月内工会将回访。")
    db.session.commit()
    return get_file(actor_id, file_id)


def follow_up(*, actor_id: int, file_id: int, version: int, note: str) -> HardshipFile:
    """The visit after exit: recorded on the file, its reminder closed."""
    hardship_file = get_file(actor_id, file_id)
    require_officer_over(actor_id, hardship_file)
    move(hardship_file, "follow_up", version=version, followed_up_on=shanghai_today())
    todos.close_todo(kind=FOLLOW_UP_KIND, object_id=hardship_file.id)
    db.session.refresh(hardship_file)
    record_event(hardship_file, actor_id=actor_id, action="follow_up", from_status="closed",
                 to_status="closed", org_id=hardship_file.org_id, comment=note)
    _audit(actor_id, hardship_file, "follow_up", note, {"status": "closed", "version": version})
    db.session.commit()
    return get_file(actor_id, file_id)


def reopen(*, actor_id: int, file_id: int, version: int, reason: str) -> HardshipFile:
    """Hardship returned: the closed file goes back to its grassroots union (a new home visit
    is needed), holding its household again — unless another open file holds it now."""
    hardship_file = get_file(actor_id, file_id)
    grassroots, _, _ = chain_of(hardship_file.org)
    require_officer_over(actor_id, hardship_file)
    if hardship_file.de_identified:
        raise Conflict("This file's personal data is gone; open a new file.",
                       code="file_de_identified")
    try:
        with db.session.begin_nested():
            move(hardship_file, "reopen", version=version, step_org_id=grassroots.id,
                 closed_at=None, follow_up_until=None, exit_reason=None, exit_decision=None,
                 last_comment=reason)
            set_holding(hardship_file, True)
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise _household_taken(hardship_file, actor_id) from None
    todos.close_todo(kind=FOLLOW_UP_KIND, object_id=hardship_file.id)
    db.session.refresh(hardship_file)
    record_event(hardship_file, actor_id=actor_id, action="reopen", from_status="closed",
                 to_status="grassroots_review", org_id=grassroots.id, comment=reason)
    open_step_todo(hardship_file, grassroots, what="重新入户核查并初审")
    _audit(actor_id, hardship_file, "reopen", reason, {"status": "closed", "version": version})
    db.session.commit()
    return get_file(actor_id, file_id)


def open_due_reminders(now: datetime | None = None) -> dict[str, int]:
    """Daily: a review to-do for each filed file whose yearly review is due, a follow-up
    to-do for each closed file whose six months are over and not yet followed up. Idempotent
    (an open to-do stays as it is); commits."""
    today = shanghai_today(now)
    opened = {"reviews": 0, "follow_ups": 0}
    due_reviews = db.session.scalars(select(HardshipFile).where(
        HardshipFile.status == "filed", HardshipFile.review_due_on <= today))
    for hardship_file in due_reviews:
        if todos.find_todo(REVIEW_KIND, hardship_file.id) is None:
            _remind(hardship_file, REVIEW_KIND, "年度复核到期", hardship_file.review_due_on,
                    "reviews")
            opened["reviews"] += 1
    due_follow_ups = db.session.scalars(select(HardshipFile).where(
        HardshipFile.status == "closed", HardshipFile.follow_up_until <= today,
        HardshipFile.followed_up_on.is_(None)))
    for hardship_file in due_follow_ups:
        if todos.find_todo(FOLLOW_UP_KIND, hardship_file.id) is None:
            _remind(hardship_file, FOLLOW_UP_KIND, "脱困满六个月回访",
                    hardship_file.follow_up_until, "follow-up")
            opened["follow_ups"] += 1
    db.session.commit()
    return opened


def _remind(hardship_file: HardshipFile, kind: str, what: str, due: date, endpoint: str) -> None:
    org = hardship_file.org
    todos.open_todo(kind=kind, object_id=hardship_file.id, org_id=org.id, org_path=org.path,
                    role=Role.APPROVER, version=hardship_file.version,
                    title=f"困难职工档案：{hardship_file.head_name}"[:120],
                    summary=f"{what}（{due.isoformat()}）· {org.name}",
                    action=f"/api/v1/hardship-files/{hardship_file.id}/{endpoint}",
                    batchable=False)


ABANDONED = {
    "draft": ("草稿", "一年多没有修改"),
    "returned": ("退回补正的档案", "退回后逾期未重新提交"),
}


def _abandoned(status: str, cutoff: datetime) -> list[int]:
    """Files in `status` whose clock (the last event of a draft, the return of a returned
    file) is at or before `cutoff`."""
    events = select(HardshipEvent.hardship_file_id).group_by(HardshipEvent.hardship_file_id)
    if status == "returned":
        events = events.where(HardshipEvent.to_status == "returned")
    events = events.having(func.max(HardshipEvent.created_at) <= cutoff)
    return list(db.session.scalars(select(HardshipFile.id).where(
        HardshipFile.status == status, HardshipFile.id.in_(events)).order_by(HardshipFile.id)))


def withdraw_abandoned(now: datetime | None = None) -> dict[str, int]:
    """Daily: a draft nobody changed for `HARDSHIP_ABANDON_DAYS["draft"]` days (one year) and
    a returned file nobody resubmitted for `["returned"]` days (180) are withdrawn by the job
    (an event without an actor), the applicant told why. The household is free for a new
    file, and the withdrawn file is kept `RETENTION_DAYS["hardship_ended"]` from this event.
    One file at a time: a file the applicant changes meanwhile (409) stays as it is. Commits."""
    now = now or utcnow()
    days = current_app.config["HARDSHIP_ABANDON_DAYS"]
    withdrawn = {"drafts_withdrawn": 0, "returned_withdrawn": 0}
    for status, counter in (("draft", "drafts_withdrawn"), ("returned", "returned_withdrawn")):
        for file_id in _abandoned(status, now - timedelta(days=int(days[status]))):
            hardship_file = db.session.get(HardshipFile, file_id)
            try:
                with db.session.begin_nested():
                    move(hardship_file, "withdraw", version=hardship_file.version,
                         step_org_id=None)
                    set_holding(hardship_file, False)
            except AppError:  # changed since it was read: not abandoned after all
                db.session.rollback()
                continue
            close_step_todo(hardship_file.id)
            db.session.refresh(hardship_file)
            record_event(hardship_file, actor_id=None, action="withdraw", from_status=status,
                         to_status="withdrawn", comment=f"逾期自动撤回（{ABANDONED[status][1]}）")
            what, why = ABANDONED[status]
            tell_applicant(hardship_file, event="withdrawn", title="困难职工档案已自动撤回",
                           body=f"{hardship_file.head_name}：您的{what}{why}，已自动撤回。"
                                "如仍有困难，可重新建档。")
            db.session.commit()
            withdrawn[counter] += 1
    return withdrawn
