"""Feedback: workers rate a station (text passes WeChat's content check), officers review
what the check held and answer.

Two to-dos for the station's admins: the content check's hold (`station_feedback`, decided
by approve/reject, batchable) and published feedback waiting for an answer
(`station_feedback_answer`: a low rating or a question, until answered; an answer needs its
own text, so it is never batched).

Only a visitor rates, and each counts once: a rating needs a counted check-in at the station
in the last `RATING_CHECKIN_DAYS` days (403 `checkin_required`), and a user's new feedback
supersedes their earlier one on the station (its text and answer stay, its rating stops
counting; the partial unique index on (station, user) of current feedback is the rule).
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from app.auth.models import User
from app.core import audit, todos
from app.core.db import insert_unique
from app.core.i18n import N_
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import ADMINS, Role
from app.core.states import StateMachine, guarded_update
from app.core.time import utcnow
from app.core.wechat import check_user_text
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.notify.service import notify
from app.stations.access import get_feedback, get_station
from app.stations.models import FEEDBACK_STATUSES, Checkin, Feedback, Station
from app.stations.search import add_rating
from app.stations.vocab import FEEDBACK_ACTIONS, FEEDBACK_STATUS_LABELS

TODO_KIND = "station_feedback"
ANSWER_KIND = "station_feedback_answer"
LOW_RATING = 2  # stars at or under this wait for an answer
# Feedback has no kind: a question is text that asks one — a question mark (half or full
# width) or a clause ending in 吗 ("有热水吗"), which is how a worker types one.
QUESTION = re.compile(r"[?？]|吗(?=[\s。，,！!~～]|$)")
# held by the content check → published or rejected; an answer changes no status
REVIEW = StateMachine("feedback", noun=N_("feedback"), statuses=FEEDBACK_STATUS_LABELS,
                      actions=FEEDBACK_ACTIONS, moves={
    "approve": (("in_review",), "visible"),
    "reject": (("in_review",), "rejected"),
    "answer": (FEEDBACK_STATUSES, None),
})


def leave_feedback(*, user: User, station_id: int, rating: int, text: str | None) -> Feedback:
    """Text passes WeChat's content check: risky → 422, review → hidden until approved.

    Needs a check-in here in the last days; replaces the user's earlier rating of the station.
    """
    station = get_station(None, station_id)
    require_recent_checkin(user.id, station)
    status = "visible"
    if text:
        suggest = check_user_text(text, openid=user.openid, field="text",
                                  message=N_("This text cannot be published."))
        if suggest == "review":
            status = "in_review"
    feedback = Feedback(station_id=station.id, user_id=user.id, rating=rating, text=text,
                        status=status, version=1)
    _replace_current(feedback)
    if status == "in_review":
        _open_review_todo(feedback, station)
    else:
        add_rating(station.id, rating)
        _open_answer_todo_if_waiting(feedback, station)
    db.session.commit()
    return feedback


def require_recent_checkin(user_id: int, station: Station) -> None:
    days = current_app.config["RATING_CHECKIN_DAYS"]
    since = utcnow() - timedelta(days=days)
    visited = db.session.scalar(select(Checkin.id).where(
        Checkin.user_id == user_id, Checkin.station_id == station.id,
        Checkin.created_at > since).limit(1))
    if visited is None:
        raise Forbidden("Rate a station after visiting it: scan the code on its sign to check "
                        "in, then rate it within %(days)s days.", params={"days": days},
                        code="checkin_required", details={"days": days})


def _replace_current(feedback: Feedback) -> None:
    """Supersede the user's current feedback on the station and add the new one (flushes).

    Two racing posts of one user: the index lets one through; the other tries once more
    against the winner, then is told to try again.
    """
    for _attempt in range(2):
        current = db.session.execute(
            select(Feedback.id, Feedback.status, Feedback.rating).where(
                Feedback.station_id == feedback.station_id, Feedback.user_id == feedback.user_id,
                Feedback.superseded_at.is_(None))).first()
        if current is not None:
            # the conditional UPDATE: of two racing posts only one retires the old rating
            retired = db.session.execute(
                update(Feedback).where(Feedback.id == current.id,
                                       Feedback.superseded_at.is_(None))
                .values(superseded_at=utcnow()).execution_options(synchronize_session=False)
            ).rowcount
            if retired == 1 and current.status == "visible":
                add_rating(feedback.station_id, -current.rating, count=-1)  # stops counting
        if insert_unique(feedback):
            return
    raise Conflict("Your rating of this station is being saved from another request; "
                   "try again.", code="rating_in_progress")


def waits_for_answer(feedback: Feedback) -> bool:
    """Published, unanswered, and a low rating or a question."""
    return (feedback.status == "visible" and feedback.answer is None
            and (feedback.rating <= LOW_RATING or bool(QUESTION.search(feedback.text or ""))))


def _open_review_todo(feedback: Feedback, station: Station) -> None:
    org = station.org
    todos.open_todo(kind=TODO_KIND, object_id=feedback.id, org_id=org.id,
                    org_path=org.path, role=Role.ADMIN, title=f"驿站评价待审核：{station.name}",
                    summary=f"{feedback.rating}星 · {(feedback.text or '')[:60]}",
                    version=feedback.version, action=f"/api/v1/feedback/{feedback.id}/review")


def _open_answer_todo_if_waiting(feedback: Feedback, station: Station) -> None:
    if not waits_for_answer(feedback):
        return
    org = station.org
    todos.open_todo(kind=ANSWER_KIND, object_id=feedback.id, org_id=org.id,
                    org_path=org.path, role=Role.ADMIN, title=f"驿站评价待回复：{station.name}",
                    summary=f"{feedback.rating}星 · {(feedback.text or '')[:60]}",
                    version=feedback.version, action=f"/api/v1/feedback/{feedback.id}/answer",
                    waiting_since=feedback.created_at)


def public_feedback(*, station_id: int, limit: int, cursor: str | None) -> Page[Feedback]:
    """Published feedback of a visible station, newest first."""
    station = get_station(None, station_id)
    query = select(Feedback).where(Feedback.station_id == station.id,
                                   Feedback.status == "visible")
    return keyset_page(query, keys=[Feedback.id], limit=limit, cursor=cursor, descending=True)


def review_in_batch(*, actor_id: int, object_id: int, version: int, action: str,
                    comment: str | None) -> Feedback:
    return review(actor_id=actor_id, feedback_id=object_id, action=action, version=version)


def review(*, actor_id: int, feedback_id: int, action: str, version: int) -> Feedback:
    """Publish (approve) or reject feedback the content check held for review."""
    feedback = get_feedback(actor_id, feedback_id, roles=ADMINS)
    before = feedback.status
    new_status = REVIEW.check(before, action)
    guarded_update(feedback, values={"status": new_status}, version=version, status=before,
                   noun="feedback", machine=REVIEW)
    todos.close_todo(kind=TODO_KIND, object_id=feedback.id)
    if new_status == "visible" and feedback.superseded_at is None:  # a replaced one never counts
        add_rating(feedback.station_id, feedback.rating)
    _open_answer_todo_if_waiting(feedback, feedback.station)  # published: may wait for one
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=feedback.station.org_id,
                 action=f"feedback.{action}", target_type="station_feedback",
                 target_id=feedback.id, before={"status": before},
                 after={"status": new_status})
    db.session.commit()
    return feedback


def answer(*, actor_id: int, feedback_id: int, text: str, version: int) -> Feedback:
    feedback = get_feedback(actor_id, feedback_id, roles=ADMINS)
    REVIEW.check(feedback.status, "answer")
    guarded_update(feedback, values={"answer": text, "answered_by": actor_id,
                                     "answered_at": utcnow()},
                   version=version, noun="feedback", machine=REVIEW)
    todos.close_todo(kind=ANSWER_KIND, object_id=feedback.id)
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=feedback.station.org_id,
                 action="feedback.answer", target_type="station_feedback",
                 target_id=feedback.id, after={"answer": text[:200]})
    notify(user_id=feedback.user_id, event="feedback.answered", title="您的驿站评价有了回复",
           body=text[:200], data={"station_id": feedback.station_id},
           page=page_path("stations/detail", id=feedback.station_id))
    db.session.commit()
    return feedback
