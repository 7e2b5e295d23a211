"""Two tabs or a retry refreshing with the same token do not log the user out: within the
grace window the just-replaced token answers a pair for the same successor (RFC 9700)."""

from __future__ import annotations

import pytest
from flask_jwt_extended import decode_token

from tests.concurrency import race, statuses

REFRESH = "/api/v1/auth/refresh"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _jti(app, token: str) -> str:
    with app.app_context():
        return decode_token(token)["jti"]


def _pair(client, name: str) -> dict:
    response = client.post("/api/v1/auth/wx-login", json={"code": f"mock:{name}"})
    assert response.status_code == 200
    return response.get_json()


def test_the_same_refresh_within_the_window_answers_the_same_successor(app, client, clock):
    pair = _pair(client, "two-tabs")
    first = client.post(REFRESH, headers=_bearer(pair["refresh_token"]))
    clock.shift(10)
    second = client.post(REFRESH, headers=_bearer(pair["refresh_token"]))
    assert first.status_code == second.status_code == 200, second.get_json()
    a, b = first.get_json(), second.get_json()
    assert _jti(app, a["refresh_token"]) == _jti(app, b["refresh_token"])
    for tokens in (a, b):  # both tabs stay logged in
        assert client.get("/api/v1/me", headers=_bearer(tokens["access_token"])).status_code == 200
    # the successor is spent once like any refresh token: one tab rotates on
    onward = client.post(REFRESH, headers=_bearer(b["refresh_token"]))
    assert onward.status_code == 200
    assert _jti(app, onward.get_json()["refresh_token"]) != _jti(app, b["refresh_token"])


def test_after_the_window_a_reuse_still_revokes_the_login(client, clock):
    pair = _pair(client, "late-reuse")
    rotated = client.post(REFRESH, headers=_bearer(pair["refresh_token"])).get_json()
    clock.shift(31)
    reuse = client.post(REFRESH, headers=_bearer(pair["refresh_token"]))
    assert reuse.status_code == 401
    assert reuse.get_json()["error"]["code"] == "refresh_token_reused"
    assert client.get("/api/v1/me", headers=_bearer(rotated["access_token"])).status_code == 401


def test_a_token_whose_successor_was_spent_is_a_reuse_even_in_the_window(client, clock):
    pair = _pair(client, "stolen")
    rotated = client.post(REFRESH, headers=_bearer(pair["refresh_token"])).get_json()
    assert client.post(REFRESH, headers=_bearer(rotated["refresh_token"])).status_code == 200
    clock.shift(5)
    # the old token surfaces again after the chain moved on: a thief's copy
    reuse = client.post(REFRESH, headers=_bearer(pair["refresh_token"]))
    assert reuse.status_code == 401
    assert reuse.get_json()["error"]["code"] == "refresh_token_reused"


@pytest.mark.postgres
def test_concurrent_refreshes_with_one_token_all_answer_one_successor(app, client):
    pair = _pair(client, "retry-storm")
    responses = race(app, [("post", REFRESH, _bearer(pair["refresh_token"]), None)] * 8)
    assert statuses(responses) == {200: 8}, [r.get_json() for r in responses]
    successors = {_jti(app, r.get_json()["refresh_token"]) for r in responses}
    assert len(successors) == 1
    fresh = responses[0].get_json()
    assert client.get("/api/v1/me", headers=_bearer(fresh["access_token"])).status_code == 200
