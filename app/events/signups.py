"""Sign-ups: confirmed while seats are left, else waitlisted in order; a cancellation
promotes the first waitlisted person; check-in by the event's code within the window or by
an officer; the one-question rating; online views once per person per day.

Capacity is a database rule: `events.seats_taken` moves only by the conditional
`UPDATE … SET seats_taken = seats_taken + 1 WHERE … seats_taken < capacity` (and the CHECK
`seats_taken <= capacity` holds whatever the code does). That UPDATE locks the event row, so
the sign-ups of one event queue up there: the waitlist's ticket counter (`waitlist_issued`)
is taken under the same lock, so ticket numbers follow the order in which the sign-ups got
through. A cancellation locks the event row first, then frees the seat and hands it on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from app.core.db import insert_unique
from app.core.i18n import N_
from app.core.labels import code_label, text, texts
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import OFFICERS
from app.core.states import guarded_update
from app.core.time import SHANGHAI, to_shanghai, utcnow
from app.errors import Conflict, Forbidden, NotFound
from app.events import access
from app.events.events import event_detail, scene_matches
from app.events.models import (
    ATTENDANCE_SOURCES,
    LIFECYCLE,
    LIVE_STATUSES,
    SIGNUP_STATUSES,
    Event,
    EventView,
    Signup,
)
from app.extensions import db
from app.notify.service import notify

CHECKIN_OPENS_BEFORE = timedelta(minutes=60)
CHECKIN_CLOSES_AFTER = timedelta(minutes=60)


def _shown(when: datetime) -> str:
    return to_shanghai(when).strftime("%Y-%m-%d %H:%M")


def with_positions(signups: list[Signup]) -> list[Signup]:
    """Each waitlisted sign-up's place in its queue (1 = next to be promoted), in one query
    for the whole list: the waitlisted of its event with a number up to its own."""
    waiting = {s.id: s for s in signups if s.status == "waitlisted"}
    if not waiting:
        return signups
    ahead = aliased(Signup)
    rank = (select(func.count()).select_from(ahead)
            .where(ahead.event_id == Signup.event_id, ahead.status == "waitlisted",
                   ahead.waitlist_number <= Signup.waitlist_number)
            .correlate(Signup).scalar_subquery())
    for signup_id, position in db.session.execute(
            select(Signup.id, rank).where(Signup.id.in_(list(waiting)))):
        waiting[signup_id].position = position
    return signups


def _live_signup(event_id: int, user_id: int) -> Signup | None:
    return db.session.scalar(select(Signup).where(
        Signup.event_id == event_id, Signup.user_id == user_id,
        Signup.status.in_(LIVE_STATUSES)).execution_options(populate_existing=True))


def _check_window(event: Event, now: datetime) -> None:
    if not event.signup_opens_at <= now < event.signup_closes_at:
        raise Conflict("Sign-up is open from %(opens)s to %(closes)s.",
                       params={"opens": _shown(event.signup_opens_at),
                               "closes": _shown(event.signup_closes_at)},
                       code="signup_closed",
                       details={"signup_opens_at": to_shanghai(event.signup_opens_at).isoformat(),
                                "signup_closes_at":
                                    to_shanghai(event.signup_closes_at).isoformat()})


def _take_seat(event_id: int) -> bool:
    """One seat, if one is left: the capacity-guarded UPDATE (locks the event row)."""
    return db.session.execute(
        update(Event).where(Event.id == event_id, Event.status == "published",
                            (Event.capacity.is_(None)) | (Event.seats_taken < Event.capacity))
        .values(seats_taken=Event.seats_taken + 1)
        .execution_options(synchronize_session=False)).rowcount == 1


def _next_ticket(event_id: int) -> int:
    """The next waitlist number, taken under the event row's lock."""
    return db.session.execute(update(Event).where(Event.id == event_id)
                              .values(waitlist_issued=Event.waitlist_issued + 1)
                              .returning(Event.waitlist_issued)
                              .execution_options(synchronize_session=False)).scalar_one()


def sign_up(*, actor_id: int, event_id: int) -> Signup:
    """Confirmed while seats are left, else waitlisted with a position; one live sign-up per
    person per event (409 `already_signed_up`)."""
    event = access.get_event(actor_id, event_id)
    LIFECYCLE.check(event.status, "sign_up")
    now = utcnow()
    _check_window(event, now)
    access.require_audience(actor_id, event)
    duplicate = Conflict("You have already signed up for this event.",
                         code="already_signed_up")
    if _live_signup(event.id, actor_id) is not None:
        raise duplicate
    signup = Signup(event_id=event.id, user_id=actor_id, created_at=now, version=1)
    if _take_seat(event.id):
        signup.status = "confirmed"
    else:
        signup.status = "waitlisted"
        signup.waitlist_number = _next_ticket(event.id)
    insert_unique(signup, duplicate=duplicate)
    signup_id = signup.id  # read before the commit expires it
    db.session.commit()
    return _answer(signup_id)


