"""Nearby search on the `station_search` read model: indexed, raw SQL, JSON built by splicing.

The read model is written here too: `refresh_search_row` keeps a station's row in step in the
caller's transaction, `rebuild_search` recomputes every row from the stations table (the
`flask gonghui rebuild-search` command, and migrations that change the card's shape).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import request
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.core.fastread import reader
from app.core.i18n import ENGLISH, select_locale
from app.extensions import db
from app.stations import hours
from app.stations.cards import card, card_cache, card_key
from app.stations.geo import EARTH_RADIUS_M, METRES_PER_DEGREE_LAT
from app.stations.models import Feedback, HoursPattern, Station, StationSearchRow
from app.stations.vocab import SERVICES, SERVICES_EN, service_codes, services_mask

CELLS_PER_DEGREE = 100
WALK_METRES_PER_MINUTE = 80
FALLBACK_RADII_M = (2_000, 5_000, 12_000, 25_000, 50_000)
REBUILD_BATCH = 1000


def lat_cell(lat: float) -> int:
    return math.floor(lat * CELLS_PER_DEGREE)


def _hours_digest(opening_hours: dict) -> tuple[bytes, str] | None:
    if hours.known(opening_hours):
        mask = hours.mask_to_bytes(hours.week_mask(opening_hours))
        if mask is None:
            return None
    else:
        mask = hours.UNKNOWN_MASK
    return mask, hashlib.sha256(mask).hexdigest()


def hours_pattern_id(opening_hours: dict) -> int | None:
    """The shared bitmap row for these weekly hours (None when always open; unknown hours
    share the row of UNKNOWN_MASK)."""
    found = _hours_digest(opening_hours)
    if found is None:
        return None
    mask, digest = found
    pattern_id = db.session.scalar(select(HoursPattern.id).where(HoursPattern.digest == digest))
    if pattern_id is not None:
        return pattern_id
    try:
        with db.session.begin_nested():
            pattern = HoursPattern(digest=digest, mask=mask)
            db.session.add(pattern)
        return pattern.id
    except IntegrityError:  # another writer added the same pattern first
        return db.session.scalar(select(HoursPattern.id).where(HoursPattern.digest == digest))


def search_values(station: Any, hours_id: int | None, ratings: tuple[int, int]) -> dict[str, Any]:
    """The read-model row of an active station (any object with the Station attributes);
    `ratings`: (sum, count) of its visible ratings."""
    closed = ",".join(station.opening_hours.get("closed_dates", []) or []) or None
    text = card(station)
    return {"station_id": station.id, "lat_cell": lat_cell(station.lat), "lat": station.lat,
            "lng": station.lng, "services_mask": services_mask(station.services),
            "hours_id": hours_id, "closed_dates": closed, "card": text,
            "card_key": card_key(text), "rating_sum": int(ratings[0] or 0),
            "rating_count": int(ratings[1] or 0)}


def _visible_ratings(station_column):
    """(sum, count) of the visible ratings of the station in `station_column`, as columns."""
    feedback = Feedback.__table__
    visible = ((feedback.c.station_id == station_column) & (feedback.c.status == "visible")
               & feedback.c.superseded_at.is_(None))
    total = (select(func.coalesce(func.sum(feedback.c.rating), 0)).where(visible)
             .correlate_except(feedback).scalar_subquery())
    count = (select(func.count()).select_from(feedback).where(visible)
             .correlate_except(feedback).scalar_subquery())
    return total.label("rating_sum"), count.label("rating_count")


def refresh_search_row(station: Station) -> None:
    """Keep the read model in step with the station, in the caller's transaction."""
    db.session.execute(delete(StationSearchRow).where(StationSearchRow.station_id == station.id))
    if station.status != "active":
        return
    ratings = db.session.execute(select(*_visible_ratings(station.id))).one()
    db.session.add(StationSearchRow(
        **search_values(station, hours_pattern_id(station.opening_hours), tuple(ratings))))


