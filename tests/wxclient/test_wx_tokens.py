"""Token stores (memory and Redis), shared-token concurrency, and the errcode mapping."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wxclient import (
    InvalidCode,
    MemoryTokenStore,
    NotSubscribed,
    RateLimited,
    RedisTokenStore,
    SystemBusy,
    TemplateError,
    TokenInvalid,
    TokenStore,
    TransportError,
    WeChatClient,
    WeChatError,
    error_for,
)
from wxclient.fake import FakeWeChatServer

TOKEN_PATH = "/cgi-bin/stable_token"


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("errcode", "cls"),
    [
        (40029, InvalidCode),
        (40163, InvalidCode),
        (45011, RateLimited),
        (40001, TokenInvalid),
        (40014, TokenInvalid),
        (42001, TokenInvalid),
        (-1, SystemBusy),
        (43101, NotSubscribed),
        (40037, TemplateError),
        (47003, TemplateError),
        (41030, TemplateError),
        (-2, TransportError),
        (40125, WeChatError),
    ],
)
def test_error_for_picks_subclass(errcode: int, cls: type[WeChatError]) -> None:
    exc = error_for(errcode, "msg")
    assert type(exc) is cls
    assert (exc.errcode, exc.errmsg) == (errcode, "msg")


def test_code_exchange_codes() -> None:
    assert type(error_for(41008, "missing code")) is WeChatError
    assert isinstance(error_for(41008, "missing code", code_exchange=True), InvalidCode)


@given(st.integers(min_value=-10, max_value=99999), st.text(max_size=40))
def test_error_for_keeps_code_and_message(errcode: int, errmsg: str) -> None:
    exc = error_for(errcode, errmsg)
    assert isinstance(exc, WeChatError)
    assert exc.errcode == errcode and exc.errmsg == errmsg
    assert str(errcode) in str(exc)


# ---------------------------------------------------------------- store behaviour


def _exercise_store(store: TokenStore) -> None:
    assert store.get("k") is None
    expires = time.time() + 60
    store.set("k", "tok-1", expires)
    assert store.get("k") == ("tok-1", pytest.approx(expires))
    store.set("k", "tok-2", time.time() + 0.3)
    assert store.get("k") is not None
    time.sleep(0.4)
    assert store.get("k") is None  # expired
    store.set("k", "tok-3", time.time() + 60)
    store.delete("k")
    assert store.get("k") is None
    store.set("k", "tok-4", time.time() - 1)  # already expired: not stored
    assert store.get("k") is None


def _exercise_lock(first: TokenStore, second: TokenStore) -> None:
    with first.lock("k", 5) as got:
        assert got is True
        started = time.monotonic()
        with second.lock("k", 0.2) as other:
            assert other is False
        assert time.monotonic() - started >= 0.05  # it did wait before giving up
    with second.lock("k", 1) as again:
        assert again is True


def test_memory_store() -> None:
    store = MemoryTokenStore()
    assert isinstance(store, TokenStore)
    _exercise_store(store)
    _exercise_lock(store, store)


@pytest.mark.redis
def test_redis_store(redis_factory: Any, redis_prefix: str) -> None:
    conn = redis_factory()
    store = RedisTokenStore(conn, prefix=redis_prefix)
    assert isinstance(store, TokenStore)
    _exercise_store(store)
    store.set("ttl", "tok", time.time() + 100)
    assert 0 < conn.pttl(f"{redis_prefix}:ttl") <= 100_000
    _exercise_lock(store, RedisTokenStore(redis_factory(), prefix=redis_prefix))


@pytest.mark.redis
def test_redis_store_decoded_responses(redis_url: str, redis_prefix: str) -> None:
    import redis

    conn = redis.Redis.from_url(redis_url, decode_responses=True, socket_connect_timeout=2)
    try:
        store = RedisTokenStore(conn, prefix=redis_prefix)
        store.set("k", "tok", time.time() + 60)
        assert store.get("k") is not None and store.get("k")[0] == "tok"  # type: ignore[index]
    finally:
        conn.close()


# ---------------------------------------------------------------- shared refresh


def _hammer(clients: list[WeChatClient], threads_per_client: int) -> list[str]:
    total = len(clients) * threads_per_client
    barrier = threading.Barrier(total)
    tokens: list[str] = []
    errors: list[BaseException] = []

    def worker(wx: WeChatClient) -> None:
        try:
            barrier.wait()
            tokens.append(wx.get_access_token())
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [
        threading.Thread(target=worker, args=(wx,))
        for wx in clients
        for _ in range(threads_per_client)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert not errors
    assert len(tokens) == total
    return tokens


def test_memory_store_shared_by_two_clients(fake: FakeWeChatServer, make_client: Any) -> None:
    store = MemoryTokenStore()
    fake.inject_fault("hang", count=1, hang_seconds=0.3)
    clients = [make_client(fake, token_store=store), make_client(fake, token_store=store)]
    assert len(set(_hammer(clients, 8))) == 1
    assert fake.call_count(TOKEN_PATH) == 1


@pytest.mark.redis
def test_redis_cold_cache_16_threads_two_clients_one_fetch(
    fake: FakeWeChatServer, make_client: Any, redis_factory: Any, redis_prefix: str
) -> None:
    # Two clients with their own Redis connections stand in for two worker processes.
    clients = [
        make_client(fake, token_store=RedisTokenStore(redis_factory(), prefix=redis_prefix)),
        make_client(fake, token_store=RedisTokenStore(redis_factory(), prefix=redis_prefix)),
    ]
    fake.inject_fault("hang", count=1, hang_seconds=0.3)
    tokens = _hammer(clients, 8)
    assert len(set(tokens)) == 1
    assert fake.call_count(TOKEN_PATH) == 1


@pytest.mark.redis
def test_redis_token_invalid_refresh_is_shared(
    fake: FakeWeChatServer, make_client: Any, redis_factory: Any, redis_prefix: str
) -> None:
    store = RedisTokenStore(redis_factory(), prefix=redis_prefix)
    first, second = make_client(fake, token_store=store), make_client(fake, token_store=store)
    old = first.get_access_token()
    fake.expire_tokens()
    assert second.check_text("hello", "mock-kim").suggest == "pass"
    new = first.get_access_token()
    assert new != old
    assert fake.call_count(TOKEN_PATH) == 2
