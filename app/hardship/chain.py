"""The file's way up: grassroots review (after the home visit) → the level above re-checks →
public notice → the county union files it. Moves are guarded updates on the status and
version the officer saw; each step's approvers see it in their queue."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select, update

from app.core import audit, todos
from app.core.i18n import translate
from app.core.pages import page_path
from app.core.personal_data import mask_name
from app.core.roles import OFFICERS, Role
from app.core.states import guarded_update, stale
from app.core.time import SHANGHAI, utcnow
from app.core.workdays import shanghai_today
from app.errors import Conflict, FieldMessage, FieldProblems, Invalid
from app.extensions import db
from app.hardship.access import (
    chain_of,
    get_file,
    is_officer_over,
    require_decider,
    require_officer_over,
)
from app.hardship.documents import attach_visit_documents
from app.hardship.models import (
    LEVELS,
    LIFECYCLE,
    HardshipEvent,
    HardshipFile,
    HardshipMember,
    HardshipSettings,
    HardshipVisit,
)
from app.notices import service as notices
from app.notify.service import notify

TODO_KIND = "hardship_file"
NOTICE_KIND = "hardship_file"
EXIT_NOTICE_KIND = "hardship_exit"
DEFAULT_NOTICE_DAYS = 5


def record_event(hardship_file: HardshipFile, *, actor_id: int | None, action: str,
                 from_status: str | None, to_status: str, org_id: int | None = None,
                 comment: str | None = None) -> None:
    db.session.add(HardshipEvent(hardship_file_id=hardship_file.id, actor_id=actor_id,
                                 action=action, from_status=from_status, to_status=to_status,
                                 org_id=org_id, comment=comment))


def move(hardship_file: HardshipFile, action: str, *, version: int, **values: Any) -> str:
    """`action` checked against LIFECYCLE, written by a conditional UPDATE on the status and
    version the caller saw (the loser of two racing decisions gets 409 stale_version).
    Returns the status it came from."""
    from_status = hardship_file.status
    target = LIFECYCLE.check(from_status, action)
    values.setdefault("status", target)
    guarded_update(hardship_file, values=values, version=version, status=from_status,
                   noun="hardship file", machine=LIFECYCLE)
    return from_status


def ensure_current(hardship_file: HardshipFile, version: int) -> None:
    if hardship_file.version != version:
        raise stale(HardshipFile, hardship_file.id, noun="hardship file", machine=LIFECYCLE)


def settings_of(county_org_id: int) -> HardshipSettings | None:
    return db.session.get(HardshipSettings, county_org_id)


def notice_days(county_org_id: int) -> int:
    settings = settings_of(county_org_id)
    return settings.notice_working_days if settings else DEFAULT_NOTICE_DAYS


def in_chinese(message: str) -> str:
    """Text published on a notice board is Chinese whoever asked (it is stored)."""
    with force_locale("zh_Hans_CN"):
        return translate(message)


def day_start(day) -> datetime:
    """Midnight of a Shanghai day, as the aware time the queue stores."""
    return datetime.combine(day, time(0), SHANGHAI)


def set_holding(hardship_file: HardshipFile, holding: bool) -> None:
    """Members hold (or free) the household: the partial unique index refuses a number held
    by another file (flush inside the caller's savepoint)."""
    db.session.execute(update(HardshipMember).where(
        HardshipMember.file_id == hardship_file.id).values(holding=holding)
        .execution_options(synchronize_session=False))
    for member in hardship_file.members:
        db.session.expire(member)


def open_step_todo(hardship_file: HardshipFile, org, *, what: str,
                   waiting_since: datetime | None = None, endpoint: str = "decisions") -> None:
    todos.open_todo(
        kind=TODO_KIND, object_id=hardship_file.id, org_id=org.id, org_path=org.path,
        exact_org=True, role=Role.APPROVER, version=hardship_file.version,
        title=f"困难职工档案：{hardship_file.head_name}"[:120],
        summary=f"{what} · {hardship_file.org.name} · {in_chinese(LEVELS[hardship_file.level])}",
        action=f"/api/v1/hardship-files/{hardship_file.id}/{endpoint}",
        waiting_since=waiting_since, batchable=False)


def close_step_todo(file_id: int) -> None:
    todos.close_todo(kind=TODO_KIND, object_id=file_id)


def tell_applicant(hardship_file: HardshipFile, *, event: str, title: str, body: str) -> None:
    notify(user_id=hardship_file.applicant_id, event=f"hardship.{event}", title=title,
           body=body, data={"status": hardship_file.status, "org": hardship_file.org.name},
           page=page_path("hardship/file", id=hardship_file.id))


def visited_since_submit(hardship_file: HardshipFile) -> bool:
    submitted = max((e.created_at for e in hardship_file.events
                     if e.action in ("submit", "reopen")), default=None)
    return any(submitted is None or v.created_at >= submitted for v in hardship_file.visits)


def publish_notice(hardship_file: HardshipFile, *, kind: str, title: str) -> None:
    notices.publish(subject_kind=kind, subject_id=hardship_file.id, org=hardship_file.org,
                    title=title, masked_name=mask_name(hardship_file.head_name),
                    category=in_chinese(LEVELS[hardship_file.level]),
                    working_days=notice_days(hardship_file.county_org_id))


def one_year_after(day):
    """The same day next year (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def after_notice(working_days_end) -> datetime:
    return day_start(working_days_end + timedelta(days=1))


def decide(*, actor_id: int, file_id: int, action: str, comment: str | None,
           version: int) -> HardshipFile:
    """approve (grassroots → the level above → notice), return, reject; `file` by the
    county union once the notice passed."""
    hardship_file = get_file(actor_id, file_id)
    LIFECYCLE.check(hardship_file.status, action)
    ensure_current(hardship_file, version)
    grassroots, upper, county = chain_of(hardship_file.org)
    step_org = {"grassroots_review": grassroots, "upper_review": upper,
                "in_notice": county}[hardship_file.status]
    require_decider(actor_id, hardship_file, step_org)
    if action in ("return", "reject") and not comment:
        raise Invalid("Say why.", details={"fields": {"comment": [
            FieldMessage("Say why you return or reject the file.")]}})
    from_status = hardship_file.status
    name = hardship_file.head_name
    if action == "approve" and from_status == "grassroots_review":
        if not visited_since_submit(hardship_file):
            raise Conflict("Record the home visit by two officers first.",
                           code="home_visit_missing")
        move(hardship_file, action, version=version, status="upper_review",
             step_org_id=upper.id, last_comment=comment)
        open_step_todo(hardship_file, upper, what="复核")
    elif action == "approve":
        move(hardship_file, action, version=version, status="in_notice",
             step_org_id=county.id, last_comment=comment)
        publish_notice(hardship_file, kind=NOTICE_KIND, title="困难职工建档公示")
        notice = notices.live_notice(NOTICE_KIND, hardship_file.id)
        open_step_todo(hardship_file, county, what="公示期满后建档",
                       waiting_since=after_notice(notice.ends_on))
    elif action == "file":
        notices.require_passed(NOTICE_KIND, hardship_file.id)
        today = shanghai_today()
        move(hardship_file, action, version=version, step_org_id=None, filed_at=utcnow(),
             reviewed_on=today, review_due_on=one_year_after(today), last_comment=comment)
        close_step_todo(hardship_file.id)
    else:
        target = "returned" if action == "return" else "rejected"
        move(hardship_file, action, version=version, status=target, step_org_id=None,
             last_comment=comment)
        notices.withdraw(NOTICE_KIND, hardship_file.id)
        close_step_todo(hardship_file.id)
        if target == "rejected":
            set_holding(hardship_file, False)
    db.session.refresh(hardship_file)
    record_event(hardship_file, actor_id=actor_id, action=action, from_status=from_status,
                 to_status=hardship_file.status, org_id=step_org.id, comment=comment)
    audit.record(actor_id=actor_id, actor_role=Role.APPROVER, org_id=step_org.id,
                 action=f"hardship.file.{action}", target_type="hardship_file",
                 target_id=hardship_file.id, reason=comment,
                 before={"status": from_status, "version": version},
                 after={"status": hardship_file.status, "version": hardship_file.version})
    words = {"upper_review": ("困难职工档案审核进度",
                              f"{grassroots.name}已审核通过，转{upper.name}复核。"),
             "in_notice": ("困难职工档案进入公示", "已复核通过，正在公示。"),
             "filed": ("困难职工档案已建档", f"{county.name}已建档。"),
             "returned": ("困难职工档案被退回", f"请修改后重新提交。原因：{comment}"),
             "rejected": ("困难职工档案未通过", f"原因：{comment}")}[hardship_file.status]
    tell_applicant(hardship_file, event=hardship_file.status, title=words[0],
                   body=f"{name}：{words[1]}")
    db.session.commit()
    return get_file(actor_id, file_id)


def record_visit(*, actor_id: int, file_id: int, visited_on, second_officer_id: int,
                 findings: str, photo_file_ids: list[int], signed_application_file_id: int,
                 finance_consent_file_id: int) -> HardshipFile:
    """Two officers of the file's union (or above it) record the home visit."""
    hardship_file = get_file(actor_id, file_id)
    LIFECYCLE.check(hardship_file.status, "visit")
    require_officer_over(actor_id, hardship_file, roles=OFFICERS)
    problems = FieldProblems()
    if second_officer_id == actor_id:
        problems.invalid("second_officer_id", "Two different officers make the visit.")
    elif not is_officer_over(second_officer_id, hardship_file.org, OFFICERS):
        problems.invalid("second_officer_id",
                         "The second officer holds no role over %(org)s.",
                         {"org": hardship_file.org.name})
    if visited_on > shanghai_today():
        problems.invalid("visited_on", "The visit cannot be in the future.")
    problems.raise_if_any()
    visit = HardshipVisit(hardship_file_id=hardship_file.id, visited_on=visited_on,
                          first_officer_id=actor_id, second_officer_id=second_officer_id,
                          findings=findings)
    db.session.add(visit)
    db.session.flush()
    attach_visit_documents(actor_id, hardship_file, visit,
                           photos=photo_file_ids,
                           signed_application=signed_application_file_id,
                           finance_consent=finance_consent_file_id)
    record_event(hardship_file, actor_id=actor_id, action="visit",
                 from_status=hardship_file.status, to_status=hardship_file.status,
                 org_id=hardship_file.org_id, comment=findings[:500])
    audit.record(actor_id=actor_id, actor_role="officer", org_id=hardship_file.org_id,
                 action="hardship.file.visit", target_type="hardship_file",
                 target_id=hardship_file.id, after={"visit_id": visit.id})
    db.session.commit()
    return get_file(actor_id, file_id)


def on_upheld(file_id: int, actor_id: int, comment: str) -> None:
    """An upheld objection: a file in its filing notice goes back for changes (and frees its
    step); a file in its exit notice stays filed."""
    hardship_file = db.session.get(HardshipFile, file_id)
    from_status = hardship_file.status
    if from_status == "in_notice":
        values = {"status": "returned", "step_org_id": None, "last_comment": comment}
    else:
        values = {"status": "filed", "exit_reason": None, "exit_decision": None,
                  "last_comment": comment}
    LIFECYCLE.check(from_status, "objection_upheld")
    guarded_update(hardship_file, values=values, status=from_status, noun="hardship file",
                   machine=LIFECYCLE)
    close_step_todo(file_id)
    db.session.refresh(hardship_file)
    record_event(hardship_file, actor_id=actor_id, action="objection_upheld",
                 from_status=from_status, to_status=hardship_file.status, comment=comment)
    tell_applicant(hardship_file, event="objection_upheld", title="公示异议成立",
                   body=f"{hardship_file.head_name}：{comment}"[:200])


def on_notice_moved(file_id: int, ends_on) -> None:
    """A dismissed objection lengthened the notice: the filing (or closing) to-do waits for
    the day after its new last day, and the applicant learns the new date."""
    todos.reschedule(kind=TODO_KIND, object_id=file_id, waiting_since=after_notice(ends_on))
    hardship_file = db.session.get(HardshipFile, file_id)
    tell_applicant(hardship_file, event="notice_extended", title="公示期顺延",
                   body=f"{hardship_file.head_name}：公示异议未被采纳，公示期顺延至"
                        f"{ends_on.isoformat()}。")


def holding_file_of(id_hash: str) -> HardshipFile | None:
    """The open (holding) file a person's ID number is in, if any."""
    return db.session.scalar(select(HardshipFile).join(
        HardshipMember, HardshipMember.file_id == HardshipFile.id).where(
        HardshipMember.id_hash == id_hash, HardshipMember.holding.is_(True)).limit(1))
