"""Station cards: the station as a nearby result shows it, built once at write time.

`card(station)` is `NearbyItem` without the per-request fields, dumped by that schema, so the
stored card and the documented item cannot drift apart. The read model keeps it as JSON text
with a 64-bit `card_key`; nearby splices the card's bytes into the response.

On PostgreSQL each process may keep the cards it has read (`CardCache`, size
NEARBY_CARD_CACHE) and trust one while the row still shows the same key: the nearby scan then
reads keys from the covering index only.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from flask import current_app

from app.core.fastread import FastReader, reader
from app.stations.schemas import PER_REQUEST_FIELDS, NearbyItem

CARD_SCHEMA = NearbyItem(exclude=PER_REQUEST_FIELDS)
KEY = "station_cards"  # in the fast reader's `domain` slot


def card(station) -> str:
    """The station as nearby results show it, minus the per-request fields (any object with
    the Station attributes the card reads)."""
    return json.dumps(CARD_SCHEMA.dump(station), ensure_ascii=False, separators=(",", ":"))


def card_key(card_text: str) -> int:
    """64-bit signed hash of a card: a cached card is good while its key matches the row's."""
    return int.from_bytes(hashlib.blake2b(card_text.encode(), digest_size=8).digest(), "big",
                          signed=True)


class CardCache:
    """Read-model values by row id with the key (hash) they were read under; least recently
    used out. A value is only trusted while the row still shows the same key.

    It also tells whether asking the database for keys only is worth it: when fewer than
    `min_hit_rate` of the recent lookups would have been answered here, reading values inline
    (one round trip) is cheaper than keys plus a second read for the misses.
    """

    DECAY_AFTER = 4000

    def __init__(self, size: int, min_hit_rate: float = 0.5) -> None:
        self.size = size
        self.min_hit_rate = min_hit_rate
        self.items: OrderedDict[int, tuple[int, bytes]] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0  # since start (for the benchmark)
        self.recent_hits = self.recent_looked = 0.0

    def prefers_keys(self) -> bool:
        if self.min_hit_rate <= 0:
            return True
        return self.recent_looked > 0 and (
            self.recent_hits >= self.min_hit_rate * self.recent_looked)

    def _count(self, hits: int, looked: int) -> None:
        self.hits += hits
        self.misses += looked - hits
        self.recent_hits += hits
        self.recent_looked += looked
        if self.recent_looked > self.DECAY_AFTER:
            self.recent_hits /= 2
            self.recent_looked /= 2

    def _evict(self) -> None:
        while len(self.items) > self.size:
            self.items.popitem(last=False)

    def take(self, wanted: dict[int, int]) -> tuple[dict[int, bytes], list[int]]:
        """(id → value for the ids whose key matches, ids to read)."""
        found: dict[int, bytes] = {}
        missing: list[int] = []
        with self.lock:
            for row_id, key in wanted.items():
                entry = self.items.get(row_id)
                if entry is not None and entry[0] == key:
                    self.items.move_to_end(row_id)
                    found[row_id] = entry[1]
                else:
                    missing.append(row_id)
            self._count(len(found), len(wanted))
        return found, missing

    def observe(self, rows) -> None:
        """rows: (id, key, value) read inline: count what the cache would have answered and
        keep the values, so the cache warms up while it is not used."""
        with self.lock:
            would = 0
            for row_id, key, value in rows:
                entry = self.items.get(row_id)
                if entry is not None and entry[0] == key:
                    would += 1
                else:
                    self.items[row_id] = (key, value)
                self.items.move_to_end(row_id)
            self._count(would, len(rows))
            self._evict()

    def put(self, rows) -> None:
        """rows: (id, key, value)."""
        with self.lock:
            for row_id, key, value in rows:
                self.items[row_id] = (key, value)
                self.items.move_to_end(row_id)
            self._evict()


def card_cache(fast: FastReader) -> CardCache | None:
    """This process's card cache, kept with the fast reader, with NEARBY_CARD_CACHE > 0: on
    PostgreSQL; on SQLite only with the nearby index (else the cards sit in the scanned rows
    already, and a warm cache saves nothing without the index)."""
    try:
        return fast.domain[KEY]
    except KeyError:
        size = current_app.config.get("NEARBY_CARD_CACHE", 0)
        wanted = fast.dialect == "postgresql" or current_app.config.get(
            "NEARBY_INDEX", "off") != "off"
        found = fast.domain[KEY] = CardCache(size) if wanted and size > 0 else None
        return found


def use_card_cache(cache: CardCache | None) -> CardCache | None:
    """Put `cache` in place of the app's (None: read cards inline); returns the one it
    replaced (benchmarks and tests compare card sources with it)."""
    fast = reader()
    previous = card_cache(fast)
    fast.domain[KEY] = cache
    return previous
