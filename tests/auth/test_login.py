"""WeChat login, refresh rotation with reuse detection, logout, phone binding, /me."""

from __future__ import annotations

import time

from flask_jwt_extended import create_access_token

from app.auth.models import User
from app.extensions import db


def _login(client, code):
    return client.post("/api/v1/auth/wx-login", json={"code": code})


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_login_creates_user_and_returns_token_pair(client):
    response = _login(client, "mock:alice")
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["user"]["roles"] == []
    me = client.get("/api/v1/me", headers=_bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.get_json()["id"] == body["user"]["id"]


def test_second_login_reuses_the_same_user(client):
    first = _login(client, "mock:bob").get_json()["user"]["id"]
    second = _login(client, "mock:bob").get_json()["user"]["id"]
    assert first == second


def test_first_login_writes_each_row_once(client, app, statements):
    """The new user is inserted holding its login time (no UPDATE after the INSERT); the
    login session and its refresh token go in with the commit."""
    assert _login(client, "mock:carol").status_code == 200
    writes = [sql.split()[0] + " " + sql.split()[2 if sql.startswith("INSERT") else 1]
              for sql in statements if sql.startswith(("INSERT", "UPDATE"))]
    assert writes == ["INSERT users", "INSERT login_sessions", "INSERT refresh_tokens"]
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.openid == "mock-carol"))
        assert user.last_login_at is not None


def test_returning_login_moves_the_login_time(client, app, clock):
    _login(client, "mock:dave")
    with app.app_context():
        first = db.session.scalar(db.select(User.last_login_at)
                                  .where(User.openid == "mock-dave"))
    clock.shift(60)
    _login(client, "mock:dave")
    with app.app_context():
        again = db.session.scalar(db.select(User.last_login_at)
                                  .where(User.openid == "mock-dave"))
    assert again > first


def test_bad_code_is_401_wechat_code_invalid(client):
    response = _login(client, "not-a-real-code")
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error["code"] == "wechat_code_invalid"
    assert error["request_id"] == response.headers["X-Request-ID"]


def test_reused_one_time_code_is_refused(client):
    assert _login(client, "mock-once:carol").status_code == 200
    again = _login(client, "mock-once:carol")
    assert again.status_code == 401
    assert again.get_json()["error"]["code"] == "wechat_code_invalid"


def test_wechat_busy_then_recovering_logs_in(client, fake_wechat):
    fake_wechat.inject_fault("busy", count=1)
    assert _login(client, "mock:dave").status_code == 200


def test_wechat_busy_beyond_retries_is_503(client, fake_wechat):
    fake_wechat.inject_fault("busy", count=10)
    response = _login(client, "mock:dave")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "wechat_unavailable"
    assert response.headers["Retry-After"]


def test_wechat_hanging_is_503_quickly(client, fake_wechat):
    fake_wechat.inject_fault("hang", count=10, hang_seconds=3.0)
    started = time.monotonic()
    response = _login(client, "mock:erin")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "wechat_unavailable"
    # read timeout 1 s x (1 + 2 retries) plus backoff; far below the 3 s x 3 of waiting it out
    assert elapsed < 6


def test_expired_access_token_is_401_token_expired(client, app):
    user_id = _login(client, "mock:frank").get_json()["user"]["id"]
    with app.app_context():
        from datetime import timedelta

        token = create_access_token(str(user_id), expires_delta=timedelta(seconds=-1),
                                    additional_claims={"fam": "x"})
    response = client.get("/api/v1/me", headers=_bearer(token))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_expired"


def test_tampered_token_is_401(client):
    token = _login(client, "mock:gina").get_json()["access_token"]
    head, payload, signature = token.split(".")
    response = client.get("/api/v1/me", headers=_bearer(f"{head}.{payload}.{signature[::-1]}"))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_invalid"


