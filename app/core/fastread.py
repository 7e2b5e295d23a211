"""Per-thread autocommit DBAPI connections for hot read paths (no BEGIN/ROLLBACK, no ORM).

Generic plumbing only: what a hot path reads and what it keeps (e.g. the stations' card
cache, `app/stations/cards.py`) belongs to its domain.
"""

from __future__ import annotations

import contextlib
import threading

from flask import current_app
from sqlalchemy import create_engine, event

from app.extensions import db
from config import engine_options


class FastReader:
    """Owns an autocommit engine and one raw connection per thread."""

    def __init__(self, url) -> None:
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
        # what a domain's hot path keeps alongside this reader (the stations' card cache):
        # one attribute read away, no app-context lookup per request
        self.domain: dict = {}
        self.placeholder = "?" if self.dialect == "sqlite" else "%s"

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

    def execute(self, sql: str, params, **options) -> list:
        """The rows of `sql` on this thread's kept cursor (`options` go to the driver's
        `execute`). A connection the server dropped (a restart) is replaced and the statement
        run once more; a database that stays away is `DatabaseUnavailable` (503)."""
        from app.errors import DatabaseUnavailable, database_incidents

        dbapi = self.engine.dialect.loaded_dbapi
        for attempt in (1, 2):
            try:
                cursor = self.cursor()
                cursor.execute(sql, params, **options)
                return cursor.fetchall()
            except (dbapi.OperationalError, dbapi.InterfaceError) as exc:
                self.reset()
                # a restart killed the idle pooled connections too (other threads left them):
                # the retry must open a new one, not check out the next dead one
                self.engine.pool.dispose()
                if attempt == 2:
                    database_incidents.refused_one(exc)
                    raise DatabaseUnavailable() from None
            except Exception:
                self.reset()
                raise
        raise AssertionError("unreachable")

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
        found = current_app.extensions["gonghui_fastread"] = FastReader(db.engine.url)
    return found
