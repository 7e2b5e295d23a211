"""Per-thread autocommit DBAPI connections for hot read paths (no BEGIN/ROLLBACK, no ORM)."""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict

from flask import current_app
from sqlalchemy import create_engine, event

from app.extensions import db
from config import engine_options


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


class FastReader:
    """Owns an autocommit engine and one raw connection per thread."""

    def __init__(self, url, card_cache_size: int = 0) -> None:
        self.dialect = url.get_backend_name()
        options: dict = {}
        if self.dialect == "postgresql":
            # same statement timeout as the main engine; one connection per thread, no pool churn.
            # Hot-path statements are prepared and their plans do not depend on the values
            # (index ranges on the read model), so plan once instead of on every execution.
            connect_args = dict(engine_options("postgresql").get("connect_args", {}))
            connect_args["options"] = (connect_args.get("options", "")
                                       + " -c plan_cache_mode=force_generic_plan").strip()
            options = {"isolation_level": "AUTOCOMMIT", "connect_args": connect_args}
        self.engine = create_engine(url, pool_pre_ping=False, **options)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_reader_pragmas)
        self.local = threading.local()
        # memo of immutable rows (e.g. shared opening-hours patterns), per database
        self.cache: dict = {}
        self.placeholder = "?" if self.dialect == "sqlite" else "%s"
        # station cards kept by this process (PostgreSQL: spares the database sending them);
        # on SQLite the cards sit in the scanned rows already, so none is kept
        self.cards = (CardCache(card_cache_size)
                      if self.dialect == "postgresql" and card_cache_size > 0 else None)

    def connection(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = self.engine.raw_connection()
        return conn

    def cursor(self):
        """This thread's cursor, kept: a fresh psycopg cursor rebuilds its type adapters."""
        cursor = getattr(self.local, "cursor", None)
        if cursor is None:
            cursor = self.local.cursor = self.connection().cursor()
        return cursor

    def reset(self) -> None:
        """Drop this thread's connection (after an error, so the next call reconnects)."""
        conn = getattr(self.local, "conn", None)
        self.local.conn = self.local.cursor = None
        if conn is not None:
            with contextlib.suppress(Exception):  # already broken: nothing to clean
                conn.invalidate()


def _sqlite_reader_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def reader() -> FastReader:
    found = current_app.extensions.get("gonghui_fastread")
    if found is None:
        found = current_app.extensions["gonghui_fastread"] = FastReader(
            db.engine.url, current_app.config.get("NEARBY_CARD_CACHE", 0))
    return found