def test_missing_token_is_401_envelope(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_refresh_rotates_and_reuse_revokes_the_family(client, clock):
    pair = _login(client, "mock:hank").get_json()
    rotated = client.post("/api/v1/auth/refresh", headers=_bearer(pair["refresh_token"]))
    assert rotated.status_code == 200
    new_pair = rotated.get_json()
    assert new_pair["refresh_token"] != pair["refresh_token"]
    assert client.get("/api/v1/me", headers=_bearer(new_pair["access_token"])).status_code == 200

    clock.shift(31)  # past the grace window for a just-replaced token
    reuse = client.post("/api/v1/auth/refresh", headers=_bearer(pair["refresh_token"]))
    assert reuse.status_code == 401
    assert reuse.get_json()["error"]["code"] == "refresh_token_reused"
    # every token of that login is now dead
    assert client.get("/api/v1/me", headers=_bearer(new_pair["access_token"])).status_code == 401
    assert client.post(
        "/api/v1/auth/refresh", headers=_bearer(new_pair["refresh_token"])
    ).status_code == 401


def test_access_token_cannot_be_used_to_refresh(client):
    pair = _login(client, "mock:ivan").get_json()
    response = client.post("/api/v1/auth/refresh", headers=_bearer(pair["access_token"]))
    assert response.status_code == 401


def test_refresh_token_cannot_be_used_as_access_token(client):
    pair = _login(client, "mock:ivan").get_json()
    assert client.get("/api/v1/me", headers=_bearer(pair["refresh_token"])).status_code == 401


def test_logout_revokes_access_and_refresh(client):
    pair = _login(client, "mock:judy").get_json()
    logout = client.post("/api/v1/auth/logout", headers=_bearer(pair["access_token"]))
    assert logout.status_code == 204
    assert client.get("/api/v1/me", headers=_bearer(pair["access_token"])).status_code == 401
    refresh = client.post("/api/v1/auth/refresh", headers=_bearer(pair["refresh_token"]))
    assert refresh.status_code == 401
    assert refresh.get_json()["error"]["code"] == "token_revoked"


def test_logout_of_one_device_keeps_the_other(client):
    phone = _login(client, "mock:kate").get_json()
    laptop = _login(client, "mock:kate").get_json()
    client.post("/api/v1/auth/logout", headers=_bearer(phone["access_token"]))
    assert client.get("/api/v1/me", headers=_bearer(laptop["access_token"])).status_code == 200


def test_phone_binding_is_encrypted_and_masked(client, app):
    pair = _login(client, "mock:leo").get_json()
    response = client.post("/api/v1/auth/phone", json={"code": "mock-phone:13812345678"},
                           headers=_bearer(pair["access_token"]))
    assert response.status_code == 200
    assert response.get_json()["phone"] == "1******5678"
    me = client.get("/api/v1/me", headers=_bearer(pair["access_token"])).get_json()
    assert me["phone"] == "1******5678"
    with app.app_context():
        raw = db.session.execute(db.text("SELECT phone FROM users")).scalar_one()
        assert "13812345678" not in raw and raw.startswith("v1:")
        assert db.session.get(User, me["id"]).phone == "13812345678"


def test_bad_phone_code_is_422_and_leaves_the_caller_logged_in(client, login):
    """A bad code is a bad field of a logged-in user's action, not a token problem: 401
    would make every request wrapper log the user out."""
    headers = login("mia")
    response = client.post("/api/v1/auth/phone", json={"code": "bogus"}, headers=headers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "phone_code_invalid"
    assert list(error["details"]["fields"]) == ["code"]
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_bad_login_code_stays_401(client):
    response = client.post("/api/v1/auth/wx-login", json={"code": "bogus"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "wechat_code_invalid"


def test_phone_requires_login(client):
    response = client.post("/api/v1/auth/phone", json={"code": "mock-phone:13812345678"})
    assert response.status_code == 401


def test_wechat_rate_limiting_us_is_429_not_400(app):
    """WeChat's 45011 is "wait a minute", like our own limits: 429 with Retry-After."""
    import pytest

    import wxclient
    from app.auth.service import _exchange_code
    from app.errors import AppError

    def limited():
        raise wxclient.RateLimited(45011, "api freq out of limit")

    with app.test_request_context(), pytest.raises(AppError) as raised:
        _exchange_code(limited)
    assert (raised.value.status, raised.value.code) == (429, "rate_limited")
    assert raised.value.headers["Retry-After"] == "60"
