"""What workers do at a station: check in (scan its code), rate it, leave feedback."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

import wxclient
from app.auth.models import User
from app.core import audit, todos
from app.core.db import is_unique_violation
from app.core.time import SHANGHAI, utcnow
from app.core.wechat import wechat
from app.errors import Conflict, Invalid, NotFound, ServiceUnavailable
from app.extensions import db
from app.notify.service import notify
from app.orgs.models import Org
from app.orgs.scope import authorize
from app.stations.models import Checkin, Feedback, Station, VisitDay
from app.stations.service import get_station_or_404, get_visible_station

CHECKIN_WINDOW_SECONDS = 600
OFFICERS = ("reviewer", "approver", "admin")
MINIPROGRAM_PAGE = "pages/station/checkin"


def station_code_png(*, actor_id: int, station_id: int) -> bytes:
    """The station's unlimited mini-program code; scanning it opens the check-in page."""
    station = get_station_or_404(station_id)
    authorize(actor_id, db.session.get(Org, station.org_id), ("admin",))
    try:
        return wechat().get_unlimited_code(f"s={station.code}", page=MINIPROGRAM_PAGE)
    except wxclient.WeChatError as exc:
        raise ServiceUnavailable("WeChat could not make the code; try again shortly.",
                                 code="wechat_unavailable",
                                 details={"errcode": exc.errcode}) from None


