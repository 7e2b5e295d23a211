"""State and dispatch of the fake WeChat server (standard library only, no HTTP here)."""

from __future__ import annotations

import copy
import threading
import time
from collections import Counter, deque
from typing import Any

from .fake_apis import FakeApis
from .fake_wire import Reply, err, json_reply, make_png

__all__ = ["FAULT_KINDS", "FakeState", "Reply", "json_reply", "make_png"]

FAULT_KINDS = frozenset({"busy", "token_invalid", "token_expired", "hang", "http_500"})


class FakeState(FakeApis):
    """Everything the fake remembers; all methods are thread-safe."""

    def __init__(
        self,
        appid: str,
        secret: str,
        token_ttl: float,
        blocked_words: tuple[str, ...] | list[str],
        review_words: tuple[str, ...] | list[str],
        open_platform: bool = False,
    ) -> None:
        self.appid = appid
        self.secret = secret
        self.open_platform = open_platform
        self._initial = (float(token_ttl), list(blocked_words), list(review_words))
        self._lock = threading.Lock()
        self.reset()

    # ------------------------------------------------------------------ control

    def reset(self) -> None:
        """Forget tokens, faults, messages, call counters and used codes; restore settings."""
        with self._lock:
            self.token_ttl, blocked, review = self._initial
            self.blocked_words = list(blocked)
            self.review_words = list(review)
            self._tokens: dict[str, list[float | bool]] = {}  # token -> [expires_at, revoked]
            self._current: str | None = None
            self._classic: str | None = None
            self._faults: deque[list[Any]] = deque()  # [kind, remaining, hang_seconds]
            self._messages: list[dict[str, Any]] = []
            self._calls: Counter[str] = Counter()
            self._used_codes: set[str] = set()
            self._session_keys: dict[str, str] = {}

    def inject_fault(self, kind: str, count: int = 1, hang_seconds: float = 10.0) -> None:
        """Make the next ``count`` API calls fail as ``kind`` (see :data:`FAULT_KINDS`)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if count > 0:
            with self._lock:
                self._faults.append([kind, int(count), float(hang_seconds)])

    def sent_messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._messages)

    def clear_messages(self) -> None:
        with self._lock:
            self._messages.clear()

    def set_blocked_words(self, words: list[str] | tuple[str, ...]) -> None:
        with self._lock:
            self.blocked_words = [str(w) for w in words]

    def set_token_ttl(self, seconds: float) -> None:
        with self._lock:
            self.token_ttl = float(seconds)

    def expire_tokens(self) -> None:
        """Make every issued token expired (APIs then answer 42001)."""
        with self._lock:
            past = time.time() - 1
            for entry in self._tokens.values():
                entry[0] = past

    def calls(self) -> dict[str, int]:
        with self._lock:
            return dict(self._calls)

    def call_count(self, path: str) -> int:
        with self._lock:
            return self._calls.get(path, 0)

    # ------------------------------------------------------------------ dispatch

    def is_api(self, path: str) -> bool:
        return path in self._routes()

    def serve(self, method: str, path: str, query: dict[str, str], body: bytes) -> Reply:
        """Answer one API request: count it, apply a pending fault, else run the API."""
        route = self._routes().get(path)
        if route is None:
            return json_reply({"errcode": 40066, "errmsg": "invalid url"}, status=404)
        with self._lock:
            self._calls[path] += 1
            fault = None
            if self._faults:
                fault = self._faults[0][:]
                self._faults[0][1] -= 1
                if self._faults[0][1] <= 0:
                    self._faults.popleft()
        if fault is not None:
            kind, _, hang = fault
            if kind == "hang":
                time.sleep(hang)
            elif kind == "busy":
                return err(-1, "system error")
            elif kind == "token_invalid":
                return err(40001, "invalid credential, access_token is invalid or not latest")
            elif kind == "token_expired":
                return err(42001, "access_token expired")
            else:
                return Reply(
                    500, b"<html><body>500 Internal Server Error</body></html>", "text/html"
                )
        want_method, handler = route
        if method != want_method:
            return err(43002 if want_method == "POST" else 43001, f"require {want_method} method")
        if path not in ("/sns/jscode2session", "/cgi-bin/stable_token", "/cgi-bin/token"):
            problem = self._check_token(query.get("access_token"))
            if problem is not None:
                return problem
        return handler(query, body)
