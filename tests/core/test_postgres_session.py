"""app/core/postgres.py: a transaction that only read ends with COMMIT (prepared statements
survive it); one that wrote still rolls back."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import Integer, String, insert, select, text, update
from sqlalchemy.exc import DataError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.core.postgres import is_read
from app.extensions import db

pytestmark = pytest.mark.postgres


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "kit_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(String(16))


@pytest.fixture
def notes(app_ctx):
    Base.metadata.create_all(db.engine)
    db.session.execute(insert(Note).values(id=1, body="kept"))
    db.session.commit()
    yield
    db.session.remove()
    Base.metadata.drop_all(db.engine)


def test_reads_ended_by_rollback_keep_their_prepared_statements(notes):
    with db.engine.connect() as conn:  # one connection throughout (the pool hands them round)
        for _ in range(7):  # psycopg prepares a statement on its 5th run on a connection
            assert conn.scalar(select(Note.body).where(Note.id == 1)) == "kept"
            conn.rollback()
        assert conn.scalar(text("SELECT count(*) FROM pg_prepared_statements")) >= 1


def test_a_write_is_still_rolled_back(notes):
    db.session.execute(update(Note).where(Note.id == 1).values(body="changed"))
    db.session.execute(insert(Note).values(id=2, body="new"))
    db.session.rollback()
    assert db.session.scalars(select(Note.body).order_by(Note.id)).all() == ["kept"]


def test_a_write_after_reads_is_rolled_back(notes):
    db.session.scalar(select(Note.body))
    db.session.add(Note(id=3, body="flushed"))
    db.session.flush()
    db.session.scalar(select(Note.body).where(Note.id == 1))
    db.session.rollback()
    assert db.session.scalars(select(Note.id).order_by(Note.id)).all() == [1]


def test_a_failed_read_rolls_back(notes):
    with pytest.raises(DataError):
        db.session.execute(text("SELECT 1 / 0"))
    db.session.rollback()
    assert db.session.scalar(select(Note.body)) == "kept"


@pytest.mark.parametrize("statement, read", [
    ("SELECT notes.id FROM notes", True),
    ("  select 1", True),
    ("SELECT pg_advisory_xact_lock(hashtextextended(%(key)s, 0))", True),
    ("SELECT notes.updated_at FROM notes", True),
    ("SELECT notes.id FROM notes FOR UPDATE", False),
    ("INSERT INTO notes (body) VALUES (%(body)s)", False),
    ("UPDATE notes SET body = %(body)s", False),
    ("DELETE FROM notes", False),
    ("WITH moved AS (DELETE FROM notes RETURNING id) SELECT id FROM moved", False),
    ("SAVEPOINT sa_savepoint_1", False),
])
def test_what_counts_as_a_read(statement, read):
    assert is_read(statement) is read


def _terminate_others_and_wait() -> None:
    """What a restart does to every open connection of the database, and wait until those
    server processes are gone (pg_terminate_backend only signals them)."""
    database = db.engine.url.database
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        pids = [row[0] for row in admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database])]
        admin.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [pids])
        deadline = time.monotonic() + 10
        while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)",
                            [pids]).fetchone()[0] and time.monotonic() < deadline:
            time.sleep(0.01)


def test_a_connection_the_server_closed_a_moment_ago_is_replaced_at_checkout(app_ctx, client,
                                                                             login):
    """Checked in just now, so no ping by age: the closed socket alone must tell."""
    headers = login("alice")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.remove()  # every connection back in the pool, checked in a moment ago
    _terminate_others_and_wait()
    for _ in range(3):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 200, response.get_json()


def test_a_live_connection_used_a_moment_ago_is_not_pinged(app_ctx, client, login, monkeypatch):
    headers = login("alice")
    db.session.remove()
    db.engine.dispose()  # one connection from here on (earlier tests left idle ones)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    pings = []
    ping = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda conn: pings.append(1) or ping(conn))
    for _ in range(3):
        db.session.remove()  # the request checks a connection out of the pool
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert pings == []
    db.session.remove()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert pings == []
    db.session.remove()
    for record in list(db.engine.pool._pool.queue):  # as if idle for longer than the limit
        record.info["gonghui_checked_in"] -= 60
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert pings == [1]
