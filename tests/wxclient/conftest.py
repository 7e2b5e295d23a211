"""Fixtures for the wxclient tests: a fake WeChat server over loopback and an optional Redis."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from wxclient import WeChatClient
from wxclient.fake import FakeWeChatServer

REDIS_TEST_PREFIX = "wxclient-test"


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeWeChatServer]:
    with FakeWeChatServer() as server:
        yield server


@pytest.fixture
def fake(fake_server: FakeWeChatServer) -> Iterator[FakeWeChatServer]:
    """The shared fake, reset before and after each test."""
    fake_server.reset()
    yield fake_server
    fake_server.reset()


@pytest.fixture
def own_fake() -> Iterator[FakeWeChatServer]:
    """A private fake (for tests leaving requests hanging inside the server)."""
    with FakeWeChatServer() as server:
        yield server


@pytest.fixture
def make_client() -> Iterator[Any]:
    """Factory ``make_client(server, **kwargs)``: a client for ``server`` with short timeouts."""
    made: list[WeChatClient] = []

    def factory(server: FakeWeChatServer, **kwargs: Any) -> WeChatClient:
        options: dict[str, Any] = {"timeout": (1.0, 3.0), "backoff": 0.01}
        options.update(kwargs)
        wx = WeChatClient(server.appid, server.secret, base_url=server.url, **options)
        made.append(wx)
        return wx

    yield factory
    for wx in made:
        wx.close()


@pytest.fixture
def client(fake: FakeWeChatServer, make_client: Any) -> WeChatClient:
    return make_client(fake)


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if url:
        return url
    if os.environ.get("CI"):
        return "redis://127.0.0.1:6379/15"
    pytest.skip("REDIS_URL is not set (and CI is not set)")


@pytest.fixture
def redis_url() -> str:
    """Redis URL for tests; skips only when REDIS_URL and CI are both unset."""
    return _redis_url()


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A unique key prefix; every key under it is deleted after the test."""
    import redis

    prefix = f"{REDIS_TEST_PREFIX}-{uuid.uuid4().hex[:12]}"
    yield prefix
    conn = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
    try:
        for key in conn.scan_iter(match=f"{prefix}:*"):
            conn.delete(key)
    finally:
        conn.close()


@pytest.fixture
def redis_factory(redis_url: str) -> Iterator[Any]:
    """Make independent redis-py clients (own connection pools); fails if Redis is down."""
    import redis

    made: list[Any] = []

    def factory() -> Any:
        conn = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
        conn.ping()  # unreachable Redis is a failure here, never a skip
        made.append(conn)
        return conn

    yield factory
    for conn in made:
        conn.close()
