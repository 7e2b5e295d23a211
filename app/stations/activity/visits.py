"""Visits per day (Asia/Shanghai) for officers over the station's org."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.core.i18n import N_, translate
from app.core.roles import OFFICERS
from app.errors import Invalid
from app.extensions import db
from app.stations.access import get_station
from app.stations.models import VisitDay

MAX_RANGE_DAYS = 366


def visits(*, actor_id: int, station_id: int, start: date, end: date) -> list[VisitDay]:
    """The days with visits in [start, end], at most a year; days without any are absent."""
    station = get_station(actor_id, station_id, roles=OFFICERS)
    if end < start:
        raise Invalid("The start of the range is after its end; swap from and to.",
                      details={"fields": {"from": [
                          translate(N_("must not be after to (%(end)s)"), {"end": end})]}})
    if (end - start).days > MAX_RANGE_DAYS:
        raise Invalid("Give a range of at most a year.",
                      details={"fields": {"to": [
                          translate(N_("at most %(days)s days after from"),
                                    {"days": MAX_RANGE_DAYS})]}})
    return list(db.session.scalars(select(VisitDay).where(
        VisitDay.station_id == station.id, VisitDay.day >= start, VisitDay.day <= end)
        .order_by(VisitDay.day)))
