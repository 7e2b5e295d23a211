"""Check-ins: a worker scans the station's mini-program code; one visit counted per 10 minutes.

The code's `scene` is `s=<public code>&k=<sign key>`. The public code is in every nearby
answer, so it proves nothing; the sign key is an HMAC of the station (server key, never in an
answer) and is only on the printed sign — a check-in has to show both. A sign is static, so a
photo of it is as good as a scan: what bounds a replay is that one user counts at most once
per station per 10 minutes (the unique (station, user, window) index), the length of a real
stop at a station; a rating needs a counted check-in (feedback.py).

Station staff may also check a member in by scanning the member's card QR
(`check_in_with_card`): the card's signed, short-lived code stands for the scan of the sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.cards import cards
from app.core import audit, scenes
from app.core.db import is_unique_violation
from app.core.pages import page_path
from app.core.roles import ADMINS, CARD_VERIFIERS
from app.core.time import SHANGHAI, utcnow
from app.errors import Forbidden
from app.extensions import db
from app.stations.access import get_station
from app.stations.models import Checkin, Station, VisitDay

CHECKIN_WINDOW_SECONDS = 600
MINIPROGRAM_PAGE = page_path("stations/checkin")
SIGN_PURPOSE = "station-sign"


def sign_key(station: Station) -> str:
    """The key printed on the station's sign only (an HMAC of the station under the server key)."""
    return scenes.sign_key(SIGN_PURPOSE, station.id, station.code)


def sign_scene(station: Station) -> str:
    """The `scene` of the station's mini-program code: public code and sign key."""
    return scenes.signed_scene("s", SIGN_PURPOSE, station.id, station.code)


def scene_matches(station: Station, scene: str) -> bool:
    """Whether `scene` (as the page got it, decoded or not) is this station's sign."""
    return scenes.scene_matches(scene, "s", SIGN_PURPOSE, station.id, station.code)


@dataclass(frozen=True)
class CheckinResult:
    counted: bool  # False when this user was counted here in the last 10 minutes
    visits_today: int


def station_code_png(*, actor_id: int, station_id: int) -> bytes:
    """The station's unlimited mini-program code; scanning it opens the check-in page."""
    station = get_station(actor_id, station_id, roles=ADMINS)
    return scenes.unlimited_code_png(sign_scene(station), page=MINIPROGRAM_PAGE)


def check_in(*, actor_id: int, station_id: int, scene: str) -> CheckinResult:
    """Count a visit unless this user was counted here in the last 10 minutes.

    `scene` must be the station's sign (403 `wrong_station_code`, nothing counted).
    """
    station = get_station(None, station_id)
    if not scene_matches(station, scene):
        raise Forbidden("This is not the code on this station's sign. Scan the code on the "
                        "sign at the station to check in.", code="wrong_station_code")
    result = _count(station, actor_id)
    db.session.commit()
    return result


@dataclass(frozen=True)
class CardCheckinResult(CheckinResult):
    number: str  # the card's number and masked name: whom the staff member checked in
    masked_name: str


def check_in_with_card(*, actor_id: int, station_id: int, token: str) -> CardCheckinResult:
    """Station staff (officers or card verifiers over the station's org) scan a member's
    card QR: the card's holder checks in, by the same 10-minute rule as a scan of the sign
    (a second scan of the same or a fresh code within it is not counted again). A code that
    does not verify is 422 `card_not_accepted`, nothing counted. Every accepted scan is
    audited, counted or not."""
    station = get_station(actor_id, station_id, roles=CARD_VERIFIERS)
    presented = cards.accept(token)
    result = _count(station, presented.card.user_id)
    audit.record(actor_id=actor_id, actor_role="staff", org_id=station.org_id,
                 action="station.card_checkin", target_type="station", target_id=station.id,
                 after={"card_number": presented.card.number, "counted": result.counted})
    db.session.commit()
    return CardCheckinResult(counted=result.counted, visits_today=result.visits_today,
                             number=presented.card.number,
                             masked_name=presented.verdict.masked_name)


def _count(station: Station, user_id: int) -> CheckinResult:
    """The window check reads the last counted check-in; the unique (station, user, window)
    index stops two racing scans from both counting (flushes only)."""
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
    return CheckinResult(counted=counted, visits_today=visits)


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
