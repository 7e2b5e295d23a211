"""A nearby search: the hits inside the radius, their cards, the nearest station outside."""

from __future__ import annotations

import math
from datetime import datetime

from app.core.fastread import reader
from app.stations import hours
from app.stations.cards import card_cache
from app.stations.geo import EARTH_RADIUS_M
from app.stations.search.index import StationIndex, searched
from app.stations.search.ranking import Hit, Words, find_hits
from app.stations.search.sql import CARD_BYTES, ring_sql, run
from app.stations.vocab import services_mask

# radii of the circles tried, in order, for the nearest station outside an empty answer
FALLBACK_RADII_M = (2_000, 5_000, 12_000, 25_000, 50_000)


def _fill_cards(fast, cache, hits: list[Hit]) -> list[Hit]:
    """Cards for hits read without them: from the process's cache while the key matches,
    the rest in one read by station id (and remembered). A station gone in between drops."""
    wanted = {hit.station_id: hit.key for hit in hits if hit.card is None}
    if not wanted:
        return hits
    found, missing = cache.take(wanted) if cache is not None else ({}, list(wanted))
    if missing:
        rows = run(fast, f"SELECT station_id, card_key, {CARD_BYTES[fast.dialect]} "
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

    While the card cache would answer most cards (a warm cache) and this process's index is
    loaded and in step (search.index), the hits come from the index and the cards from the
    cache (the few missing in one read by id). Else one SQL range read with the cards inline
    (on SQLite they sit in the scanned rows), which also fills the cache.
    """
    fast = reader()
    mask = services_mask(services)
    moment = hours.Moment(now)
    cache = card_cache(fast)
    inline = cache is None or not cache.prefers_keys()

    def from_index(index: StationIndex) -> bytes:
        hits = _fill_cards(fast, cache, index.find_hits(fast, lat, lng, radius_m, mask,
                                                         open_now, moment, limit))
        nearest = None if hits else _nearest(fast, cache, lat, lng, radius_m, mask, open_now,
                                             moment, index)
        return _body(fast, moment, english, hits, nearest, radius_m)

    body = None if inline else searched(fast, from_index)
    if body is not None:
        return body
    hits = find_hits(fast, lat, lng, radius_m, mask, open_now, moment, inline, limit=limit)
    if not inline:
        hits = _fill_cards(fast, cache, hits)
    elif cache is not None:
        cache.observe([(hit.station_id, hit.key, hit.card) for hit in hits])
    nearest = None if hits else _nearest(fast, cache, lat, lng, radius_m, mask, open_now,
                                         moment)
    return _body(fast, moment, english, hits, nearest, radius_m)


def _body(fast, moment, english, hits: list[Hit], nearest: Hit | None, radius_m: int) -> bytes:
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


def _nearest(fast, cache, lat, lng, radius_m, mask, open_now, moment,
             index: StationIndex | None = None) -> Hit | None:
    """The nearest matching station outside the radius, whatever the distance.

    First the fallback circles (cheap, prefiltered), then far rings doubling to the whole
    globe, each one indexed range read. A ring's box holds its circle, so the first ring
    with a station inside its circle holds the nearest one. Cards only for the winner.
    """
    for fallback in FALLBACK_RADII_M:
        if fallback <= radius_m:
            continue
        found = _fill_cards(fast, cache, find_hits(fast, lat, lng, fallback, mask, open_now,
                                                   moment, False, limit=1) if index is None else
                            index.find_hits(fast, lat, lng, fallback, mask, open_now, moment, 1))
        if found:
            return found[0]
    for ring in ring_radii(radius_m):
        sql = ring_sql(fast, lat, lng, ring, mask)
        found = _fill_cards(fast, cache, find_hits(fast, lat, lng, ring, mask, open_now, moment,
                                                   False, sql, limit=1))
        if found:
            return found[0]
    return None
