"""Column types and small helpers shared by every domain's models and services."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.core.time import UTCDateTime, utcnow
from app.errors import Conflict
from app.extensions import db

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def is_unique_violation(exc: IntegrityError) -> bool:
    """True when the database refused a duplicate (PostgreSQL 23505 or SQLite UNIQUE)."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate:
        return sqlstate == "23505"
    return "UNIQUE constraint failed" in str(orig)


def commit_keeping_loaded() -> None:
    """Commit without expiring the session's objects, so the response shows what the use case
    loaded and wrote with no re-read (a plain commit expires everything, and the answer's
    serialisation then reads each row back in a new transaction). Only for use cases that
    write through the ORM objects they answer with (or set them with `set_committed_value`):
    a Core UPDATE leaves a kept object stale."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def _begin_on_sqlite() -> None:
    """pysqlite opens a transaction only before a data write, so a SAVEPOINT as the first
    statement would be a transaction of its own that RELEASE commits (a refused request would
    keep the row): open the caller's transaction first."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


def serialise(name: str) -> None:
    """The rest of the caller's transaction runs one at a time for `name`, across processes:
    PostgreSQL takes a transaction advisory lock (released at commit or rollback); SQLite
    takes the database's write lock at once (BEGIN IMMEDIATE), so a second caller waits before
    its first read instead of finding the same empty table. For a write that no row lock can
    guard because the rows it would lock do not exist yet."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": name}
        )
    elif (
        connection.dialect.name == "sqlite"
        and not connection.connection.dbapi_connection.in_transaction
    ):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def insert_unique(row: object, *, duplicate: Conflict | None = None) -> bool:
    """Add and flush `row` in a savepoint, so a unique index refusing it leaves the rest of the
    transaction intact. A duplicate raises `duplicate` when given, else returns False.

    The index is the guard for "one per …" rules: two racing inserts both pass any check made
    before, exactly one of them gets past the index.
    """
    _begin_on_sqlite()
    # what the session already holds goes first, outside the savepoint (begin_nested would
    # flush it inside the try): a duplicate among those rows is not this row's duplicate
    db.session.flush()
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        if duplicate is not None:
            raise duplicate from None
        return False
    return True
