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
from app.stations.geo import METRES_PER_DEGREE_LAT, haversine_m
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


def _query(fast, sql: str, params: list) -> list:
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


def _candidates(fast, lat: float, lng: float, radius_m: float, mask: int, with_card: bool):
    """Rows in the bounding box: one index range per 0.01° latitude band."""
    d_lat = radius_m / METRES_PER_DEGREE_LAT
    widest = min(89.9, abs(lat) + d_lat)
    d_lng = radius_m / (METRES_PER_DEGREE_LAT * math.cos(math.radians(widest)))
    cells = list(range(lat_cell(lat - d_lat), lat_cell(lat + d_lat) + 1))
    p = fast.placeholder
    if fast.dialect == "postgresql":
        cell_clause, params = f"lat_cell = ANY({p})", [cells]
    else:
        cell_clause, params = f"lat_cell IN ({','.join('?' * len(cells))})", list(cells)
    columns = "station_id, lat, lng, hours_id, closed_dates" + (", card" if with_card else "")
    sql = (f"SELECT {columns} FROM station_search "
           f"WHERE {cell_clause} AND lng BETWEEN {p} AND {p}")
    params += [lng - d_lng, lng + d_lng]
    if mask:
        sql += f" AND (services_mask & {p}) = {p}"
        params += [mask, mask]
    return _query(fast, sql, params)


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
        hits.append(Hit(round(distance), row[0], is_open, row[5] if inline else ""))
    hits.sort(key=lambda hit: (hit.distance_m, hit.station_id))
    return hits


def _fill_cards(fast, hits: list[Hit]) -> None:
    """PostgreSQL: read the cards of the hits that will be shown, by station id."""
    missing = [hit for hit in hits if not hit.card]
    if not missing:
        return
    rows = _query(fast, f"SELECT station_id, card FROM station_search "
                        f"WHERE station_id = ANY({fast.placeholder})",
                  [[hit.station_id for hit in missing]])
    cards = dict(rows)
    for hit in missing:
        hit.card = cards[hit.station_id]


def nearby_json(*, lat: float, lng: float, radius_m: int, limit: int, services: list[str],
                open_now: bool, now: datetime) -> str:
    """The whole response body of GET /stations/nearby, lat/lng already GCJ-02."""
    fast = reader()
    mask = services_mask(services)
    hits = _hits(fast, lat, lng, radius_m, mask, open_now, now)[:limit]
    nearest = None
    if not hits:
        for fallback in FALLBACK_RADII_M:
            if fallback <= radius_m:
                continue
            found = _hits(fast, lat, lng, fallback, mask, open_now, now)
            if found:
                nearest = found[0]
                break
    _fill_cards(fast, hits + ([nearest] if nearest else []))
    items = ",".join(hit.json() for hit in hits)
    outside = nearest.json() if nearest else "null"
    return f'{{"items":[{items}],"radius_m":{radius_m},"nearest_outside":{outside}}}'
