"""Nearby search on the `station_search` read model: indexed, raw SQL, JSON built by splicing."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete

from app.core.fastread import reader
from app.extensions import db
from app.stations import hours
from app.stations.geo import METRES_PER_DEGREE_LAT, haversine_m
from app.stations.links import map_links
from app.stations.models import Station, StationSearchRow
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


def refresh_search_row(station: Station) -> None:
    """Keep the read model in step with the station, in the caller's transaction."""
    db.session.execute(delete(StationSearchRow).where(StationSearchRow.station_id == station.id))
    if station.status != "active":
        return
    closed = ",".join(station.opening_hours.get("closed_dates", []) or []) or None
    db.session.add(StationSearchRow(
        station_id=station.id, lat_cell=lat_cell(station.lat), lat=station.lat, lng=station.lng,
        services_mask=services_mask(station.services),
        open_mask=hours.mask_to_bytes(hours.week_mask(station.opening_hours)),
        closed_dates=closed, card=card(station),
    ))


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


def _candidates(lat: float, lng: float, radius_m: float, mask: int):
    d_lat = radius_m / METRES_PER_DEGREE_LAT
    widest = min(89.9, abs(lat) + d_lat)
    d_lng = radius_m / (METRES_PER_DEGREE_LAT * math.cos(math.radians(widest)))
    cells = list(range(lat_cell(lat - d_lat), lat_cell(lat + d_lat) + 1))
    fast = reader()
    p = fast.placeholder
    if fast.dialect == "postgresql":
        cell_clause, params = f"lat_cell = ANY({p})", [cells]
    else:
        cell_clause, params = f"lat_cell IN ({','.join('?' * len(cells))})", list(cells)
    sql = (f"SELECT station_id, lat, lng, open_mask, closed_dates, card FROM station_search "
           f"WHERE {cell_clause} AND lng BETWEEN {p} AND {p}")
    params += [lng - d_lng, lng + d_lng]
    if mask:
        sql += f" AND (services_mask & {p}) = {p}"
        params += [mask, mask]
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


def _hits(lat, lng, radius_m, mask, open_now_only, now) -> list[Hit]:
    hits = []
    for station_id, s_lat, s_lng, open_mask, closed_dates, station_card in _candidates(
            lat, lng, radius_m, mask):
        distance = haversine_m(lat, lng, s_lat, s_lng)
        if distance > radius_m:
            continue
        is_open = hours.is_open(open_mask, closed_dates, now)
        if open_now_only and not is_open:
            continue
        hits.append(Hit(round(distance), station_id, is_open, station_card))
    hits.sort(key=lambda hit: (hit.distance_m, hit.station_id))
    return hits


def nearby_json(*, lat: float, lng: float, radius_m: int, limit: int, services: list[str],
                open_now: bool, now: datetime) -> str:
    """The whole response body of GET /stations/nearby, lat/lng already GCJ-02."""
    mask = services_mask(services)
    hits = _hits(lat, lng, radius_m, mask, open_now, now)[:limit]
    outside = "null"
    if not hits:
        for fallback in FALLBACK_RADII_M:
            if fallback <= radius_m:
                continue
            found = _hits(lat, lng, fallback, mask, open_now, now)
            if found:
                outside = found[0].json()
                break
    items = ",".join(hit.json() for hit in hits)
    return f'{{"items":[{items}],"radius_m":{radius_m},"nearest_outside":{outside}}}'
