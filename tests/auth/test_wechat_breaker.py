"""While WeChat is down the login answers 503 wechat_unavailable at once (the circuit breaker)."""

from __future__ import annotations

import time

import pytest

from app.core.wechat import wechat


@pytest.fixture
def breaker(app, monkeypatch):
    with app.app_context():
        found = wechat().breaker
    monkeypatch.setattr(found, "failures", 2)
    found.reset()
    yield found
    found.reset()


def test_login_fails_fast_while_wechat_hangs_then_recovers(client, fake_wechat, breaker,
                                                           monkeypatch):
    fake_wechat.inject_fault("hang", count=2, hang_seconds=1.5)
    first = client.post("/api/v1/auth/wx-login", json={"code": "mock:hung"})
    assert first.status_code == 503
    assert first.get_json()["error"]["code"] == "wechat_unavailable"
    assert breaker.state == "open"
    reached = fake_wechat.call_count("/sns/jscode2session")
    started = time.monotonic()
    for _ in range(5):
        again = client.post("/api/v1/auth/wx-login", json={"code": "mock:hung"})
        assert again.status_code == 503
        assert again.get_json()["error"]["code"] == "wechat_unavailable"
        assert again.headers["Retry-After"]
    assert time.monotonic() - started < 1.0  # no request waited on WeChat
    assert fake_wechat.call_count("/sns/jscode2session") == reached
    monkeypatch.setattr(breaker, "cooldown", 0.0)  # the cool-down is over: one probe goes out
    assert client.post("/api/v1/auth/wx-login", json={"code": "mock:hung"}).status_code == 200
    assert breaker.state == "closed"
