"""A lost database answers 503 `database_unavailable` with Retry-After, logs one line per
incident, and the hot reader reconnects by itself after a database restart."""

from __future__ import annotations

import logging

import psycopg
import pytest

from app import errors
from app.extensions import db
from tests.conftest import build_app
from tests.factories.stations import make_station

NEARBY = "/api/v1/stations/nearby?lat=36.6&lng=101.78&radius=5000"


def _unreachable_url(backend: str, tmp_path) -> str:
    if backend == "postgres":
        return "postgresql://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1
    return f"sqlite:///{tmp_path / 'no-such-dir' / 'gone.db'}"  # cannot be opened


def restart_database() -> None:
    """What a restart does to every open connection of the test database: the server ends
    them all (but the one doing it)."""
    url = db.engine.url
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(
            hide_password=False), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", [url.database])


def _nearby(client):
    return client.get(NEARBY)


def _login(client):
    return client.post("/api/v1/auth/wx-login", json={"code": "mock:alice"})


@pytest.mark.parametrize("call", [_nearby, _login])
def test_a_lost_database_is_503_with_retry_after_and_one_log_line(
        backend, fake_wechat, tmp_path, caplog, monkeypatch, call):
    monkeypatch.setattr(errors, "database_incidents", errors._IncidentLog())  # a new incident
    lost = build_app(_unreachable_url(backend, tmp_path), fake_wechat.url)
    client = lost.test_client()
    with caplog.at_level(logging.INFO):
        answers = [call(client) for _ in range(5)]
    for response in answers:
        assert response.status_code == 503, response.get_json()
        assert response.get_json()["error"]["code"] == "database_unavailable"
        assert response.headers["Retry-After"] == "5"
    assert "几秒后重试" in answers[0].get_json()["error"]["message"]
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in logged] == ["database unavailable"]
    assert logged[0].exc_info is None  # no traceback: its text would hold SQL and parameters


def test_the_pool_waiting_too_long_is_503_busy(app_ctx, client, monkeypatch):
    from sqlalchemy import exc as sa_exc

    def exhausted(*args, **kwargs):
        raise sa_exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached")

    monkeypatch.setattr(db.engine.pool, "connect", exhausted)
    response = _login(client)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"
    assert response.get_json()["error"]["message"] == "服务正忙，请几秒后重试。"


@pytest.mark.postgres
def test_after_a_database_restart_the_first_search_still_answers(app, app_ctx, client, tree):
    make_station(tree["village1"], 36.6, 101.78)
    db.session.commit()
    assert client.get(NEARBY).status_code == 200  # the hot reader holds a connection now
    restart_database()
    response = client.get(NEARBY)
    assert response.status_code == 200, response.get_json()
    assert len(response.get_json()["items"]) == 1
    assert client.get(f"/api/v1/orgs/{tree['village1']}").status_code in (200, 401)


@pytest.mark.postgres
def test_a_restart_that_killed_idle_pooled_connections_too_costs_no_error(app, app_ctx, client,
                                                                         tree):
    """Threads that searched before leave their connections idle in the reader's pool; after a
    restart the retry must not take the next dead one from the pool."""
    from app.core.fastread import reader

    make_station(tree["village1"], 36.6, 101.78)
    db.session.commit()
    fast = reader()
    idle = [fast.engine.raw_connection() for _ in range(3)]
    for conn in idle:
        conn.cursor().execute("SELECT 1")
        conn.close()  # back to the pool, alive until the restart below
    assert client.get(NEARBY).status_code == 200
    restart_database()
    response = client.get(NEARBY)
    assert response.status_code == 200, response.get_json()
    assert len(response.get_json()["items"]) == 1
