"""Nearby search on the `station_search` read model: indexed, raw SQL, JSON built by splicing."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.core.fastread import reader
from app.extensions import db
from app.stations import hours
from app.stations.geo import EARTH_RADIUS_M, METRES_PER_DEGREE_LAT, haversine_m
from app.stations.links import map_links
from app.stations.models import HoursPattern, Station, StationSearchRow
from app.stations.vocab import services_mask

CELLS_PER_DEGREE = 100
WALK_METRES_PER_MINUTE = 80
FALLBACK_RADII_M = (2_000, 5_000, 12_000, 25_000, 50_000)


def lat_cell(lat: float) -> int:
    return math.floor(lat * CELLS_PER_DEGREE)


def card(station: Station) -> str:
    """The station as nearby results show it, minus the per-request fields."""
    return json.dumps({
        "id": station.id,
        "name": station.name,
        "kind": station.kind,
        "address": station.address,
        "code": station.code,
        "location": {"lat": station.lat, "lng": station.lng, "coord": "gcj02"},
        "services": station.services,
        "links": map_links(lat=station.lat, lng=station.lng, name=station.name,
                           address=station.address),
    }, ensure_ascii=False, separators=(",", ":"))


def hours_pattern_id(opening_hours: dict) -> int | None:
    """The shared bitmap row for these weekly hours (None when always open)."""
    mask = hours.mask_to_bytes(hours.week_mask(opening_hours))
    if mask is None:
        return None
    digest = hashlib.sha256(mask).hexdigest()
    found = db.session.scalar(select(HoursPattern.id).where(HoursPattern.digest == digest))
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            pattern = HoursPattern(digest=digest, mask=mask)
            db.session.add(pattern)
        return pattern.id
    except IntegrityError:  # another writer added the same pattern first
        return db.session.scalar(select(HoursPattern.id).where(HoursPattern.digest == digest))


def refresh_search_row(station: Station) -> None:
    """Keep the read model in step with the station, in the caller's transaction."""
    db.session.execute(delete(StationSearchRow).where(StationSearchRow.station_id == station.id))
    if station.status != "active":
        return
    closed = ",".join(station.opening_hours.get("closed_dates", []) or []) or None
    db.session.add(StationSearchRow(
        station_id=station.id, lat_cell=lat_cell(station.lat), lat=station.lat, lng=station.lng,
        services_mask=services_mask(station.services),
        hours_id=hours_pattern_id(station.opening_hours), closed_dates=closed,
        card=card(station),
    ))


def _pattern(fast, pattern_id: int) -> bytes:
    """Hours bitmap by id, memoised per database: patterns never change (new hours → new row)."""
    key = ("station_hours", pattern_id)
    mask = fast.cache.get(key)
    if mask is None:
        rows = _query(fast, f"SELECT mask FROM station_hours WHERE id = {fast.placeholder}",
                      [pattern_id])
        mask = fast.cache[key] = bytes(rows[0][0])
    return mask


