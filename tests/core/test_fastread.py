"""The hot reader's one-row integer read (`FastReader.integers`, and `send_integers`, its
two halves): on PostgreSQL it runs on libpq directly, so it must answer, fail and recover
exactly as the cursor path does."""

from __future__ import annotations

import psycopg
import pytest

from app.core.fastread import FastReader, reader
from app.errors import DatabaseUnavailable
from app.extensions import db
from tests.core.test_database_unavailable import restart_database

SEQ = "SELECT epoch, seq FROM station_search_seq WHERE id = 1"


@pytest.fixture
def seq_row(app_ctx):
    db.session.execute(db.text("DELETE FROM station_search_seq"))
    db.session.execute(db.text(
        "INSERT INTO station_search_seq (id, epoch, seq) VALUES (1, 9007199254740993, 42)"))
    db.session.commit()


def test_the_first_row_as_integers_or_none(seq_row):
    fast = reader()
    assert fast.integers(SEQ) == (9007199254740993, 42)  # bigints stay exact
    assert fast.integers(SEQ) == (9007199254740993, 42)  # again: prepared once, reused
    assert fast.integers("SELECT epoch, seq FROM station_search_seq WHERE id = 2") is None


def test_a_new_value_is_read_at_once(seq_row):
    fast = reader()
    assert fast.integers(SEQ)[1] == 42
    db.session.execute(db.text("UPDATE station_search_seq SET seq = 43"))
    db.session.commit()
    assert fast.integers(SEQ)[1] == 43  # autocommit: no snapshot kept between reads


@pytest.mark.postgres
def test_a_database_restart_is_answered_by_reconnecting_and_preparing_again(seq_row):
    fast = reader()
    assert fast.integers(SEQ) == (9007199254740993, 42)
    before = fast.connection().driver_connection
    restart_database()
    assert fast.integers(SEQ) == (9007199254740993, 42)
    assert fast.connection().driver_connection is not before


@pytest.mark.postgres
def test_a_refused_statement_raises_the_servers_error_and_the_next_read_works(seq_row):
    fast = reader()
    with pytest.raises(psycopg.errors.DivisionByZero):
        fast.integers("SELECT 1 / 0")
    with pytest.raises(psycopg.errors.UndefinedTable):
        fast.integers("SELECT 1 FROM no_such_table")
    assert fast.integers(SEQ) == (9007199254740993, 42)


@pytest.mark.postgres
def test_a_database_that_stays_away_is_unavailable(app_ctx):
    from sqlalchemy.engine import make_url

    lost = FastReader(make_url("postgresql+psycopg://postgres@127.0.0.1:1/nowhere"))
    with pytest.raises(DatabaseUnavailable):
        lost.integers(SEQ)


def test_sent_then_taken_gives_the_same_answer(seq_row):
    fast = reader()
    take = fast.send_integers(SEQ)
    assert take() == (9007199254740993, 42)
    assert take() == (9007199254740993, 42)  # kept: taken once
    assert fast.send_integers("SELECT epoch, seq FROM station_search_seq WHERE id = 2")() \
        is None


def test_a_read_meanwhile_takes_the_travelling_answer_first(seq_row):
    """On the same connection: a second command sent while one travels would fail, and the
    retry would hide it behind a new connection, so the connection must stay the one."""
    fast = reader()
    connection = fast.connection().driver_connection
    take = fast.send_integers(SEQ)
    rows = fast.execute("SELECT seq FROM station_search_seq WHERE id = 1", [])
    assert [tuple(row) for row in rows] == [(42,)]
    second = fast.send_integers(SEQ)
    assert fast.integers(SEQ) == (9007199254740993, 42)
    assert (take(), second()) == ((9007199254740993, 42), (9007199254740993, 42))
    assert fast.connection().driver_connection is connection


@pytest.mark.postgres
def test_a_restart_while_the_read_travels_is_answered_by_reconnecting(seq_row):
    """The server ends the connection while the statement runs (it sleeps first, so the
    answer cannot be on its way yet): the answer comes from a new connection."""
    fast = reader()
    slow = "SELECT 7 FROM pg_sleep(0.5)"
    before = fast.connection().driver_connection
    take = fast.send_integers(slow)
    restart_database()
    assert take() == (7,)
    assert fast.connection().driver_connection is not before
    assert fast.send_integers(SEQ)() == (9007199254740993, 42)


@pytest.mark.postgres
def test_a_refused_statement_sent_raises_the_servers_error_and_the_next_read_works(seq_row):
    fast = reader()
    with pytest.raises(psycopg.errors.DivisionByZero):
        fast.send_integers("SELECT 1 / 0")()
    with pytest.raises(psycopg.errors.UndefinedTable):
        fast.send_integers("SELECT 1 FROM no_such_table")()
    assert fast.send_integers(SEQ)() == (9007199254740993, 42)


@pytest.mark.postgres
def test_a_database_that_stays_away_is_unavailable_to_a_sent_read(app_ctx):
    from sqlalchemy.engine import make_url

    lost = FastReader(make_url("postgresql+psycopg://postgres@127.0.0.1:1/nowhere"))
    with pytest.raises(DatabaseUnavailable):
        lost.send_integers(SEQ)()
