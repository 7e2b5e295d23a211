"""The SQL of a nearby search on both backends: one indexed range read per query.

SQLite gets positional parameters and reads cards inline (they sit in the scanned rows of the
WITHOUT ROWID table); PostgreSQL gets named parameters, prepared generic plans and binary
results (see core.fastread), and may read keys only from the covering index.
"""

from __future__ import annotations

import math
from typing import Any

from app.stations.geo import EARTH_RADIUS_M, METRES_PER_DEGREE_LAT
from app.stations.search.readmodel import lat_cell


def pattern_mask(fast, pattern_id: int) -> bytes:
    """Hours bitmap by id, memoised per database: patterns never change (new hours → new row)."""
    key = ("station_hours", pattern_id)
    mask = fast.cache.get(key)
    if mask is None:
        rows = run(fast, f"SELECT mask FROM station_hours WHERE id = {fast.placeholder}",
                   [pattern_id])
        mask = fast.cache[key] = bytes(rows[0][0])
    return mask


def run(fast, sql: str, params: dict | list) -> list:
    if fast.dialect == "postgresql":
        # binary results: floats and the card's bytes arrive without text parsing
        return fast.execute(sql, params, prepare=True, binary=True)
    return fast.execute(sql, params)


# The index range is a box; a flat-earth circle test in SQL (plain arithmetic, no trig) drops
# the box's corners before rows reach Python. It is widened by PREFILTER_SLACK and uses the
# box's smallest cos(latitude), so it keeps every station the exact great-circle test keeps
# (the flat estimate is below the true distance up to terms far smaller than 5 % at ≤ 50 km).
PREFILTER_SLACK = 1.05


def box(lat: float, lng: float, radius_m: float) -> tuple[list[int], float, float, float, float]:
    """The index box of a circle (SQL and the in-process index read the same one): its
    0.01° latitude bands, its longitude range, the box's smallest cos(latitude), the
    half-height in degrees."""
    d_lat = radius_m / METRES_PER_DEGREE_LAT
    widest = min(89.9, abs(lat) + d_lat)
    squeeze = math.cos(math.radians(widest))
    d_lng = d_lat / squeeze
    cells = list(range(lat_cell(lat - d_lat), lat_cell(lat + d_lat) + 1))
    return cells, lng - d_lng, lng + d_lng, squeeze, d_lat


def _box(fast, lat: float, lng: float, radius_m: float, mask: int) -> tuple[str, dict | list]:
    """WHERE clause: one index range per 0.01° latitude band, then the flat circle prefilter.

    PostgreSQL gets named parameters, SQLite positional ones.
    """
    cells, lng_lo, lng_hi, squeeze, d_lat = box(lat, lng, radius_m)
    reach = (d_lat * PREFILTER_SLACK) ** 2
    if fast.dialect == "postgresql":
        clause = ("lat_cell = ANY(%(cells)s) AND lng BETWEEN %(lng_lo)s AND %(lng_hi)s"
                  " AND (lat - %(lat)s) * (lat - %(lat)s)"
                  " + (lng - %(lng)s) * (lng - %(lng)s) * %(squeeze2)s <= %(reach)s")
        params: dict | list = {"cells": cells, "lng_lo": lng_lo, "lng_hi": lng_hi,
                               "lat": lat, "lng": lng, "squeeze2": squeeze * squeeze,
                               "reach": reach}
        if mask:
            clause += " AND (services_mask & %(mask)s) = %(mask)s"
            params["mask"] = mask
        return clause, params
    clause = (f"lat_cell IN ({','.join('?' * len(cells))}) AND lng BETWEEN ? AND ?"
              " AND (lat - ?) * (lat - ?) + (lng - ?) * (lng - ?) * ? <= ?")
    params = [*cells, lng_lo, lng_hi, lat, lat, lng, lng, squeeze * squeeze, reach]
    if mask:
        clause += " AND (services_mask & ?) = ?"
        params += [mask, mask]
    return clause, params


CARD_BYTES = {"sqlite": "CAST(card AS BLOB)", "postgresql": "convert_to(card, 'UTF8')"}
_RADIANS = math.pi / 180.0  # math.radians(x) is x * this, so the loop below equals haversine_m
_DIAMETER_M = 2 * EARTH_RADIUS_M


def candidates_sql(fast, lat, lng, radius_m, mask, inline) -> tuple[str, dict | list]:
    """The one query of a nearby search (the benchmark prints its plan): with the cards
    inline, or with their keys only (answered from the covering index on PostgreSQL)."""
    clause, params = _box(fast, lat, lng, radius_m, mask)
    card_column = CARD_BYTES[fast.dialect] if inline else "NULL"
    return (f"SELECT station_id, lat, lng, hours_id, closed_dates, card_key, services_mask, "
            f"rating_sum, rating_count, {card_column} FROM station_search WHERE {clause}",
            params)


def ring_sql(fast, lat: float, lng: float, radius_m: float, mask: int) -> tuple[str, dict | list]:
    """One far ring: a single range of the (lat_cell, lng) index, the latitude band of the
    circle, narrowed to its longitude span (either side of the antimeridian) unless the circle
    holds a pole. No flat-earth prefilter (wrong at these distances): the exact great-circle
    test in ranking.find_hits decides. Cards are not read (keys only)."""
    angle = radius_m / EARTH_RADIUS_M  # radians
    d_lat = math.degrees(angle)
    south, north = lat - d_lat, lat + d_lat
    pg = fast.dialect == "postgresql"
    mark = (lambda name: f"%({name})s") if pg else (lambda name: "?")
    named: list[tuple[str, Any]] = [("lo", lat_cell(max(-90.0, south))),
                                    ("hi", lat_cell(min(90.0, north)))]
    clause = f"lat_cell BETWEEN {mark('lo')} AND {mark('hi')}"
    if north < 90 and south > -90:
        # half-width in longitude of a spherical cap that holds no pole, widened a little
        # against rounding (the exact test in ranking.find_hits decides)
        span = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat)))))
        west, east = lng - span - 1e-6, lng + span + 1e-6
        if east - west < 360:
            if west < -180:
                west += 360
            elif east > 180:
                east -= 360
            joint = "AND" if west <= east else "OR"
            clause += f" AND (lng >= {mark('west')} {joint} lng <= {mark('east')})"
            named += [("west", west), ("east", east)]
    if mask:
        clause += f" AND (services_mask & {mark('mask')}) = {mark('mask2')}"
        named += [("mask", mask), ("mask2", mask)]
    params: dict | list = dict(named) if pg else [value for _, value in named]
    return (f"SELECT station_id, lat, lng, hours_id, closed_dates, card_key, services_mask, "
            f"rating_sum, rating_count, NULL FROM station_search WHERE {clause}", params)


