"""insert_unique: a duplicate is refused by the index and leaves the transaction usable."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.core.db import insert_unique
from app.errors import Conflict
from app.extensions import db


class Base(DeclarativeBase):
    pass


class Seat(Base):
    __tablename__ = "kit_seats"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    holder: Mapped[str] = mapped_column(String(16), unique=True)


@pytest.fixture
def seats(app_ctx):
    Base.metadata.create_all(db.engine)
    yield
    db.session.remove()
    Base.metadata.drop_all(db.engine)


def holders() -> list[str]:
    return list(db.session.scalars(select(Seat.holder).order_by(Seat.id)))


def test_a_new_row_is_inserted(seats):
    assert insert_unique(Seat(holder="a")) is True
    db.session.commit()
    assert holders() == ["a"]


def test_a_duplicate_returns_false_and_keeps_the_rest_of_the_transaction(seats):
    insert_unique(Seat(holder="a"))
    assert insert_unique(Seat(holder="a")) is False
    insert_unique(Seat(holder="b"))
    db.session.commit()
    assert holders() == ["a", "b"]


def test_a_duplicate_raises_the_given_conflict(seats):
    insert_unique(Seat(holder="a"))
    with pytest.raises(Conflict) as refused:
        insert_unique(Seat(holder="a"), duplicate=Conflict("taken", code="seat_taken"))
    assert refused.value.code == "seat_taken"
    db.session.commit()
    assert holders() == ["a"]


def test_a_first_write_is_undone_with_its_transaction(seats):
    """On SQLite a SAVEPOINT outside a transaction is a transaction of its own, which RELEASE
    commits: the row must wait for the caller's commit like any other write."""
    assert insert_unique(Seat(holder="a")) is True
    db.session.rollback()
    assert holders() == []


def test_another_rows_duplicate_pending_in_the_session_is_not_reported_as_this_ones(seats):
    """The savepoint first flushes what the session already holds: a duplicate among those
    rows is a bug of the caller's (a 500), not "this row exists" (a 409 or False)."""
    insert_unique(Seat(holder="a"))
    db.session.add(Seat(holder="a"))  # pending, not guarded by insert_unique
    with pytest.raises(IntegrityError):
        insert_unique(Seat(holder="b"), duplicate=Conflict("taken", code="seat_taken"))
