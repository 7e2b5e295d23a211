"""Rate limits: per IP on the public search and on login, per user on writes.

Counters are fixed windows from the `limits` library (the engine Flask-Limiter is built on),
kept in Redis when REDIS_URL is set so that every instance shares them. If Redis stops
answering, the process counts in its own memory for PRIMARY_RETRY_S seconds and then tries
Redis again: an outage turns limits per-instance instead of failing requests.

This glue replaced Flask-Limiter, whose generality cost about 0.1 ms per limited request and
0.04 ms on every other one (measured with bench/bench_nearby.py); the public nearby search is
the hottest path we have.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from functools import lru_cache, wraps

import limits
from flask import Flask, after_this_request, current_app, request
from flask_jwt_extended import get_jwt_identity
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app.core.http import verify_token
from app.core.i18n import N_
from app.errors import AppError

log = logging.getLogger(__name__)

PRIMARY_RETRY_S = 30
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXTENSION = "gonghui_ratelimit"


class RateLimited(AppError):
    status = 429
    code = "rate_limited"


@lru_cache(maxsize=64)
def parse(text: str) -> limits.RateLimitItem:
    """'120 per minute' → a RateLimitItem (configuration strings repeat: parse each once)."""
    return limits.parse(text)


class WindowCounts(Storage):
    """Fixed-window counters in this process's memory (no REDIS_URL, or Redis down).

    Replaces `limits`' MemoryStorage, which starts a timer thread every 10 ms while requests
    come and sweeps every key each time: with 20,000 counters (riders' IPs within a window)
    that cost ~20 % of a core per process (measured: 0.64 s of CPU in 2 s at ~1,000 counts a
    second, 0.22 s with 100 counters). Here an expired window is replaced when its key counts
    again, and the dead ones are dropped at most every SWEEP_S."""

    STORAGE_SCHEME = None
    SWEEP_S = 10.0

    def __init__(self) -> None:
        super().__init__()
        self.windows: dict[str, list] = {}  # key → [expiry (epoch s), count]
        self.lock = threading.Lock()
        self.next_sweep = time.time() + self.SWEEP_S

    @property
    def base_exceptions(self):
        return ValueError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self.lock:
            if now >= self.next_sweep:
                self.windows = {k: w for k, w in self.windows.items() if w[0] > now}
                self.next_sweep = now + self.SWEEP_S
            window = self.windows.get(key)
            if window is None or window[0] <= now:
                window = self.windows[key] = [now + expiry, 0]
            window[1] += amount
            return window[1]

    def get(self, key: str) -> int:
        window = self.windows.get(key)
        return window[1] if window is not None and window[0] > time.time() else 0

    def get_expiry(self, key: str) -> float:
        window = self.windows.get(key)
        now = time.time()
        return window[0] if window is not None and window[0] > now else now

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self.lock:
            count, self.windows = len(self.windows), {}
        return count

    def clear(self, key: str) -> None:
        with self.lock:
            self.windows.pop(key, None)


class RateLimits:
    """One app's counters: the shared storage, a memory fallback, and when to retry Redis."""

    def __init__(self, app: Flask) -> None:
        uri = app.config["RATELIMIT_STORAGE_URI"]
        options = {}
        if uri.startswith(("redis://", "rediss://")):
            # a dead Redis must cost a request milliseconds, not the default socket timeouts
            options = {"key_prefix": app.config["RATELIMIT_KEY_PREFIX"],
                       "socket_connect_timeout": 0.25, "socket_timeout": 0.25}
        self.local = FixedWindowRateLimiter(WindowCounts())
        self.shared = (self.local if uri == "memory://" else
                       FixedWindowRateLimiter(storage_from_string(uri, **options)))
        self.shared_down_until = 0.0

    def check(self, limit: str, *identifiers: str) -> tuple[int, int]:
        """Count one request; RateLimited (429 with Retry-After) once the window is full.
        Returns (limit, requests left in the window) for the X-RateLimit-* headers.

        The count is the fixed-window strategy's own `hit` (one storage increment) made
        through the storage, so that what is left costs no second round trip."""
        item = parse(limit)
        strategy = self.shared if time.monotonic() >= self.shared_down_until else self.local
        key = item.key_for(*identifiers)
        try:
            count = strategy.storage.incr(key, item.get_expiry())
        except Exception as exc:  # storage unreachable: count in this process for a while
            log.warning("rate-limit storage unreachable, counting in memory",
                        extra={"error": type(exc).__name__, "retry_in_s": PRIMARY_RETRY_S})
            self.shared_down_until = time.monotonic() + PRIMARY_RETRY_S
            strategy = self.local
            count = strategy.storage.incr(key, item.get_expiry())
        if count <= item.amount:
            return item.amount, item.amount - count
        try:
            reset = strategy.get_window_stats(item, *identifiers).reset_time
        except Exception:  # the window's end is a courtesy; the refusal stands without it
            reset = time.time() + item.get_expiry()
        raise refused(N_("Too many requests; try again in %(wait)s s."), item, reset,
                      **{"X-RateLimit-Limit": str(item.amount), "X-RateLimit-Remaining": "0",
                         "X-RateLimit-Reset": str(int(reset))})

    def refuse_if_spent(self, limit: str, *identifiers: str) -> None:
        """RateLimited when the window of `limit` is already full (counts nothing)."""
        item = parse(limit)
        strategy = self.shared if time.monotonic() >= self.shared_down_until else self.local
        try:
            stats = strategy.get_window_stats(item, *identifiers)
        except Exception:  # storage unreachable: `check` falls back when it counts
            stats = self.local.get_window_stats(item, *identifiers)
        if stats.remaining > 0:
            return
        raise refused(N_("Too many failed attempts from your network; try again in "
                         "%(wait)s s."), item, stats.reset_time)


def refused(message: str, item: limits.RateLimitItem, reset: float,
            **headers: str) -> RateLimited:
    """The one 429: `message` (a message id with `%(wait)s`), the limit in the details and
    Retry-After — whole seconds until the window ends at `reset` (epoch s), at least one."""
    wait = max(1, int(reset - time.time() + 0.999))
    return RateLimited(message, params={"wait": wait}, details={"limit": str(item)},
                       headers={"Retry-After": str(wait), **headers})


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = RateLimits(app)

    @app.before_request
    def limit_writes() -> None:
        """Every write counts against the caller's per-endpoint budget, unless the endpoint
        has a limit of its own (login)."""
        if request.method in READ_METHODS or request.endpoint is None:
            return
        handler = _handler(app, request.endpoint, request.method)
        if getattr(handler, "has_own_rate_limit", False):
            return
        key = user_or_ip(refresh=getattr(handler, "token_refresh", False))
        app.extensions[EXTENSION].check(app.config["RATELIMIT_WRITES"], key, request.endpoint)


def _handler(app: Flask, endpoint: str, method: str):
    view = app.view_functions.get(endpoint)
    return getattr(getattr(view, "view_class", None), method.lower(), view)


def rate_limit(scope: str, limit: Callable[[], str], key: Callable[[], str]):
    """Decorator: at most `limit()` requests per `key()` in this `scope` (e.g. 'nearby');
    every answer says X-RateLimit-Limit and -Remaining (a refusal adds -Reset, Retry-After)."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            amount, left = current_app.extensions[EXTENSION].check(limit(), key(), scope)

            @after_this_request
            def tell_budget(response):
                response.headers["X-RateLimit-Limit"] = str(amount)
                response.headers["X-RateLimit-Remaining"] = str(left)
                return response

            return func(*args, **kwargs)

        wrapper.has_own_rate_limit = True
        return wrapper

    return decorator


def user_or_ip(*, refresh: bool = False) -> str:
    """The user id from a valid token (access, or refresh where the endpoint takes one), else
    the client address. The verification is the request's one (`verify_token`): the
    endpoint's auth check reuses it."""
    try:
        identity = get_jwt_identity() if verify_token(optional=True, refresh=refresh) else None
    except Exception:  # a bad token is answered by the endpoint itself
        identity = None
    return f"user:{identity}" if identity else client_ip()


def client_ip() -> str:
    return f"ip:{request.remote_addr or '-'}"


def failure_budget(scope: str, limit: Callable[[], str], key: Callable[[], str],
                   codes: frozenset[str]):
    """Decorator: answers that fail with one of `codes` count against `limit()` per `key()`;
    once it is spent every call is 429 until the window ends. Successes cost nothing, so a
    crowd behind one address passes while a flood of bad attempts from it stops."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            limits_ = current_app.extensions[EXTENSION]
            budget, who = limit(), key()
            limits_.refuse_if_spent(budget, who, scope)
            try:
                return func(*args, **kwargs)
            except AppError as exc:
                if exc.code in codes:
                    # a failure that fills the window is still answered as itself; the
                    # next call is the one refused
                    with contextlib.suppress(RateLimited):
                        limits_.check(budget, who, scope)
                raise

        return wrapper

    return decorator


def login_failure_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN_FAILURES"]


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def duplicate_limit() -> str:
    return current_app.config["RATELIMIT_DUPLICATES"]


def public_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC"]