def _answer(signup_id: int) -> Signup:
    """A sign-up as just written, with its user and waitlist position."""
    signup = db.session.scalar(select(Signup).where(Signup.id == signup_id)
                               .execution_options(populate_existing=True))
    return with_positions([signup])[0]


def my_signup(*, actor_id: int, event_id: int) -> Signup:
    event = access.get_event(actor_id, event_id)
    signup = _live_signup(event.id, actor_id)
    if signup is None:
        raise NotFound("You have not signed up for this event.")
    return with_positions([signup])[0]


def _promote_first(event: Event, now: datetime) -> Signup | None:
    """Hand a free seat to the first waitlisted person and tell them (caller holds the lock)."""
    first = db.session.scalar(select(Signup).where(
        Signup.event_id == event.id, Signup.status == "waitlisted")
        .order_by(Signup.waitlist_number).limit(1))
    if first is None or not _take_seat(event.id):
        return None
    guarded_update(first, values={"status": "confirmed", "promoted_at": now},
                   status="waitlisted", noun="sign-up")
    notify(user_id=first.user_id, event="event.promoted",
           title=f"候补成功：{event.title}",
           body=f"有人取消报名，你已从候补转为报名成功。活动时间：{_shown(event.starts_at)}。",
           data={"event_id": event.id}, page=page_path("events/event", id=event.id))
    return first


def cancel_mine(*, actor_id: int, event_id: int) -> Event:
    """Cancel the caller's sign-up before the start; a freed seat goes to the first waitlisted
    person, who is told."""
    event = access.get_event(actor_id, event_id, lock=True)  # sign-ups and cancels queue here
    signup = _live_signup(event.id, actor_id)
    if signup is None:
        raise NotFound("You have not signed up for this event.")
    now = utcnow()
    if now >= event.starts_at:
        raise Conflict("The event has started; a sign-up can no longer be cancelled.",
                       code="event_started")
    was = signup.status
    guarded_update(signup, values={"status": "cancelled", "cancelled_at": now,
                                   "waitlist_number": None},
                   status=was, noun="sign-up")
    if was == "confirmed":
        db.session.execute(update(Event).where(Event.id == event.id)
                           .values(seats_taken=Event.seats_taken - 1)
                           .execution_options(synchronize_session=False))
        if event.status == "published":
            _promote_first(event, now)
    db.session.commit()
    return event_detail(actor_id=actor_id, event_id=event_id)


def checkin_window(event: Event) -> tuple[datetime, datetime]:
    return (event.starts_at - CHECKIN_OPENS_BEFORE,
            min(event.starts_at + CHECKIN_CLOSES_AFTER, event.ends_at))


def _confirmed_signup(event: Event, user_id: int) -> Signup:
    signup = _live_signup(event.id, user_id)
    if signup is None:
        raise Forbidden("Sign up for the event first; check-in is for people signed up.",
                        code="signup_required")
    if signup.status != "confirmed":
        raise Forbidden("You are on the waitlist; only confirmed sign-ups check in.",
                        code="not_confirmed")
    return signup


