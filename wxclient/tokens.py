"""Access-token stores: an in-process memory store and a Redis store shared by processes."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, Protocol, runtime_checkable

__all__ = ["MemoryTokenStore", "RedisTokenStore", "TokenStore"]


@runtime_checkable
class TokenStore(Protocol):
    """Where :class:`~wxclient.client.WeChatClient` caches access tokens.

    ``get`` returns ``(token, expires_at)`` with ``expires_at`` in epoch seconds, or ``None``.
    ``lock(key, timeout)`` is a context manager that serialises refreshes of ``key``; it yields
    ``True`` when the lock was acquired within ``timeout`` seconds and ``False`` otherwise
    (callers then go on without it, which is safe with ``stable_token`` in normal mode).
    """

    def get(self, key: str) -> tuple[str, float] | None: ...

    def set(self, key: str, token: str, expires_at: float) -> None: ...

    def delete(self, key: str) -> None: ...

    def lock(self, key: str, timeout: float) -> Any: ...


class MemoryTokenStore:
    """Thread-safe token store for a single process."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, float]] = {}
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def get(self, key: str) -> tuple[str, float] | None:
        with self._guard:
            item = self._data.get(key)
            if item is None:
                return None
            if item[1] <= time.time():
                del self._data[key]
                return None
            return item

    def set(self, key: str, token: str, expires_at: float) -> None:
        with self._guard:
            self._data[key] = (token, float(expires_at))

    def delete(self, key: str) -> None:
        with self._guard:
            self._data.pop(key, None)

    @contextmanager
    def lock(self, key: str, timeout: float) -> Iterator[bool]:
        with self._guard:
            lk = self._locks.setdefault(key, threading.Lock())
        acquired = lk.acquire(timeout=max(timeout, 0.0))
        try:
            yield acquired
        finally:
            if acquired:
                lk.release()


class RedisTokenStore:
    """Token store on Redis (redis-py client), shared by every process using the same prefix.

    The token lives under ``{prefix}:{key}`` as JSON with a TTL ending at ``expires_at``; the
    refresh lock is a redis-py :meth:`redis.Redis.lock` on ``{prefix}:lock:{key}``.
    """

    def __init__(self, redis_client: Any, prefix: str = "wx") -> None:
        self._redis = redis_client
        self._prefix = prefix

    def _name(self, key: str) -> str:
        return f"{self._prefix}:{key}"

    def get(self, key: str) -> tuple[str, float] | None:
        raw = self._redis.get(self._name(key))
        if raw is None:
            return None
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        try:
            data = json.loads(raw)
            token, expires_at = str(data["token"]), float(data["expires_at"])
        except (ValueError, KeyError, TypeError):
            return None
        if expires_at <= time.time():
            return None
        return token, expires_at

    def set(self, key: str, token: str, expires_at: float) -> None:
        ttl_ms = math.ceil((float(expires_at) - time.time()) * 1000)
        if ttl_ms <= 0:
            self.delete(key)
            return
        value = json.dumps({"token": token, "expires_at": float(expires_at)})
        self._redis.set(self._name(key), value, px=ttl_ms)

    def delete(self, key: str) -> None:
        self._redis.delete(self._name(key))

    @contextmanager
    def lock(self, key: str, timeout: float) -> Iterator[bool]:
        # The lock expires by itself after ``timeout`` so a crashed holder cannot block others.
        timeout = max(timeout, 0.1)
        lk = self._redis.lock(
            f"{self._prefix}:lock:{key}", timeout=timeout, blocking_timeout=timeout
        )
        acquired = bool(lk.acquire())
        try:
            yield acquired
        finally:
            if acquired:
                # The lock may have expired meanwhile (LockNotOwnedError): nothing to release.
                with suppress(Exception):
                    lk.release()
