"""Column types and small helpers shared by every domain's models and services."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.core.time import UTCDateTime, utcnow
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


def dialect_name() -> str:
    return db.session.get_bind().dialect.name
