"""Events: create, publish, cancel, finish (draft → published → finished | cancelled), the
lists, one event with the viewer's sign-up, and the event's mini-program code."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from functools import cache
from math import cos, radians

from sqlalchemy import Select, bindparam, func, select

from app.core import scenes
from app.core.db import insert_unique
from app.core.i18n import N_
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import MANAGERS, OFFICERS
from app.core.states import guarded_update
from app.core.time import SHANGHAI, utcnow
from app.errors import Conflict, FieldProblems, NotFound
from app.events import access
from app.events.models import KINDS, LIFECYCLE, Event, EventSpeaker, Signup
from app.extensions import db
from app.notify.service import notify
from app.orgs.models import Org
from app.orgs.scope import get_org, in_subtree, org_scope_clause
from app.stations.geo import to_gcj02
from app.stations.links import map_links

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
SIGN_PURPOSE = "event-sign"
SCENE_LETTER = "e"
STORED_DECIMALS = 6
VENUE_FIELDS = ("venue_name", "address", "place_type")


def new_code() -> str:
    return "EV" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def sign_scene(event: Event) -> str:
    """The scene of the event's code: `e=<public code>&k=<sign key>` (core.scenes)."""
    return scenes.signed_scene(SCENE_LETTER, SIGN_PURPOSE, event.id, event.code)


def scene_matches(event: Event, scene: str) -> bool:
    return scenes.scene_matches(scene, SCENE_LETTER, SIGN_PURPOSE, event.id, event.code)


def event_code_png(*, actor_id: int, event_id: int) -> bytes:
    """The event's unlimited mini-program code for the venue poster (officers over its org)."""
    event = access.get_event(actor_id, event_id, roles=MANAGERS)
    return scenes.unlimited_code_png(sign_scene(event), page=page_path("events/event"))


def links_of(event: Event) -> dict | None:
    """Map links for an offline venue, as for stations."""
    if event.form != "offline" or event.lat is None:
        return None
    return map_links(lat=event.lat, lng=event.lng, name=event.venue_name or event.title,
                     address=event.address or "")


def _check_audience(problems: FieldProblems, org: Org, audience: str,
                    org_ids: list[int]) -> None:
    if audience != "orgs":
        if org_ids:
            problems.invalid("audience_org_ids", N_("Give orgs only for the audience "
                                                    "“members of given orgs”."))
        return
    if not org_ids:
        problems.invalid("audience_org_ids", N_("Name at least one org."))
        return
    found = {o.id: o for o in db.session.scalars(select(Org).where(Org.id.in_(org_ids)))}
    outside = [i for i in org_ids if i not in found or not found[i].path.startswith(org.path)]
    if outside:
        problems.invalid("audience_org_ids", N_("These orgs are not under %(org)s: %(ids)s."),
                         {"org": org.name, "ids": ", ".join(map(str, outside))})


def _check_form(problems: FieldProblems, data: dict) -> None:
    if data["form"] == "offline":
        for name in (*VENUE_FIELDS, "location"):
            if not data.get(name):
                problems.invalid(name, N_("An event at a venue needs this."))
    elif not (data.get("live_url") or data.get("replay_url")):
        problems.invalid("live_url", N_("An online event needs a live or a replay link."))


def build_event(*, actor_id: int, org: Org, data: dict,
                training_request_id: int | None = None) -> Event:
    """A new draft (flushed, no commit) from validated input; one 422 lists every problem."""
    problems = FieldProblems()
    _check_form(problems, data)
    _check_audience(problems, org, data["audience"], data.get("audience_org_ids") or [])
    problems.raise_if_any()
    values = {key: data.get(key) for key in (
        "kind", "title", "series", "description", "form", "place_type", "venue_name", "address",
        "live_url", "replay_url", "starts_at", "ends_at", "signup_opens_at", "signup_closes_at",
        "capacity", "audience")}
    if data["form"] == "online":
        for name in VENUE_FIELDS:
            values[name] = None
    elif data.get("location"):
        location = data["location"]
        lat, lng = to_gcj02(location["lat"], location["lng"], location.get("coord", "gcj02"))
        values["lat"], values["lng"] = round(lat, STORED_DECIMALS), round(lng, STORED_DECIMALS)
    event = Event(org_id=org.id, org=org, created_by=actor_id, seats_taken=0,
                  waitlist_issued=0, online_views=0, unregistered_attendance=0,
                  audience_org_ids=sorted(set(data.get("audience_org_ids") or [])),
                  training_request_id=training_request_id, status="draft", version=1,
                  **values)
    event.speakers = [EventSpeaker(position=n, name=s["name"], title=s.get("title"))
                      for n, s in enumerate(data["speakers"])]
    while True:  # a fresh public code (collisions are rare; the unique index decides)
        event.code = new_code()
        if insert_unique(event):
            return event