def _mark_attended(signup: Signup, values: dict) -> None:
    """Attendance is set once: the UPDATE only matches a sign-up not yet attended."""
    already = Conflict("Attendance at this event is already recorded.",
                       code="already_checked_in")
    if signup.attended_at is not None:
        raise already
    moved = db.session.execute(
        update(Signup).where(Signup.id == signup.id, Signup.attended_at.is_(None),
                             Signup.status == "confirmed")
        .values(**values, version=Signup.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise already
    db.session.expire(signup)


def check_in(*, actor_id: int, event_id: int, scene: str) -> Signup:
    """Check in at the venue by scanning the event's code, within the window, once."""
    event = access.get_event(actor_id, event_id)
    LIFECYCLE.check(event.status, "check_in")
    if event.form != "offline":
        raise Conflict("An online event has no check-in; watching it counts.",
                       code="online_event")
    if not scene_matches(event, scene):
        raise Forbidden("This is not this event's code. Scan the code shown at the venue.",
                        code="wrong_event_code")
    now = utcnow()
    opens, closes = checkin_window(event)
    if not opens <= now <= closes:
        raise Conflict("Check-in is open from %(opens)s to %(closes)s.",
                       params={"opens": _shown(opens), "closes": _shown(closes)},
                       code="checkin_closed",
                       details={"opens_at": to_shanghai(opens).isoformat(),
                                "closes_at": to_shanghai(closes).isoformat()})
    signup = _confirmed_signup(event, actor_id)
    _mark_attended(signup, {"attended_at": now, "attendance_source": "scan"})
    db.session.commit()
    return _answer(signup.id)


def mark_attendance(*, actor_id: int, event_id: int, signup_id: int, reason: str) -> Signup:
    """An officer records that a confirmed person came (no phone, a flat battery), with a
    reason; from the check-in window's opening on."""
    event = access.get_event(actor_id, event_id, roles=OFFICERS)
    LIFECYCLE.check(event.status, "check_in")
    now = utcnow()
    opens, _ = checkin_window(event)
    if now < opens:
        raise Conflict("Attendance is recorded from %(opens)s on.",
                       params={"opens": _shown(opens)}, code="checkin_closed",
                       details={"opens_at": to_shanghai(opens).isoformat()})
    signup = access.get_signup(actor_id, event, signup_id)
    if signup.status != "confirmed":
        raise Conflict("Only a confirmed sign-up can be marked as attended.",
                       code="not_confirmed")
    _mark_attended(signup, {"attended_at": now, "attendance_source": "officer",
                            "attendance_reason": reason, "marked_by": actor_id})
    db.session.commit()
    return _answer(signup_id)


def rate(*, actor_id: int, event_id: int, rating: int) -> Signup:
    """One rating (1–5) per attended person, once the event finished."""
    event = access.get_event(actor_id, event_id)
    LIFECYCLE.check(event.status, "rate")
    signup = _live_signup(event.id, actor_id)
    if signup is None or signup.attended_at is None:
        raise Forbidden("Only people who attended rate an event.", code="not_attended")
    moved = db.session.execute(
        update(Signup).where(Signup.id == signup.id, Signup.rating.is_(None))
        .values(rating=rating, version=Signup.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise Conflict("You have already rated this event.", code="already_rated")
    db.session.commit()
    return _answer(signup.id)


def record_view(*, actor_id: int, event_id: int) -> dict:
    """A view of an online event's live or replay: counted once per person per (Shanghai) day;
    the unique (event, user, day) index decides between racing views."""
    event = access.get_event(actor_id, event_id)
    if event.form != "online" or event.status not in ("published", "finished"):
        raise Conflict("Only a published online event is watched here.",
                       code="not_watchable")
    access.require_audience(actor_id, event)
    today = utcnow().astimezone(SHANGHAI).date()
    counted = insert_unique(EventView(event_id=event.id, user_id=actor_id, day=today))
    if counted:
        db.session.execute(update(Event).where(Event.id == event.id)
                           .values(online_views=Event.online_views + 1)
                           .execution_options(synchronize_session=False))
    views = db.session.scalar(select(Event.online_views).where(Event.id == event.id))
    db.session.commit()
    return {"counted": counted, "views": views}


def list_signups(*, actor_id: int, event_id: int, status: list[str] | None, limit: int,
                 cursor: str | None) -> Page:
    """The sign-ups of an event for its officers, in sign-up order."""
    access.get_event(actor_id, event_id, roles=OFFICERS)
    query = select(Signup).where(Signup.event_id == event_id)
    if status:
        query = query.where(Signup.status.in_(status))
    page = keyset_page(query, keys=[Signup.id], limit=limit, cursor=cursor)
    with_positions(page.items)
    return page


def attendance_sheets(*, actor_id: int, event_id: int) -> dict[str, list[list]]:
    """The attendance list (XLSX): every live sign-up with whether and how they attended."""
    event = access.get_event(actor_id, event_id, roles=OFFICERS)
    rows = list(db.session.scalars(select(Signup).where(
        Signup.event_id == event.id, Signup.status.in_(LIVE_STATUSES)).order_by(Signup.id)))
    with_positions(rows)
    header = texts(N_("Participant"), N_("Status"), N_("Waitlist position"), N_("Signed up at"),
                   N_("Attended at"), N_("Recorded by"), N_("Reason"), N_("Rating"))
    sheet = [header] + [[
        s.user.nickname or str(s.user_id), code_label(SIGNUP_STATUSES, s.status), s.position,
        _shown(s.created_at), _shown(s.attended_at) if s.attended_at else "",
        code_label(ATTENDANCE_SOURCES, s.attendance_source) or "", s.attendance_reason or "",
        s.rating or ""] for s in rows]
    attended = sum(1 for s in rows if s.attended_at is not None)
    summary = [texts(N_("Figure"), N_("Value")),
               [text(N_("Signed up")), sum(1 for s in rows if s.status == "confirmed")],
               [text(N_("On the waitlist")), sum(1 for s in rows if s.status == "waitlisted")],
               [text(N_("Attended (registered)")), attended],
               [text(N_("Attended without the app")), event.unregistered_attendance],
               [text(N_("People reached")), attended + event.unregistered_attendance]]
    return {text(N_("Attendance")): sheet, text(N_("Summary")): summary}