def check_in(*, user_id: int, station_id: int) -> tuple[bool, int]:
    """Count a visit unless this user was counted here in the last 10 minutes.

    Returns (counted, visits today). The window check reads the last counted check-in; the
    unique (station, user, window) index stops two racing scans from both counting.
    """
    station = get_visible_station(station_id, None)
    now = utcnow()
    recent = db.session.scalar(select(Checkin.id).where(
        Checkin.station_id == station.id, Checkin.user_id == user_id,
        Checkin.created_at > now - timedelta(seconds=CHECKIN_WINDOW_SECONDS)).limit(1))
    today = now.astimezone(SHANGHAI).date()
    counted = False
    if recent is None:
        try:
            with db.session.begin_nested():
                db.session.add(Checkin(station_id=station.id, user_id=user_id, created_at=now,
                                       window=int(now.timestamp()) // CHECKIN_WINDOW_SECONDS))
            _bump_visits(station.id, today)
            counted = True
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
    visits = db.session.scalar(select(VisitDay.visits).where(
        VisitDay.station_id == station.id, VisitDay.day == today)) or 0
    db.session.commit()
    return counted, visits


def _bump_visits(station_id: int, day: date) -> None:
    bumped = db.session.execute(
        update(VisitDay).where(VisitDay.station_id == station_id, VisitDay.day == day)
        .values(visits=VisitDay.visits + 1)).rowcount
    if bumped == 0:
        try:
            with db.session.begin_nested():
                db.session.add(VisitDay(station_id=station_id, day=day, visits=1))
        except IntegrityError:  # the first visit of the day raced another: add to it
            db.session.execute(
                update(VisitDay).where(VisitDay.station_id == station_id, VisitDay.day == day)
                .values(visits=VisitDay.visits + 1))


def visits(*, actor_id: int, station_id: int, start: date, end: date) -> list[VisitDay]:
    station = get_station_or_404(station_id)
    authorize(actor_id, db.session.get(Org, station.org_id), OFFICERS)
    if end < start or (end - start).days > 366:
        raise Invalid("Give a range of at most a year.", details={"fields": {"to": ["range"]}})
    return list(db.session.scalars(select(VisitDay).where(
        VisitDay.station_id == station_id, VisitDay.day >= start, VisitDay.day <= end)
        .order_by(VisitDay.day)))


def leave_feedback(*, user: User, station_id: int, rating: int, text: str | None) -> Feedback:
    """Text passes WeChat's content check: risky → 422, review → hidden until approved."""
    station = get_visible_station(station_id, None)
    status = "visible"
    if text:
        try:
            verdict = wechat().check_text(text, user.openid, scene=2)
        except wxclient.WeChatError as exc:
            raise ServiceUnavailable("The content check is not answering; try again shortly.",
                                     code="wechat_unavailable",
                                     details={"errcode": exc.errcode}) from None
        if verdict.suggest == "risky":
            raise Invalid("This text cannot be published.", code="content_rejected",
                          details={"fields": {"text": ["rejected by the content check"]}})
        if verdict.suggest == "review":
            status = "in_review"
    feedback = Feedback(station_id=station.id, user_id=user.id, rating=rating, text=text,
                        status=status, version=1)
    db.session.add(feedback)
    db.session.flush()
    if status == "in_review":
        _open_review_todo(feedback, station)
    db.session.commit()
    return feedback


def _open_review_todo(feedback: Feedback, station: Station) -> None:
    org = db.session.get(Org, station.org_id)
    todos.open_todo(kind="station_feedback", object_id=feedback.id, org_id=org.id,
                    org_path=org.path, role="admin", title=f"驿站评价待审核：{station.name}",
                    summary=f"{feedback.rating}星 · {(feedback.text or '')[:60]}",
                    version=feedback.version, action=f"/api/v1/feedback/{feedback.id}/review")


def public_feedback(*, station_id: int, limit: int, after_id: int | None) -> list[Feedback]:
    get_visible_station(station_id, None)
    query = select(Feedback).where(Feedback.station_id == station_id,
                                   Feedback.status == "visible")
    if after_id is not None:
        query = query.where(Feedback.id < after_id)
    return list(db.session.scalars(query.order_by(Feedback.id.desc()).limit(limit)))


def _feedback_for_officer(actor_id: int, feedback_id: int) -> tuple[Feedback, Org]:
    feedback = db.session.get(Feedback, feedback_id)
    if feedback is None:
        raise NotFound("No such feedback.")
    org = db.session.get(Org, db.session.get(Station, feedback.station_id).org_id)
    authorize(actor_id, org, ("admin",))
    return feedback, org


def _versioned_update(feedback: Feedback, version: int, **values) -> None:
    changed = db.session.execute(
        update(Feedback).where(Feedback.id == feedback.id, Feedback.version == version)
        .values(**values, version=Feedback.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        db.session.rollback()
        raise Conflict("This feedback changed since you loaded it.", code="stale_version")


def review_in_batch(*, actor_id: int, object_id: int, version: int, action: str,
                    comment: str | None) -> Feedback:
    return review(actor_id=actor_id, feedback_id=object_id, action=action, version=version)


def review(*, actor_id: int, feedback_id: int, action: str, version: int) -> Feedback:
    """Publish (approve) or reject feedback the content check held for review."""
    feedback, org = _feedback_for_officer(actor_id, feedback_id)
    if feedback.status != "in_review":
        raise Conflict("This feedback is not waiting for review.", code="invalid_transition",
                       details={"status": feedback.status})
    new_status = "visible" if action == "approve" else "rejected"
    _versioned_update(feedback, version, status=new_status)
    todos.close_todo(kind="station_feedback", object_id=feedback.id)
    audit.record(actor_id=actor_id, actor_role="admin", org_id=org.id,
                 action=f"feedback.{action}", target_type="station_feedback",
                 target_id=feedback.id, before={"status": "in_review"},
                 after={"status": new_status})
    db.session.commit()
    db.session.refresh(feedback)
    return feedback


def answer(*, actor_id: int, feedback_id: int, text: str, version: int) -> Feedback:
    feedback, org = _feedback_for_officer(actor_id, feedback_id)
    _versioned_update(feedback, version, answer=text, answered_by=actor_id,
                      answered_at=utcnow())
    audit.record(actor_id=actor_id, actor_role="admin", org_id=org.id,
                 action="feedback.answer", target_type="station_feedback",
                 target_id=feedback.id, after={"answer": text[:200]})
    notify(user_id=feedback.user_id, event="feedback.answered", title="您的驿站评价有了回复",
           body=text[:200], data={"station_id": feedback.station_id},
           page=f"pages/station/detail?id={feedback.station_id}")
    db.session.commit()
    db.session.refresh(feedback)
    return feedback