def add_rating(station_id: int, rating: int, *, count: int = 1) -> None:
    """A rating became visible (`count=-1`, with `-rating`: a visible one stopped counting):
    one atomic counter UPDATE in the caller's transaction (the card stays as it is; nearby
    divides per request)."""
    db.session.execute(update(StationSearchRow).where(StationSearchRow.station_id == station_id)
                       .values(rating_sum=StationSearchRow.rating_sum + rating,
                               rating_count=StationSearchRow.rating_count + count))


@dataclass
class RebuildCounts:
    stations: int = 0  # stations read
    unchanged: int = 0  # active stations whose row was already right
    added: int = 0  # active stations that had no row
    updated: int = 0  # rows rewritten (stale card, position, services, hours)
    removed: int = 0  # rows of stations that are not active

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


SEARCH_COLUMNS = ("station_id", "lat_cell", "lat", "lng", "services_mask", "hours_id",
                  "closed_dates", "card", "card_key", "rating_sum", "rating_count")


def rebuild_search(connection: Connection, *, batch: int = REBUILD_BATCH,
                   after_batch: Callable[[RebuildCounts], None] | None = None) -> RebuildCounts:
    """Recompute `station_search` from `stations` (cards included), `batch` stations at a
    time in id order; rows already right are left alone, so a second run changes nothing.

    Runs on a plain connection and never commits: the CLI commits after each batch through
    `after_batch`, a migration calls it with `op.get_bind()` inside its own transaction.
    """
    stations, search, patterns = Station.__table__, StationSearchRow.__table__, \
        HoursPattern.__table__
    known = dict(connection.execute(select(patterns.c.digest, patterns.c.id)).all())
    counts = RebuildCounts()
    last_id = 0
    while True:
        rows = connection.execute(
            select(stations.c.id, stations.c.name, stations.c.kind, stations.c.address,
                   stations.c.code, stations.c.lat, stations.c.lng, stations.c.services,
                   stations.c.opening_hours, stations.c.status, stations.c.photos,
                   *_visible_ratings(stations.c.id))
            .where(stations.c.id > last_id).order_by(stations.c.id).limit(batch)).all()
        if not rows:
            return counts
        last_id = rows[-1].id
        ids = [row.id for row in rows]
        current = {row.station_id: tuple(row) for row in connection.execute(
            select(*[search.c[name] for name in SEARCH_COLUMNS])
            .where(search.c.station_id.in_(ids)))}
        stale_ids, fresh = [], []
        for row in rows:
            counts.stations += 1
            had = current.get(row.id)
            if row.status != "active":
                if had is not None:
                    stale_ids.append(row.id)
                    counts.removed += 1
                continue
            values = search_values(row, _pattern_id(connection, known, row.opening_hours),
                                   (row.rating_sum, row.rating_count))
            if had == tuple(values[name] for name in SEARCH_COLUMNS):
                counts.unchanged += 1
                continue
            if had is None:
                counts.added += 1
            else:
                stale_ids.append(row.id)
                counts.updated += 1
            fresh.append(values)
        if stale_ids:
            connection.execute(delete(search).where(search.c.station_id.in_(stale_ids)))
        if fresh:
            connection.execute(insert(search), fresh)
        if after_batch is not None:
            after_batch(counts)