@dataclass(slots=True)
class Hit:
    distance_m: int
    station_id: int
    open_now: bool
    card: str

    def json(self) -> str:
        walk = -(-self.distance_m // WALK_METRES_PER_MINUTE)
        return (f'{self.card[:-1]},"distance_m":{self.distance_m},"walk_minutes":{walk},'
                f'"open_now":{"true" if self.open_now else "false"}}}')


def _query(fast, sql: str, params: dict | list) -> list:
    try:
        cursor = fast.connection().cursor()
        if fast.dialect == "postgresql":
            cursor.execute(sql, params, prepare=True)
        else:
            cursor.execute(sql, params)
        rows = cursor.fetchall()
        cursor.close()
    except Exception:
        fast.reset()
        raise
    return rows


def metres(distance: float) -> int:
    """Whole metres, halves rounded up (the same rule in SQL and Python)."""
    return math.floor(distance + 0.5)


def _box(fast, lat: float, lng: float, radius_m: float, mask: int) -> tuple[str, dict | list]:
    """WHERE clause for the bounding box: one index range per 0.01° latitude band.

    PostgreSQL gets named parameters (the distance SQL reuses them), SQLite positional ones.
    """
    d_lat = radius_m / METRES_PER_DEGREE_LAT
    widest = min(89.9, abs(lat) + d_lat)
    d_lng = radius_m / (METRES_PER_DEGREE_LAT * math.cos(math.radians(widest)))
    cells = list(range(lat_cell(lat - d_lat), lat_cell(lat + d_lat) + 1))
    if fast.dialect == "postgresql":
        clause = "lat_cell = ANY(%(cells)s) AND lng BETWEEN %(lng_lo)s AND %(lng_hi)s"
        params: dict | list = {"cells": cells, "lng_lo": lng - d_lng, "lng_hi": lng + d_lng}
        if mask:
            clause += " AND (services_mask & %(mask)s) = %(mask)s"
            params["mask"] = mask
        return clause, params
    clause = f"lat_cell IN ({','.join('?' * len(cells))}) AND lng BETWEEN ? AND ?"
    params = [*cells, lng - d_lng, lng + d_lng]
    if mask:
        clause += " AND (services_mask & ?) = ?"
        params += [mask, mask]
    return clause, params


def _candidates(fast, lat: float, lng: float, radius_m: float, mask: int, with_card: bool):
    clause, params = _box(fast, lat, lng, radius_m, mask)
    columns = "station_id, lat, lng, hours_id, closed_dates" + (", card" if with_card else "")
    return _query(fast, f"SELECT {columns} FROM station_search WHERE {clause}", params)


# geo.haversine_m written out in SQL with the same operations in the same order, so both
# sides agree to the last bit on which stations are inside and how far they are.
PG_DISTANCE = (
    f"2 * {EARTH_RADIUS_M} * asin(least(1, sqrt("
    "power(sin((radians(lat) - radians(%(lat)s)) / 2), 2)"
    " + cos(radians(%(lat)s)) * cos(radians(lat)) * power(sin(radians(lng - %(lng)s) / 2), 2))))"
)


def _top_postgres(fast, lat, lng, radius_m, mask, limit, now) -> list[Hit]:
    """PostgreSQL in one round trip: distance, order and limit in SQL, cards for the top only."""
    clause, params = _box(fast, lat, lng, radius_m, mask)
    sql = (
        f"SELECT c.station_id, c.d, c.hours_id, c.closed_dates, s.card FROM ("
        f"  SELECT station_id, hours_id, closed_dates, d FROM ("
        f"    SELECT station_id, hours_id, closed_dates, {PG_DISTANCE} AS d"
        f"    FROM station_search WHERE {clause}) inside"
        f"  WHERE d <= %(radius)s ORDER BY floor(d + 0.5), station_id LIMIT %(limit)s) c"
        f" JOIN station_search s ON s.station_id = c.station_id"
        f" ORDER BY floor(c.d + 0.5), c.station_id")
    rows = _query(fast, sql, {**params, "lat": lat, "lng": lng, "radius": float(radius_m),
                              "limit": limit})
    return [Hit(metres(d), station_id,
                hours.is_open(None if hours_id is None else _pattern(fast, hours_id),
                              closed, now), card)
            for station_id, d, hours_id, closed, card in rows]


def _hits(fast, lat, lng, radius_m, mask, open_now_only, now) -> list[Hit]:
    """Hits inside the radius sorted by (distance, id); cards filled in on SQLite only."""
    inline = fast.dialect == "sqlite"
    hits = []
    for row in _candidates(fast, lat, lng, radius_m, mask, inline):
        distance = haversine_m(lat, lng, row[1], row[2])
        if distance > radius_m:
            continue
        pattern = None if row[3] is None else _pattern(fast, row[3])
        is_open = hours.is_open(pattern, row[4], now)
        if open_now_only and not is_open:
            continue
        hits.append(Hit(metres(distance), row[0], is_open, row[5] if inline else ""))
    hits.sort(key=lambda hit: (hit.distance_m, hit.station_id))
    return hits


def _fill_cards(fast, hits: list[Hit]) -> None:
    """PostgreSQL: read the cards of the hits that will be shown, by station id."""
    missing = [hit for hit in hits if not hit.card]
    if not missing:
        return
    rows = _query(fast, "SELECT station_id, card FROM station_search "
                        "WHERE station_id = ANY(%(ids)s)",
                  {"ids": [hit.station_id for hit in missing]})
    cards = dict(rows)
    for hit in missing:
        hit.card = cards[hit.station_id]


def nearby_json(*, lat: float, lng: float, radius_m: int, limit: int, services: list[str],
                open_now: bool, now: datetime) -> str:
    """The whole response body of GET /stations/nearby, lat/lng already GCJ-02."""
    fast = reader()
    mask = services_mask(services)
    # PostgreSQL can rank in SQL unless "open now" must filter before the limit
    in_sql = fast.dialect == "postgresql" and not open_now

    def search(radius: float, count: int) -> list[Hit]:
        if in_sql:
            return _top_postgres(fast, lat, lng, radius, mask, count, now)
        return _hits(fast, lat, lng, radius, mask, open_now, now)[:count]

    hits = search(radius_m, limit)
    nearest = None
    if not hits:
        for fallback in FALLBACK_RADII_M:
            if fallback <= radius_m:
                continue
            found = search(fallback, 1)
            if found:
                nearest = found[0]
                break
    _fill_cards(fast, hits + ([nearest] if nearest else []))
    items = ",".join(hit.json() for hit in hits)
    outside = nearest.json() if nearest else "null"
    return f'{{"items":[{items}],"radius_m":{radius_m},"nearest_outside":{outside}}}'
