"""Station management: create, edit, suspend and close within an admin's subtree."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer_group

from app.core import audit
from app.core.db import is_unique_violation
from app.core.i18n import N_
from app.core.pagination import Page, keyset_page
from app.core.roles import ADMINS, CARD_VERIFIERS, Role
from app.core.states import StateMachine, guarded_update, stale
from app.core.time import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import orgs_under
from app.stations import hours
from app.stations.access import get_org, get_station
from app.stations.geo import to_gcj02
from app.stations.models import Station
from app.stations.photos import check_photos
from app.stations.search import refresh_search_row
from app.stations.vocab import ACTION_LABELS, STATUS_LABELS

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read off a sign
EDITABLE = ("name", "kind", "host_type", "partner_name", "address", "services",
            "opening_hours", "phone", "photos", "status", "amap_poi_id", "baidu_uid")

# Closing is final (suspend to pause); any other status may move to any status.
NOT_CLOSED = ("planned", "active", "suspended")
LIFECYCLE = StateMachine("station", noun=N_("station"), statuses=STATUS_LABELS,
                         actions=ACTION_LABELS, moves={
    "edit": (NOT_CLOSED, None),
    "plan": (NOT_CLOSED, "planned"),
    "activate": (NOT_CLOSED, "active"),
    "suspend": (NOT_CLOSED, "suspended"),
    "close": (NOT_CLOSED, "closed"),
})
ACTION_TO = {"planned": "plan", "active": "activate", "suspended": "suspend", "closed": "close"}


def new_public_code() -> str:
    return "ZH" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


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


# stored to a millionth of a degree (about 0.1 m): a converted WGS-84 or BD-09 point has no
# more precision than that, and every backend then holds and returns the same number
STORED_DECIMALS = 6


def _apply_location(values: dict, location: dict) -> None:
    lat, lng = to_gcj02(location["lat"], location["lng"], location.get("coord", "gcj02"))
    values["lat"], values["lng"] = round(lat, STORED_DECIMALS), round(lng, STORED_DECIMALS)


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
    org = get_org(actor_id, data["org_id"], roles=ADMINS)
    station = build_station(org=org, data=data)
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=org.id,
                 action="station.create", target_type="station", target_id=station.id,
                 after={"name": station.name})
    db.session.commit()
    return station


def update_station(*, actor_id: int, station_id: int, changes: dict) -> Station:
    """Edit fields or move the status; `version` guards against lost updates (optional,
    except to close: closing is final, so it must follow what the admin saw)."""
    station = get_station(actor_id, station_id, roles=ADMINS)
    version = changes.pop("version", None)
    if version is None and changes.get("status") == "closed":
        raise Invalid("Closing a station is final: send the version you saw.",
                      code="version_required",
                      details={"fields": {"version": [N_("required to close the station")]}})
    if version is not None and version != station.version:
        raise stale(Station, station.id, noun="station", machine=LIFECYCLE)
    if not LIFECYCLE.can(station.status, "edit"):
        raise Conflict("A closed station cannot be edited.", code="station_closed",
                       details={"status": station.status, "allowed": []})
    if "status" in changes:
        LIFECYCLE.check(station.status, ACTION_TO[changes["status"]])
    if "opening_hours" in changes:
        _check_hours(changes["opening_hours"])
    if "photos" in changes:
        check_photos(station.id, changes["photos"])
    values = {key: changes[key] for key in EDITABLE if key in changes}
    if "location" in changes:
        _apply_location(values, changes["location"])
    before = {key: getattr(station, key) for key in values}
    guarded_update(station, values={**values, "updated_at": utcnow()},
                   version=station.version, status=station.status, noun="station",
                   machine=LIFECYCLE)
    refresh_search_row(station)
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=station.org_id,
                 action="station.update", target_type="station", target_id=station.id,
                 before=before, after=values)
    db.session.commit()
    return station


def list_org_stations(*, actor_id: int, org_id: int, status: str | None, limit: int,
                      cursor: str | None) -> Page[Station]:
    """A page of the subtree's stations by id, ratings loaded in the same statement: for
    officers, and for card verifiers (station staff pick the station they check members in at)."""
    org = get_org(actor_id, org_id, roles=CARD_VERIFIERS)
    query = (select(Station).where(Station.org_id.in_(orgs_under(org)))
             .options(undefer_group("rating")))
    if status:
        query = query.where(Station.status == status)
    return keyset_page(query, keys=[Station.id], limit=limit, cursor=cursor)
