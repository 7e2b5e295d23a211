"""Station management: create, edit, suspend and close within an admin's subtree."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.core import audit
from app.core.db import is_unique_violation
from app.core.time import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import authorize, get_org_or_404, has_role_over, orgs_under
from app.stations import hours
from app.stations.geo import to_gcj02
from app.stations.models import Feedback, Station
from app.stations.search import refresh_search_row

ADMIN = ("admin",)
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read off a sign
EDITABLE = ("name", "kind", "host_type", "partner_name", "address", "services",
            "opening_hours", "phone", "photos", "status", "amap_poi_id", "baidu_uid")


def new_public_code() -> str:
    return "ZH" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def get_station_or_404(station_id: int) -> Station:
    station = db.session.get(Station, station_id)
    if station is None:
        raise NotFound("No such station.")
    return station


def get_visible_station(station_id: int, user_id: int | None) -> Station:
    """Anyone may see an active station; planned, suspended and closed ones only officers."""
    station = get_station_or_404(station_id)
    if station.status != "active" and not has_role_over(user_id,
                                                        db.session.get(Org, station.org_id)):
        raise NotFound("No such station.")
    return station


def find_by_code(code: str) -> Station:
    station = db.session.scalar(select(Station).where(Station.code == code.upper()))
    if station is None or station.status != "active":
        raise NotFound("No station has this code.")
    return station


def _check_hours(opening_hours: dict) -> None:
    found = hours.problems(opening_hours)
    if found:
        raise Invalid("The opening hours are not valid.",
                      details={"fields": {"opening_hours": found}})


def _apply_location(values: dict, location: dict) -> None:
    values["lat"], values["lng"] = to_gcj02(location["lat"], location["lng"],
                                            location.get("coord", "gcj02"))


def build_station(*, org: Org, data: dict) -> Station:
    """A new Station row (flushed, indexed) from validated input; no commit."""
    values = {key: data[key] for key in EDITABLE if key in data}
    _check_hours(values["opening_hours"])
    _apply_location(values, data["location"])
    values.setdefault("status", "active")
    values.setdefault("photos", [])
    for _ in range(5):
        station = Station(org_id=org.id, code=new_public_code(), version=1, **values)
        try:
            with db.session.begin_nested():
                db.session.add(station)
        except IntegrityError as exc:  # a public code collision: draw again
            if not is_unique_violation(exc) or "code" not in str(exc.orig):
                raise
            continue
        refresh_search_row(station)
        return station
    raise Conflict("Could not allocate a public station code; try again.")


def create_station(*, actor_id: int, data: dict) -> Station:
    org = get_org_or_404(data["org_id"])
    authorize(actor_id, org, ADMIN)
    station = build_station(org=org, data=data)
    audit.record(actor_id=actor_id, actor_role="admin", org_id=org.id, action="station.create",
                 target_type="station", target_id=station.id, after={"name": station.name})
    db.session.commit()
    return station


def update_station(*, actor_id: int, station_id: int, changes: dict) -> Station:
    """Edit fields (a closed station stays closed: closing is final, use suspended to pause)."""
    station = get_station_or_404(station_id)
    authorize(actor_id, db.session.get(Org, station.org_id), ADMIN)
    version = changes.pop("version", None)
    if version is not None and version != station.version:
        raise Conflict("The station changed since you loaded it.", code="stale_version",
                       details={"version": station.version})
    if station.status == "closed":
        raise Conflict("A closed station cannot be edited.", code="station_closed")
    if "opening_hours" in changes:
        _check_hours(changes["opening_hours"])
    values = {key: changes[key] for key in EDITABLE if key in changes}
    if "location" in changes:
        _apply_location(values, changes["location"])
    before = {key: getattr(station, key) for key in values}
    updated = db.session.execute(
        update(Station).where(Station.id == station.id, Station.version == station.version)
        .values(**values, version=Station.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if updated != 1:
        db.session.rollback()
        raise Conflict("The station changed since you loaded it.", code="stale_version")
    db.session.refresh(station)
    refresh_search_row(station)
    audit.record(actor_id=actor_id, actor_role="admin", org_id=station.org_id,
                 action="station.update", target_type="station", target_id=station.id,
                 before=before, after=values)
    db.session.commit()
    return station


def list_org_stations(*, actor_id: int, org_id: int, status: str | None, limit: int,
                      after_id: int | None) -> list[Station]:
    org = get_org_or_404(org_id)
    authorize(actor_id, org, ("reviewer", "approver", "admin"))
    query = select(Station).where(Station.org_id.in_(
        orgs_under(org)))
    if status:
        query = query.where(Station.status == status)
    if after_id is not None:
        query = query.where(Station.id > after_id)
    return list(db.session.scalars(query.order_by(Station.id).limit(limit)))


def rating_of(station_id: int) -> tuple[float | None, int]:
    average, count = db.session.execute(
        select(func.avg(Feedback.rating), func.count(Feedback.id))
        .where(Feedback.station_id == station_id, Feedback.status == "visible")
    ).one()
    return (round(float(average), 2) if average is not None else None), count
