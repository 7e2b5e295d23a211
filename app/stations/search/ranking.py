"""Ranking of a nearby search: the exact distance and open-now tests on candidate rows,
the order (distance, id), and each hit as JSON bytes spliced from its card."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from app.stations import hours
from app.stations.geo import EARTH_RADIUS_M
from app.stations.search.sql import candidates_sql, pattern_mask, run
from app.stations.vocab import SERVICES, SERVICES_EN, service_codes

WALK_METRES_PER_MINUTE = 80


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
            mask = None if hours_id is None else pattern_mask(self.fast, hours_id)
            found = self.memo[key] = json.dumps(
                hours.today_text(mask, closed_today, self.weekday, self.english),
                ensure_ascii=False).encode()
        return found


def metres(distance: float) -> int:
    """Whole metres, halves rounded up."""
    return math.floor(distance + 0.5)


_RADIANS = math.pi / 180.0  # math.radians(x) is x * this, so the loop below equals haversine_m
_DIAMETER_M = 2 * EARTH_RADIUS_M


def find_hits(fast, lat, lng, radius_m, mask, open_now_only, moment, inline,
              sql: tuple[str, dict | list] | None = None, limit: int | None = None) -> list[Hit]:
    """The first `limit` (None: all) hits inside the radius sorted by (distance, id), with
    their cards when `inline`, else with the cards' keys (see _fill_cards). `sql` replaces
    the candidates query (a ring of the nearest-anyway search).

    The great-circle distance is geo.haversine_m inlined (same operations, same order, the
    query point's terms hoisted), because this loop runs for every candidate row; the rest
    of a hit (open now, its Hit) only for the rows that make the first `limit`. Cards come
    over as bytes: no UTF-8 decoding of text that is only spliced into the response.
    """
    rows = run(fast, *(sql or candidates_sql(fast, lat, lng, radius_m, mask, inline)))
    p1 = lat * _RADIANS
    cos_p1 = math.cos(p1)
    sin, cos, asin, sqrt = math.sin, math.cos, math.asin, math.sqrt
    inside = []
    for row in rows:
        p2 = row[1] * _RADIANS
        h = (sin((p2 - p1) / 2) ** 2
             + cos_p1 * cos(p2) * sin((row[2] - lng) * _RADIANS / 2) ** 2)
        distance = _DIAMETER_M * asin(min(1.0, sqrt(h)))
        if distance <= radius_m:
            inside.append((metres(distance), row[0], row))
    inside.sort(key=rank_key)  # (distance, id) is unique: rows are never compared
    hits: list[Hit] = []
    today = moment.date
    for distance, _, (station_id, _, _, hours_id, closed, key, mask, rating_sum, rating_count,
                      card_bytes) in inside:
        if hours_id is None and not closed:
            is_open, closed_today = True, False
        else:
            is_open = moment.is_open(None if hours_id is None else pattern_mask(fast, hours_id),
                                     closed)
            if open_now_only and not is_open:
                continue
            closed_today = bool(closed) and today in closed
        hits.append(Hit(distance, station_id, is_open, card_bytes, key, mask, hours_id,
                        closed_today, rating_sum, rating_count))
        if len(hits) == limit:
            break
    return hits


def rank_key(entry) -> tuple[int, int]:
    return entry[0], entry[1]