def _pattern_id(connection: Connection, known: dict[str, int], opening_hours: dict) -> int | None:
    found = _hours_digest(opening_hours)
    if found is None:
        return None
    mask, digest = found
    if digest not in known:
        patterns = HoursPattern.__table__
        connection.execute(insert(patterns).values(digest=digest, mask=mask))
        known[digest] = connection.scalar(select(patterns.c.id)
                                          .where(patterns.c.digest == digest))
    return known[digest]


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
    open_now: bool | None  # None: unknown hours
    card: bytes | None  # UTF-8 JSON object; None until filled from the cache or by id
    key: int = 0  # the row's card_key (a cached card is good while it matches)
    mask: int = 0  # services
    hours_id: int | None = None
    closed_today: bool = False
    rating_sum: int = 0
    rating_count: int = 0

    def json(self, words: Words) -> bytes:
        walk = -(-self.distance_m // WALK_METRES_PER_MINUTE)
        count = self.rating_count
        rating = b"%r" % round(self.rating_sum / count, 2) if count else b"null"
        return (b'%s,"distance_m":%d,"walk_minutes":%d,"open_now":%s,"today_hours":%s,'
                b'"services":%s,"rating":%s,"rating_count":%d}') % (
            self.card[:-1], self.distance_m, walk, _JSON_OPEN[self.open_now],
            words.today(self.hours_id, self.closed_today), words.services(self.mask), rating,
            count)


_JSON_OPEN = {True: b"true", False: b"false", None: b"null"}
_WORDS_MAX = 50_000  # memoised texts per database before they are dropped and made again


class Words:
    """The texts of one request's cards (language, today's weekday) as JSON bytes, memoised
    per database across requests: services labels by mask, today's hours by pattern."""

    __slots__ = ("fast", "weekday", "english", "memo")

    def __init__(self, fast, moment: hours.Moment, english: bool) -> None:
        self.fast, self.english = fast, english
        self.weekday = moment.minute // 1440
        memo = fast.cache.get("station_words")
        if memo is None or len(memo) > _WORDS_MAX:
            memo = fast.cache["station_words"] = {}
        self.memo = memo

    def services(self, mask: int) -> bytes:
        key = ("s", mask, self.english)
        found = self.memo.get(key)
        if found is None:
            labels = SERVICES_EN if self.english else SERVICES
            found = self.memo[key] = json.dumps(
                [{"code": code, "label": labels[code]} for code in service_codes(mask)],
                ensure_ascii=False, separators=(",", ":")).encode()
        return found

    def today(self, hours_id: int | None, closed_today: bool) -> bytes:
        key = ("t", hours_id, closed_today, self.weekday, self.english)
        found = self.memo.get(key)
        if found is None:
            mask = None if hours_id is None else _pattern(self.fast, hours_id)
            found = self.memo[key] = json.dumps(
                hours.today_text(mask, closed_today, self.weekday, self.english),
                ensure_ascii=False).encode()
        return found


def _query(fast, sql: str, params: dict | list) -> list:
    if fast.dialect == "postgresql":
        # binary results: floats and the card's bytes arrive without text parsing
        return fast.execute(sql, params, prepare=True, binary=True)
    return fast.execute(sql, params)


def metres(distance: float) -> int:
    """Whole metres, halves rounded up."""
    return math.floor(distance + 0.5)


# The index range is a box; a flat-earth circle test in SQL (plain arithmetic, no trig) drops
# the box's corners before rows reach Python. It is widened by PREFILTER_SLACK and uses the
# box's smallest cos(latitude), so it keeps every station the exact great-circle test keeps
# (the flat estimate is below the true distance up to terms far smaller than 5 % at ≤ 50 km).
PREFILTER_SLACK = 1.05


def _box(fast, lat: float, lng: float, radius_m: float, mask: int) -> tuple[str, dict | list]:
    """WHERE clause: one index range per 0.01° latitude band, then the flat circle prefilter.

    PostgreSQL gets named parameters, SQLite positional ones.
    """
    d_lat = radius_m / METRES_PER_DEGREE_LAT
    widest = min(89.9, abs(lat) + d_lat)
    squeeze = math.cos(math.radians(widest))
    d_lng = d_lat / squeeze
    cells = list(range(lat_cell(lat - d_lat), lat_cell(lat + d_lat) + 1))
    reach = (d_lat * PREFILTER_SLACK) ** 2
    if fast.dialect == "postgresql":
        clause = ("lat_cell = ANY(%(cells)s) AND lng BETWEEN %(lng_lo)s AND %(lng_hi)s"
                  " AND (lat - %(lat)s) * (lat - %(lat)s)"
                  " + (lng - %(lng)s) * (lng - %(lng)s) * %(squeeze2)s <= %(reach)s")
        params: dict | list = {"cells": cells, "lng_lo": lng - d_lng, "lng_hi": lng + d_lng,
                               "lat": lat, "lng": lng, "squeeze2": squeeze * squeeze,
                               "reach": reach}
        if mask:
            clause += " AND (services_mask & %(mask)s) = %(mask)s"
            params["mask"] = mask
        return clause, params
    clause = (f"lat_cell IN ({','.join('?' * len(cells))}) AND lng BETWEEN ? AND ?"
              " AND (lat - ?) * (lat - ?) + (lng - ?) * (lng - ?) * ? <= ?")
    params = [*cells, lng - d_lng, lng + d_lng, lat, lat, lng, lng, squeeze * squeeze, reach]
    if mask:
        clause += " AND (services_mask & ?) = ?"
        params += [mask, mask]
    return clause, params


_CARD_BYTES = {"sqlite": "CAST(card AS BLOB)", "postgresql": "convert_to(card, 'UTF8')"}
_RADIANS = math.pi / 180.0  # math.radians(x) is x * this, so the loop below equals haversine_m
_DIAMETER_M = 2 * EARTH_RADIUS_M


def candidates_sql(fast, lat, lng, radius_m, mask, inline) -> tuple[str, dict | list]:
    """The one query of a nearby search (the benchmark prints its plan): with the cards
    inline, or with their keys only (answered from the covering index on PostgreSQL)."""
    clause, params = _box(fast, lat, lng, radius_m, mask)
    card_column = _CARD_BYTES[fast.dialect] if inline else "NULL"
    return (f"SELECT station_id, lat, lng, hours_id, closed_dates, card_key, services_mask, "
            f"rating_sum, rating_count, {card_column} FROM station_search WHERE {clause}",
            params)


def _hits(fast, lat, lng, radius_m, mask, open_now_only, moment, inline,
          sql: tuple[str, dict | list] | None = None) -> list[Hit]:
    """Hits inside the radius sorted by (distance, id), with their cards when `inline`, else
    with the cards' keys (see _fill_cards). `sql` replaces the candidates query (a ring of
    the nearest-anyway search).

    The great-circle distance is geo.haversine_m inlined (same operations, same order, the
    query point's terms hoisted), because this loop runs for every candidate row. Cards come
    over as bytes: no UTF-8 decoding of text that is only spliced into the response.
    """
    rows = _query(fast, *(sql or candidates_sql(fast, lat, lng, radius_m, mask, inline)))
    p1 = lat * _RADIANS
    cos_p1 = math.cos(p1)
    sin, cos, asin, sqrt = math.sin, math.cos, math.asin, math.sqrt
    hits = []
    today = moment.date
    for (station_id, row_lat, row_lng, hours_id, closed, key, mask, rating_sum, rating_count,
         card_bytes) in rows:
        p2 = row_lat * _RADIANS
        h = (sin((p2 - p1) / 2) ** 2
             + cos_p1 * cos(p2) * sin((row_lng - lng) * _RADIANS / 2) ** 2)
        distance = _DIAMETER_M * asin(min(1.0, sqrt(h)))
        if distance > radius_m:
            continue
        if hours_id is None and not closed:
            is_open, closed_today = True, False
        else:
            is_open = moment.is_open(None if hours_id is None else _pattern(fast, hours_id),
                                     closed)
            if open_now_only and not is_open:
                continue
            closed_today = bool(closed) and today in closed
        hits.append(Hit(metres(distance), station_id, is_open, card_bytes, key, mask, hours_id,
                        closed_today, rating_sum, rating_count))
    hits.sort(key=_rank)
    return hits


_LANGUAGES: dict[str, bool] = {}  # Accept-Language header → English?


def wants_english() -> bool:
    """The request asks for English (core.i18n's choice), memoised by header: the hot path
    never runs the locale selector for a header it has seen."""
    header = request.headers.get("Accept-Language")
    if not header:
        return False
    found = _LANGUAGES.get(header)
    if found is None:
        if len(_LANGUAGES) > 1000:
            _LANGUAGES.clear()
        found = _LANGUAGES[header] = select_locale() == ENGLISH
    return found


def _rank(hit: Hit) -> tuple[int, int]:
    return hit.distance_m, hit.station_id


def _fill_cards(fast, cache, hits: list[Hit]) -> list[Hit]:
    """Cards for hits read without them: from the process's cache while the key matches,
    the rest in one read by station id (and remembered). A station gone in between drops."""
    wanted = {hit.station_id: hit.key for hit in hits if hit.card is None}
    if not wanted:
        return hits
    found, missing = cache.take(wanted) if cache is not None else ({}, list(wanted))
    if missing:
        rows = _query(fast, f"SELECT station_id, card_key, {_CARD_BYTES[fast.dialect]} "
                            f"FROM station_search WHERE station_id IN "
                            f"({','.join([fast.placeholder] * len(missing))})", missing)
        if cache is not None:
            cache.put(rows)
        found.update((station_id, card) for station_id, _, card in rows)
    for hit in hits:
        if hit.card is None:
            hit.card = found.get(hit.station_id)
    return [hit for hit in hits if hit.card is not None]


def nearby_json(*, lat: float, lng: float, radius_m: int, limit: int, services: list[str],
                open_now: bool, now: datetime, english: bool = False) -> bytes:
    """The whole response body of GET /stations/nearby (UTF-8), lat/lng already GCJ-02.

    SQLite reads cards inline (they sit in the scanned rows). PostgreSQL with a warm card
    cache reads keys only, so the scan is index-only and cards rarely cross the wire; while
    the cache would answer too few, it reads them inline and fills the cache.
    """
    fast = reader()
    mask = services_mask(services)
    moment = hours.Moment(now)
    cache = card_cache(fast)
    inline = cache is None or not cache.prefers_keys()
    hits = _hits(fast, lat, lng, radius_m, mask, open_now, moment, inline)[:limit]
    if not inline:
        hits = _fill_cards(fast, cache, hits)
    elif cache is not None:
        cache.observe([(hit.station_id, hit.key, hit.card) for hit in hits])
    nearest = None if hits else _nearest(fast, cache, lat, lng, radius_m, mask, open_now,
                                         moment)
    words = Words(fast, moment, english)
    items = b",".join([hit.json(words) for hit in hits])
    outside = nearest.json(words) if nearest else b"null"
    return b'{"items":[%s],"radius_m":%d,"nearest_outside":%s}' % (items, radius_m, outside)


# Beyond the last fallback radius the nearest station is sought in rings doubling up to half
# the Earth's circumference (plus a metre for rounding), where every point is inside.
WHOLE_GLOBE_M = math.pi * EARTH_RADIUS_M + 1


def ring_radii(radius_m: int) -> list[float]:
    """The radii of the far rings of a search of `radius_m`: doubling from twice the larger of
    it and the last fallback radius, the last one covering the whole globe."""
    radii = [2.0 * max(radius_m, FALLBACK_RADII_M[-1])]
    while radii[-1] < WHOLE_GLOBE_M:
        radii.append(min(2 * radii[-1], WHOLE_GLOBE_M))
    return radii


def ring_sql(fast, lat: float, lng: float, radius_m: float, mask: int) -> tuple[str, dict | list]:
    """One far ring: a single range of the (lat_cell, lng) index, the latitude band of the
    circle, narrowed to its longitude span (either side of the antimeridian) unless the circle
    holds a pole. No flat-earth prefilter (wrong at these distances): the exact great-circle
    test in _hits decides. Cards are not read (keys only)."""
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
        # against rounding (the exact test in _hits decides)
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


def _nearest(fast, cache, lat, lng, radius_m, mask, open_now, moment) -> Hit | None:
    """The nearest matching station outside the radius, whatever the distance.

    First the fallback circles (cheap, prefiltered), then far rings doubling to the whole
    globe, each one indexed range read. A ring's box holds its circle, so the first ring
    with a station inside its circle holds the nearest one. Cards only for the winner.
    """
    for fallback in FALLBACK_RADII_M:
        if fallback <= radius_m:
            continue
        found = _fill_cards(fast, cache, _hits(fast, lat, lng, fallback, mask, open_now,
                                               moment, False)[:1])
        if found:
            return found[0]
    for ring in ring_radii(radius_m):
        sql = ring_sql(fast, lat, lng, ring, mask)
        found = _fill_cards(fast, cache, _hits(fast, lat, lng, ring, mask, open_now, moment,
                                               False, sql)[:1])
        if found:
            return found[0]
    return None
