"""Publishing notices and passing them; what domains call. A notice pauses while an objection
is open and passes only after its last working day with none open.

The pause rule (one place for every kind of notice): the clock stops on the day the first
open objection is lodged (`pause`); when the last open one is dismissed (`resume`) the notice
runs on for the working days it had left, so `ends_on` moves by the working days the pause
took — from the day it began (not before the publication day, which never counts) up to and
including the dismissal day (which, like the publication day, does not count towards the
period). Overlapping objections make one pause. An objection lodged after the last day moves
nothing: the period was over. An upheld objection closes the notice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, update

from app.core.db import insert_unique
from app.core.pagination import Page, keyset_page
from app.core.time import utcnow
from app.core.workdays import add_working_days, shanghai_today, working_days_between
from app.errors import Conflict, NotFound
from app.extensions import db
from app.notices.models import Notice, NoticeObjection
from app.orgs.models import Org
from app.orgs.scope import get_org_or_404, in_subtree


@dataclass(frozen=True)
class Subject:
    """What a notice's domain does when an objection to it is upheld: `on_upheld(subject_id,
    actor_id, comment)` in the resolving transaction (e.g. the file goes back for changes);
    and, optionally, when a dismissed objection moved the end date: `on_moved(subject_id,
    ends_on)` (e.g. the filing to-do waits for the new date)."""

    kind: str
    on_upheld: Callable[[int, int, str], None]
    on_moved: Callable[[int, date], None] | None = None


SUBJECTS: dict[str, Subject] = {}
ERASED_TEXT = "（已删除）"


def register_subject(subject: Subject) -> None:
    """From a domain's `register_hooks()` (latest wins: apps are built many times)."""
    SUBJECTS[subject.kind] = subject


def publish(*, subject_kind: str, subject_id: int, org: Org, title: str, masked_name: str,
            category: str, working_days: int, amount_fen: int | None = None) -> Notice:
    """Publish from today (Asia/Shanghai) for `working_days` working days; flushes only.
    The partial unique index refuses a second live notice of the same subject."""
    today = shanghai_today()
    notice = Notice(subject_kind=subject_kind, subject_id=subject_id, org=org,
                    org_id=org.id, title=title, masked_name=masked_name, place=org.name,
                    category=category, amount_fen=amount_fen, working_days=working_days,
                    starts_on=today, ends_on=add_working_days(today, working_days),
                    status="open", open_objections=0, version=1)
    insert_unique(notice, duplicate=Conflict("This is being published already.",
                                             code="notice_exists"))
    return notice


def pause(notice: Notice) -> bool:
    """An objection was lodged: the counter goes up and, unless it is paused already, the
    clock stops today. One UPDATE (two objections at once: the first day wins). Flushes
    only; False when the notice is no longer open."""
    moved = db.session.execute(
        update(Notice).where(Notice.id == notice.id, Notice.status == "open")
        .values(open_objections=Notice.open_objections + 1,
                paused_on=func.coalesce(Notice.paused_on, shanghai_today()),
                version=Notice.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.expire(notice)
    return moved == 1


def paused_working_days(*, starts_on: date, ends_on: date, paused_on: date,
                        resumed_on: date) -> int:
    """The working days a pause from `paused_on` to `resumed_on` (both included) moves the
    end by: none before the publication day's next day or when the period was over."""
    if paused_on > ends_on:
        return 0
    return max(0, working_days_between(max(paused_on - timedelta(days=1), starts_on),
                                       resumed_on))


def resume(notice: Notice) -> None:
    """An objection was resolved (after its counter UPDATE, which holds the row): when none
    is open any more the clock runs again and the end moves by the pause. Flushes only."""
    db.session.refresh(notice)
    if notice.status != "open" or notice.open_objections or notice.paused_on is None:
        return
    days = paused_working_days(starts_on=notice.starts_on, ends_on=notice.ends_on,
                               paused_on=notice.paused_on, resumed_on=shanghai_today())
    ends_on = add_working_days(notice.ends_on, days)
    moved = db.session.execute(
        update(Notice).where(Notice.id == notice.id, Notice.status == "open",
                             Notice.open_objections == 0,
                             Notice.paused_on == notice.paused_on)
        .values(ends_on=ends_on, paused_on=None,
                paused_working_days=Notice.paused_working_days + days,
                version=Notice.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.expire(notice)
    subject = SUBJECTS.get(notice.subject_kind)
    if moved == 1 and days and subject is not None and subject.on_moved is not None:
        subject.on_moved(notice.subject_id, ends_on)


def live_notice(subject_kind: str, subject_id: int) -> Notice | None:
    return db.session.scalar(select(Notice).where(
        Notice.subject_kind == subject_kind, Notice.subject_id == subject_id,
        Notice.status == "open"))


def _close(notice: Notice, reason: str, *, only_if_clear: bool) -> bool:
    conditions = [Notice.id == notice.id, Notice.status == "open"]
    if only_if_clear:
        # the guard against an objection lodged at the same moment: both UPDATE this row,
        # so one of them sees the other's write
        conditions += [Notice.open_objections == 0, Notice.ends_on < shanghai_today()]
    moved = db.session.execute(
        update(Notice).where(*conditions)
        .values(status="closed", closed_reason=reason, closed_at=utcnow(),
                version=Notice.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.expire(notice)
    return moved == 1


def require_passed(subject_kind: str, subject_id: int) -> Notice:
    """Close the subject's notice as passed, or 409: no notice, still running, or paused by
    an open objection. Flushes only."""
    notice = live_notice(subject_kind, subject_id)
    if notice is None:
        raise Conflict("There is no notice being published for this.", code="notice_missing")
    # the answer from what was read first, before any write; the conditional UPDATE then
    # guards against an objection lodged meanwhile
    if not (notice.open_objections or shanghai_today() <= notice.ends_on) and _close(
            notice, "passed", only_if_clear=True):
        return notice
    if notice.status == "open" and notice.open_objections:
        raise Conflict("An objection to the notice is waiting for an officer.",
                       code="objection_open",
                       details={"notice_id": notice.id,
                                "open_objections": notice.open_objections})
    if notice.status == "open":
        raise Conflict("The notice runs until %(ends_on)s.",
                       params={"ends_on": notice.ends_on.isoformat()}, code="notice_running",
                       details={"notice_id": notice.id, "ends_on": notice.ends_on.isoformat()})
    raise Conflict("There is no notice being published for this.", code="notice_missing")


def withdraw(subject_kind: str, subject_id: int) -> None:
    """The subject left the process (returned, rejected): its live notice, if any, closes."""
    notice = live_notice(subject_kind, subject_id)
    if notice is not None:
        _close(notice, "withdrawn", only_if_clear=False)


def close_upheld(notice: Notice) -> bool:
    return _close(notice, "upheld", only_if_clear=False)


def is_clear(subject_kind: str, subject_id: int) -> bool:
    """The subject's notice passed (its last notice closed as passed)."""
    return db.session.scalar(select(Notice.id).where(
        Notice.subject_kind == subject_kind, Notice.subject_id == subject_id,
        Notice.status == "closed", Notice.closed_reason == "passed").limit(1)) is not None


def get_notice(notice_id: int) -> Notice:
    """Notices are public (their names are masked)."""
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("No such notice.")
    return notice


def list_current(*, org_id: int, limit: int, cursor: str | None) -> Page:
    """Open notices of an org and the orgs under it, newest first (public)."""
    org = get_org_or_404(org_id)
    query = (select(Notice).join(Org, Org.id == Notice.org_id)
             .where(Notice.status == "open", in_subtree(Org.path, org.path)))
    return keyset_page(query, keys=[Notice.id], limit=limit, cursor=cursor, descending=True)



def forget_subjects(kinds: tuple[str, ...], subject_ids: list[int]) -> None:
    """Past the subjects' retention: what objectors and officers wrote about them goes (the
    objections keep their status: the notice's history). Flushes only."""
    notice_ids = select(Notice.id).where(Notice.subject_kind.in_(kinds),
                                         Notice.subject_id.in_(subject_ids))
    db.session.execute(update(NoticeObjection).where(NoticeObjection.notice_id.in_(notice_ids))
                       .values(reason=ERASED_TEXT, resolution=None)
                       .execution_options(synchronize_session=False))