def create_event(*, actor_id: int, org_id: int, **data) -> Event:
    """A draft event of `org_id` (approver or admin of it or above)."""
    org = get_org(actor_id, org_id, roles=MANAGERS)
    event = build_event(actor_id=actor_id, org=org, data=data)
    db.session.commit()
    return event_detail(actor_id=actor_id, event_id=event.id)


def move(event: Event, action: str, *, version: int, values: dict | None = None) -> str:
    """LIFECYCLE check + guarded update on status and version; flushes only."""
    target = LIFECYCLE.check(event.status, action)
    guarded_update(event, values={"status": target, **(values or {})}, version=version,
                   status=event.status, noun="event", machine=LIFECYCLE)
    return target


def publish(*, actor_id: int, event_id: int, version: int) -> Event:
    event = access.get_event(actor_id, event_id, roles=MANAGERS)
    move(event, "publish", version=version)
    db.session.commit()
    return event_detail(actor_id=actor_id, event_id=event_id)


def cancel(*, actor_id: int, event_id: int, version: int, reason: str) -> Event:
    """Cancel a draft or published event; everyone signed up is told."""
    event = access.get_event(actor_id, event_id, roles=MANAGERS)
    move(event, "cancel", version=version)
    people = db.session.scalars(select(Signup.user_id).where(
        Signup.event_id == event_id, Signup.status.in_(("confirmed", "waitlisted"))))
    for user_id in people:
        notify(user_id=user_id, event="event.cancelled", title=f"活动已取消：{event.title}",
               body=reason, data={"event_id": event_id},
               page=page_path("events/event", id=event_id))
    db.session.commit()
    return event_detail(actor_id=actor_id, event_id=event_id)


def finish(*, actor_id: int, event_id: int, version: int,
           unregistered_attendance: int = 0) -> Event:
    """Close a published event after its start, with the headcount of people at it without the
    app; its training request (if any) becomes delivered."""
    event = access.get_event(actor_id, event_id, roles=MANAGERS)
    if event.status == "published" and utcnow() < event.starts_at:
        raise Conflict("An event is finished after it started (it starts at %(starts_at)s).",
                       params={"starts_at": event.starts_at.astimezone(SHANGHAI)
                               .strftime("%Y-%m-%d %H:%M")}, code="event_not_started")
    move(event, "finish", version=version,
         values={"unregistered_attendance": unregistered_attendance})
    if event.training_request_id is not None:
        from app.events.requests import deliver
        deliver(event.training_request_id)
    db.session.commit()
    return event_detail(actor_id=actor_id, event_id=event_id)


@cache
def _viewer_queries():
    """The statements every event list and event page runs (speakers' sessions, ratings, the
    viewer's sign-ups), built once: building them and their cache keys again on every call
    cost more than sending them."""
    sessions = (select(EventSpeaker.name, EventSpeaker.title,
                       func.count(func.distinct(Event.id)))
                .join(Event, Event.id == EventSpeaker.event_id)
                .where(EventSpeaker.name.in_(bindparam("names", expanding=True)),
                       Event.status == "finished")
                .group_by(EventSpeaker.name, EventSpeaker.title))
    ratings = (select(Signup.event_id, func.avg(Signup.rating), func.count(Signup.rating))
               .where(Signup.event_id.in_(bindparam("event_ids", expanding=True)),
                      Signup.rating.is_not(None))
               .group_by(Signup.event_id))
    mine = select(Signup).where(
        Signup.user_id == bindparam("user_id"),
        Signup.event_id.in_(bindparam("event_ids", expanding=True)),
        Signup.status.in_(("confirmed", "waitlisted")))
    return sessions, ratings, mine


def with_speaker_sessions(events: list[Event]) -> None:
    """Each speaker's finished sessions (by name and title), one query for the whole list."""
    speakers = [s for e in events for s in e.speakers]
    if not speakers:
        return
    names = sorted({s.name for s in speakers})
    counts = {(name, title): count for name, title, count in db.session.execute(
        _viewer_queries()[0], {"names": names})}
    for speaker in speakers:
        speaker.sessions = counts.get((speaker.name, speaker.title), 0)


