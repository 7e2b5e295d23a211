"""Event statistics of an org's subtree for a year: sessions by kind and place type, people
reached (attendance, not sign-ups), online views, training requests, top speakers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.core.i18n import N_
from app.core.labels import code_label, text, texts
from app.core.roles import OFFICERS
from app.core.time import SHANGHAI
from app.events.models import KINDS, PLACE_TYPES, Event, EventSpeaker, Signup, TrainingRequest
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import get_org, in_subtree

TOP_SPEAKERS = 10
ONLINE = "online"


@dataclass
class Bucket:
    key: str
    label: str
    sessions: int = 0
    people_reached: int = 0


@dataclass
class Speaker:
    name: str
    title: str | None
    sessions: int


@dataclass
class EventStats:
    org: Org
    year: int
    sessions: int = 0
    people_reached: int = 0
    online_views: int = 0
    requests_received: int = 0
    requests_scheduled: int = 0
    requests_delivered: int = 0
    by_kind: list[Bucket] = field(default_factory=list)
    by_place_type: list[Bucket] = field(default_factory=list)
    top_speakers: list[Speaker] = field(default_factory=list)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return (datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI))


def event_stats(*, actor_id: int, org_id: int, year: int) -> EventStats:
    """Officers over the org see its subtree; finished sessions starting in the year count."""
    org = get_org(actor_id, org_id, roles=OFFICERS)
    start, end = _year_bounds(year)
    subtree = select(Org.id).where(in_subtree(Org.path, org.path))
    held = (Event.org_id.in_(subtree), Event.status == "finished",
            Event.starts_at >= start, Event.starts_at < end)
    attended = (select(func.count()).select_from(Signup)
                .where(Signup.event_id == Event.id, Signup.attended_at.is_not(None))
                .correlate(Event).scalar_subquery())
    reached = func.sum(attended + Event.unregistered_attendance)
    report = EventStats(org=org, year=year)
    kinds = {k: Bucket(k, code_label(KINDS, k)) for k in KINDS}
    places = {p: Bucket(p, code_label(PLACE_TYPES, p)) for p in PLACE_TYPES}
    places[ONLINE] = Bucket(ONLINE, text(N_("Online")))
    rows = db.session.execute(
        select(Event.kind, Event.form, Event.place_type, func.count(), reached,
               func.sum(Event.online_views))
        .where(*held).group_by(Event.kind, Event.form, Event.place_type))
    for kind, form, place_type, sessions, people, views in rows:
        people, views = int(people or 0), int(views or 0)
        report.sessions += sessions
        report.people_reached += people
        report.online_views += views
        for bucket in (kinds[kind], places[ONLINE if form == ONLINE else place_type]):
            bucket.sessions += sessions
            bucket.people_reached += people
    report.by_kind = list(kinds.values())
    report.by_place_type = list(places.values())
    _add_requests(report, subtree, start, end)
    report.top_speakers = [Speaker(name, title, count) for name, title, count in db.session.execute(
        select(EventSpeaker.name, EventSpeaker.title, func.count(func.distinct(Event.id)))
        .join(Event, Event.id == EventSpeaker.event_id).where(*held)
        .group_by(EventSpeaker.name, EventSpeaker.title)
        .order_by(func.count(func.distinct(Event.id)).desc(), EventSpeaker.name)
        .limit(TOP_SPEAKERS))]
    return report


def _add_requests(report: EventStats, subtree, start: datetime, end: datetime) -> None:
    """Requests asked by orgs of the subtree in the year (scheduled includes delivered)."""
    for status, count in db.session.execute(
            select(TrainingRequest.status, func.count())
            .where(TrainingRequest.org_id.in_(subtree), TrainingRequest.created_at >= start,
                   TrainingRequest.created_at < end)
            .group_by(TrainingRequest.status)):
        report.requests_received += count
        if status in ("scheduled", "delivered"):
            report.requests_scheduled += count
        if status == "delivered":
            report.requests_delivered += count


def stats_sheets(report: EventStats) -> dict[str, list[list]]:
    header = texts(N_("Kind"), N_("Sessions"), N_("People reached"))
    totals = [texts(N_("Figure"), N_("Value")),
              [text(N_("Sessions")), report.sessions],
              [text(N_("People reached")), report.people_reached],
              [text(N_("Online views")), report.online_views],
              [text(N_("Training requests received")), report.requests_received],
              [text(N_("Training requests scheduled")), report.requests_scheduled],
              [text(N_("Training requests delivered")), report.requests_delivered]]
    return {
        text(N_("Summary")): totals,
        text(N_("By kind")): [header] + [[b.label, b.sessions, b.people_reached]
                                         for b in report.by_kind],
        text(N_("By place type")): [texts(N_("Place type"), N_("Sessions"),
                                          N_("People reached"))]
        + [[b.label, b.sessions, b.people_reached] for b in report.by_place_type],
        text(N_("Top speakers")): [texts(N_("Speaker"), N_("Speaker's title"), N_("Sessions"))]
        + [[s.name, s.title or "", s.sessions] for s in report.top_speakers],
    }
