"""Check-ins: a worker scans the station's mini-program code; one visit counted per 10 minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

import wxclient
from app.core.db import is_unique_violation
from app.core.pages import page_path
from app.core.roles import ADMINS
from app.core.time import SHANGHAI, utcnow
from app.core.wechat import wechat
from app.errors import ServiceUnavailable
from app.extensions import db
from app.stations.access import get_station
from app.stations.models import Checkin, VisitDay

CHECKIN_WINDOW_SECONDS = 600
MINIPROGRAM_PAGE = page_path("stations/checkin")


@dataclass(frozen=True)
class CheckinResult:
    counted: bool  # False when this user was counted here in the last 10 minutes
    visits_today: int


def station_code_png(*, actor_id: int, station_id: int) -> bytes:
    """The station's unlimited mini-program code; scanning it opens the check-in page."""
    station = get_station(actor_id, station_id, roles=ADMINS)
    try:
        return wechat().get_unlimited_code(f"s={station.code}", page=MINIPROGRAM_PAGE)
    except wxclient.WeChatError as exc:
        raise ServiceUnavailable("WeChat could not make the code; try again shortly.",
                                 code="wechat_unavailable",
                                 details={"errcode": exc.errcode}) from None


def check_in(*, actor_id: int, station_id: int) -> CheckinResult:
    """Count a visit unless this user was counted here in the last 10 minutes.

    The window check reads the last counted check-in; the unique (station, user, window)
    index stops two racing scans from both counting.
    """
    station = get_station(None, station_id)
    now = utcnow()
    recent = db.session.scalar(select(Checkin.id).where(
        Checkin.station_id == station.id, Checkin.user_id == actor_id,
        Checkin.created_at > now - timedelta(seconds=CHECKIN_WINDOW_SECONDS)).limit(1))
    today = now.astimezone(SHANGHAI).date()
    counted = False
    if recent is None:
        try:
            with db.session.begin_nested():
                db.session.add(Checkin(station_id=station.id, user_id=actor_id, created_at=now,
                                       window=int(now.timestamp()) // CHECKIN_WINDOW_SECONDS))
            _bump_visits(station.id, today)
            counted = True
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
    visits = db.session.scalar(select(VisitDay.visits).where(
        VisitDay.station_id == station.id, VisitDay.day == today)) or 0
    db.session.commit()
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