def with_ratings(events: list[Event]) -> None:
    """The one-question rating's average and count per event, one query for the list."""
    found = {event_id: (average, count) for event_id, average, count in db.session.execute(
        _viewer_queries()[1], {"event_ids": [e.id for e in events]})}
    for event in events:
        average, count = found.get(event.id, (None, 0))
        event.rating_average = None if average is None else round(float(average), 2)
        event.rating_count = count


def with_viewer(actor_id: int | None, events: list[Event]) -> list[Event]:
    """Attach the viewer's live sign-up (and waitlist position) to each event, the speakers'
    session counts and the ratings: a constant number of queries for any list."""
    if not events or actor_id is None:
        return events
    from app.events.signups import with_positions
    with_speaker_sessions(events)
    with_ratings(events)
    mine = {s.event_id: s for s in db.session.scalars(
        _viewer_queries()[2], {"user_id": actor_id, "event_ids": [e.id for e in events]})}
    with_positions(list(mine.values()))
    for event in events:
        event.my_signup = mine.get(event.id)
    return events


def event_detail(*, actor_id: int | None, event_id: int) -> Event:
    event = access.get_event(actor_id, event_id)
    return with_viewer(actor_id, [event])[0]


def find_by_code(*, actor_id: int, code: str) -> Event:
    """The event whose venue code was scanned (the public half of its scene)."""
    event_id = db.session.scalar(select(Event.id).where(Event.code == code.strip().upper()[:12]))
    if event_id is None:
        raise NotFound("No such event.")
    return event_detail(actor_id=actor_id, event_id=event_id)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=SHANGHAI)


METERS_PER_DEGREE = 111_320


def _near(lat: float, lng: float, radius_m: int):
    """Offline venues inside the square of side 2 × radius around the point (GCJ-02)."""
    d_lat = radius_m / METERS_PER_DEGREE
    d_lng = radius_m / (METERS_PER_DEGREE * max(cos(radians(lat)), 0.01))
    return (Event.form == "offline", Event.lat.between(lat - d_lat, lat + d_lat),
            Event.lng.between(lng - d_lng, lng + d_lng))


def _listing(actor_id: int, *, managed: bool, kind: list[str], series: str | None,
             org_id: int | None, date_from: date | None, date_to: date | None,
             near: tuple | None) -> Select:
    query = select(Event)
    if near is not None:
        query = query.where(*_near(*near))
    if managed:
        query = query.where(org_scope_clause(actor_id, Event.org_id, OFFICERS))
    else:
        query = query.where(Event.status == "published", Event.ends_at > utcnow())
    if kind:
        query = query.where(Event.kind.in_([k for k in kind if k in KINDS]))
    if series:
        query = query.where(Event.series == series)
    if org_id is not None:
        org = db.session.get(Org, org_id)
        query = query.where(Event.org_id.in_(select(Org.id).where(in_subtree(Org.path, org.path)))
                            if org is not None else Event.id.is_(None))
    if date_from is not None:
        query = query.where(Event.starts_at >= _day_start(date_from))
    if date_to is not None:
        query = query.where(Event.starts_at < _day_start(date_to + timedelta(days=1)))
    return query


def list_events(*, actor_id: int, managed: bool = False, mine: bool = False,
                kind: list[str] | None = None, series: str | None = None,
                org_id: int | None = None, date_from: date | None = None,
                date_to: date | None = None, lat: float | None = None,
                lng: float | None = None, coord: str = "gcj02", radius_m: int = 5000,
                limit: int, cursor: str | None) -> Page:
    """Open events, soonest first (`mine`: those for the caller's union: the member's org and
    the orgs above it; `lat`/`lng`: venues near the caller); `managed`: every event under
    the officer's grants, any status."""
    near = None
    if lat is not None and lng is not None:
        near = (*to_gcj02(lat, lng, coord), radius_m)
    query = _listing(actor_id, managed=managed, kind=kind or [], series=series, org_id=org_id,
                     date_from=date_from, date_to=date_to, near=near)
    if mine:
        org = access.member_org(actor_id)
        ancestors = org.path_ids if org is not None else []
        query = query.where(Event.org_id.in_(ancestors))
    page = keyset_page(query, keys=[Event.starts_at, Event.id], limit=limit, cursor=cursor)
    with_viewer(actor_id, page.items)
    return page

