"""Shared fixtures: the app on each backend, a clean database per test, logins, fake WeChat."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
import redis
import time_machine
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from config import TestConfig, normalise_database_url
from wxclient.fake import FakeWeChatServer

pytest_plugins = ["tests.plugins.log_scan", "tests.plugins.error_codes", "tests.s3server"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("REDIS_URL")
IN_CI = bool(os.environ.get("CI"))
# Races send 200 requests at a pool of 15 connections: on a loaded 2-core machine a request
# may wait longer than production's 5 s for one. The tests are about the outcome, not the wait.
os.environ.setdefault("DB_POOL_TIMEOUT", "60")
BACKENDS = ["sqlite"] + (["postgres"] if TEST_DATABASE_URL else [])


def pytest_sessionstart(session) -> None:
    """Under CI the PostgreSQL and Redis tests must run: unreachable services fail the run.
    The PostgreSQL role must be a superuser (`PG_EMPTY`): else the run stops here, saying so."""
    if hasattr(session.config, "workerinput"):
        return
    problems = []
    if not TEST_DATABASE_URL:
        problems.append("TEST_DATABASE_URL is not set")
    else:
        try:
            with psycopg.connect(TEST_DATABASE_URL, connect_timeout=3) as conn:
                superuser = conn.execute(
                    "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
        except psycopg.Error as exc:
            problems.append(f"PostgreSQL unreachable: {exc}")
        else:
            if not superuser:
                pytest.exit("TEST_DATABASE_URL must name a superuser role: the tests create "
                            "databases and empty tables with triggers off", returncode=3)
    if not REDIS_URL:
        problems.append("REDIS_URL is not set")
    else:
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis unreachable: {exc}")
    if problems and IN_CI:
        pytest.exit("CI=true but " + "; ".join(problems), returncode=3)


def pytest_report_header(config) -> str:
    return f"gonghui backends: {', '.join(BACKENDS)}; redis: {'yes' if REDIS_URL else 'no'}"


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked postgres/redis skip locally without the service, never under CI.

    A postgres-marked test that runs on the app fixture only runs for the postgres backend, a
    sqlite_only-marked one only for the sqlite backend.
    """
    def backend_of(item) -> str | None:
        callspec = getattr(item, "callspec", None)
        return callspec.params.get("backend") if callspec is not None else None

    other_backend = [
        item for item in items
        if ("postgres" in item.keywords and backend_of(item) == "sqlite")
        or ("sqlite_only" in item.keywords and backend_of(item) == "postgres")
    ]
    if other_backend:
        config.hook.pytest_deselected(items=other_backend)
        items[:] = [item for item in items if item not in other_backend]
    for item in items:
        if "postgres" in item.keywords and not TEST_DATABASE_URL:
            item.add_marker(pytest.mark.skip(reason="TEST_DATABASE_URL not set"))
        if "redis" in item.keywords and not REDIS_URL:
            item.add_marker(pytest.mark.skip(reason="REDIS_URL not set"))


@pytest.fixture(scope="session")
def fake_wechat() -> Iterator[FakeWeChatServer]:
    with FakeWeChatServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _reset_fake(request) -> Iterator[None]:
    yield
    if "fake_wechat" in request.fixturenames:
        request.getfixturevalue("fake_wechat").reset()


def create_postgres_database(prefix: str = "gonghui_test") -> str:
    """A fresh database on the TEST_DATABASE_URL server; returns its URL."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(normalise_database_url(TEST_DATABASE_URL)).set(database=name).render_as_string(
        hide_password=False
    )


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_app(database_url: str, fake_url: str, **overrides) -> Flask:
    settings = TestConfig()
    settings.FILE_STORAGE_DIR = tempfile.mkdtemp(prefix="gonghui-files-")
    settings.SQLALCHEMY_DATABASE_URI = database_url
    settings.WECHAT_API_BASE = fake_url
    for key, value in overrides.items():
        setattr(settings, key, value)
    return create_app(settings)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def app(backend, fake_wechat, tmp_path_factory) -> Iterator[Flask]:
    overrides = {}
    if backend == "postgres":
        url = create_postgres_database()
        if REDIS_URL:
            prefix = f"t{uuid.uuid4().hex[:8]}"
            overrides = {"REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix,
                         "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": f"{prefix}:rl"}
    else:
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('db')) / 'test.db'}"
    application = build_app(url, fake_wechat.url, **overrides)
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    if backend == "postgres":
        drop_postgres_database(url)


# Between tests every table is emptied with DELETE and the used sequences are set back to
# their start, with triggers off (session_replication_role = replica: no foreign-key actions
# per deleted row, no audit_log append-only trigger) inside this one transaction. Not
# TRUNCATE: it gives each of the 357 tables, indexes and sequences a new file, ~190 ms per
# test here, and the checkpoints then fsync hundreds of thousands of files (575,063 in one,
# 100 s of sync); a TRUNCATE caught in that storm outlived the 5 s statement timeout on CI.
# With the foreign-key actions on, DELETE took up to 4.6 s after the demo data (one SET NULL
# query per deleted user). This takes 3-5 ms. It needs a superuser (`pytest_sessionstart`).
PG_EMPTY = (
    "SET LOCAL session_replication_role = replica; {deletes}; "
    "SELECT setval((quote_ident(schemaname) || '.' || quote_ident(sequencename))::regclass, "
    "start_value, false) FROM pg_sequences "
    "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
)


def _empty_all(application: Flask) -> None:
    # rows deleted here get their ids reused, which production never does: drop memos too
    fast = application.extensions.get("gonghui_fastread")
    if fast is not None:
        fast.cache.clear()
    with application.app_context():
        db.session.remove()
        deletes = [f"DELETE FROM {t.name}" for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(PG_EMPTY.format(deletes="; ".join(deletes)))
            else:
                for delete in deletes:
                    conn.execute(text(delete))


@pytest.fixture
def client(app):
    yield app.test_client()
    _empty_all(app)


@pytest.fixture
def app_ctx(app, client):
    """An app context for service-level tests; it closes before `client` truncates tables."""
    with app.app_context():
        yield app


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """The one test clock: frozen at the real now; `clock.move_to(when)`, `clock.shift(delta)`.

    Every `datetime.now` and `time.time` in the process follows it (the app, JWTs, the fake
    WeChat server), so no test patches a module's clock.
    """
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def login(client):
    """login("alice") → Authorization headers for the user with openid mock-alice."""

    def do_login(name: str) -> dict[str, str]:
        response = client.post("/api/v1/auth/wx-login", json={"code": f"mock:{name}"})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    return do_login


@pytest.fixture
def tree(app, client):
    from tests.helpers import build_tree

    return build_tree(app)


@pytest.fixture
def as_user(login):
    """as_user("town1_approver") → headers; None → no headers (anonymous)."""
    cache: dict[str, tuple[float, dict[str, str]]] = {}

    def headers(name: str | None) -> dict[str, str]:
        if name is None:
            return {}
        issued, found = cache.get(name, (0.0, {}))
        # tokens follow the test clock: after it moved, log in again as a person would
        if not found or not 0 <= time.time() - issued < 60:
            issued, found = time.time(), login(name)
            cache[name] = (issued, found)
        return found

    return headers


@pytest.fixture
def statements(app) -> Iterator[list[str]]:
    """The SQL statements run from now on (a `before_cursor_execute` listener on the engine)."""
    from tests.helpers import recorded_statements

    with recorded_statements(app) as seen:
        yield seen
