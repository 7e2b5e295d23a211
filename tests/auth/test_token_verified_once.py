"""One token verification per request: the write rate limit, idempotency and the endpoint's
auth check share it (one decode, one revocation lookup)."""

from __future__ import annotations

import pytest

from tests.helpers import bearer, wx_login


@pytest.fixture
def tokens(client) -> dict[str, str]:
    pair = wx_login(client, "once")
    return {"access": pair["access_token"], "refresh": pair["refresh_token"]}


REQUESTS = [
    ("get", "/api/v1/me", "access", 200),                         # read: auth only
    ("post", "/api/v1/me/messages/read-all", "access", 200),     # write: rate limit + auth
    ("post", "/api/v1/auth/refresh", "refresh", 200),            # write taking a refresh token
    ("get", "/api/v1/stations/999999", "access", 404),     # optional auth + optional_user()
    ("post", "/api/v1/me/messages/read-all", "refresh", 401),    # the wrong kind: refused once
]


@pytest.mark.parametrize(("method", "path", "kind", "status"), REQUESTS)
def test_the_token_is_decoded_once_per_request(client, tokens, token_decodes, method, path,
                                               kind, status):
    response = getattr(client, method)(path, headers=bearer(tokens[kind]))
    assert response.status_code == status, response.get_json()
    assert token_decodes == [tokens[kind]]


def test_a_request_without_a_token_decodes_nothing(client, token_decodes):
    assert client.post("/api/v1/me/messages/read-all").status_code == 401
    assert token_decodes == []


def test_an_authenticated_write_looks_its_login_up_once(client, tokens, statements):
    response = client.post("/api/v1/me/messages/read-all", headers=bearer(tokens["access"]))
    assert response.status_code == 200
    assert sum("login_sessions" in sql for sql in statements) == 1
