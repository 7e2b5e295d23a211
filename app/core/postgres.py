"""PostgreSQL connection handling for the request path: prepared statements that survive
reads, and a checkout ping only when one could tell something.

A transaction that only read ends with COMMIT, so prepared statements survive.

psycopg 3 forgets every prepared statement of a connection when the connection rolls back (a
rolled-back transaction may have dropped what a statement refers to), and a request's
transaction ends with a rollback whenever the request did not commit — every read. So no
statement ever stayed prepared, and PostgreSQL parsed and planned each statement of each
request afresh: ~0.35 ms of planning for the token check's four-table join alone, most of
the database's CPU on the logged-in screens. A transaction that sent nothing but SELECTs ends
the same way with COMMIT (nothing to undo, the same locks released), and the statements a
connection has run `prepare_threshold` (5) times stay prepared for the next requests.

A statement counts as a write unless it is a compiled SELECT construct (ORM or Core; a
`FOR UPDATE` one too: its row locks go at COMMIT as at ROLLBACK) or SQL text that starts with
SELECT and names no INSERT, UPDATE or DELETE (so SAVEPOINTs and DML roll back as before).

The ping: SQLAlchemy's `pool_pre_ping` sends one on every checkout, a round trip per request.
A server that closed a connection (a restart, `pg_terminate_backend`, an idle timeout) has
sent its last message and its end of file, so the socket is readable; a connection checked in
less than `PING_IDLE_SECONDS` ago whose socket has nothing to read is handed out without a
ping. Any other is pinged as before, and a failed ping makes the pool connect again.
"""

from __future__ import annotations

import contextlib
import functools
import re
import select
import time

import psycopg
from flask import Flask
from psycopg.pq import TransactionStatus
from sqlalchemy import Select, event, exc
from sqlalchemy.engine import Connection, Engine

from app.extensions import db

_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_WRITE_WORD = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_WROTE = "gonghui_wrote"
PING_IDLE_SECONDS = 10.0
_CHECKED_IN = "gonghui_checked_in"


@functools.lru_cache(maxsize=1024)
def is_read(statement: str) -> bool:
    """The rule on the SQL text (memoised: scanning a few kB of SQL for the write words costs
    ~0.1 M instructions)."""
    return bool(_READ.match(statement)) and not _WRITE_WORD.search(statement)


def _reads(statement: str, context) -> bool:
    """A compiled SELECT construct is a read without looking at its text (the to-do queries
    are new text on every request); anything else by `is_read`."""
    compiled = getattr(context, "compiled", None)
    if compiled is not None and isinstance(compiled.statement, Select):
        return True
    return is_read(statement)


def keep_prepared_statements(engine: Engine) -> None:
    """Install the rule on `engine` (PostgreSQL with psycopg only)."""

    @event.listens_for(engine, "begin")
    def begin(conn: Connection) -> None:
        conn.info.pop(_WROTE, None)

    @event.listens_for(engine, "before_cursor_execute")
    def note(conn, _cursor, statement, _parameters, context, _executemany) -> None:
        if not _reads(statement, context):
            conn.info[_WROTE] = True

    @event.listens_for(engine, "rollback")
    def rollback(conn: Connection) -> None:
        if conn.info.pop(_WROTE, False):
            return
        dbapi = conn.connection.dbapi_connection
        # only a healthy open transaction (a failed one is INERROR and rolls back as before);
        # psycopg's rollback() that follows finds no transaction and keeps its statements
        if dbapi is not None and dbapi.info.transaction_status == TransactionStatus.INTRANS:
            with contextlib.suppress(psycopg.Error):  # then the rollback deals with it
                dbapi.commit()


def _has_input(dbapi_connection) -> bool:
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def ping_when_in_doubt(engine: Engine) -> None:
    """Install the checkout ping on `engine` (created with `pool_pre_ping=False`)."""

    @event.listens_for(engine, "checkin")
    def checkin(_dbapi_connection, record) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checkout(dbapi_connection, record, _proxy) -> None:
        since = record.info.pop(_CHECKED_IN, None)
        try:
            if (since is not None and time.monotonic() - since < PING_IDLE_SECONDS
                    and not _has_input(dbapi_connection)):
                return
            engine.dialect.do_ping(dbapi_connection)
        except (psycopg.Error, OSError) as error:
            raise exc.DisconnectionError() from error  # the pool connects again


def register_postgres_session(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        keep_prepared_statements(engine)
        ping_when_in_doubt(engine)
