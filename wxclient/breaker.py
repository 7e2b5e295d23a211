"""A per-process circuit breaker: while WeChat is down, calls fail at once instead of hanging.

Closed: calls go through; ``failures`` consecutive transport failures (timeouts, connection
errors, HTTP 5xx, non-JSON replies) open it. Open: every call raises :class:`CircuitOpen`
without touching the network until ``cooldown`` seconds have passed. Half-open: one call (the
probe) goes through while the others still fail at once; its success closes the breaker, its
failure opens it for another cool-down. Any reply from WeChat, even an error code, counts as a
success: WeChat answered. Thread-safe; one breaker per client, so per process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .errors import TRANSPORT_ERRCODE, TransportError

__all__ = ["CLOSED", "HALF_OPEN", "OPEN", "CircuitBreaker", "CircuitOpen"]

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class CircuitOpen(TransportError):
    """WeChat failed too often just now; the call was not sent (so it is safe to resend)."""

    maybe_delivered = False


class CircuitBreaker:
    """Counts consecutive transport failures; ``failures=0`` turns the breaker off."""

    def __init__(
        self,
        failures: int = 5,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failures = max(0, int(failures))
        self.cooldown = max(0.0, float(cooldown))
        self._clock = clock
        self._lock = threading.Lock()
        self._state = CLOSED
        self._count = 0
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half_open`` (open turns half-open once cooled down)."""
        with self._lock:
            if self._state == OPEN and self._cooled_down():
                return HALF_OPEN
            return self._state

    def _cooled_down(self) -> bool:
        return self._clock() - self._opened_at >= self.cooldown

    def before(self, api: str | None = None) -> None:
        """Raise :class:`CircuitOpen` unless this call may go out now."""
        if not self.failures:
            return
        with self._lock:
            if self._state == CLOSED:
                return
            if self._state == OPEN and self._cooled_down():
                self._state = HALF_OPEN
                self._probing = False
            if self._state == HALF_OPEN and not self._probing:
                self._probing = True  # this call is the probe; the others wait for its answer
                return
        raise CircuitOpen(TRANSPORT_ERRCODE, "circuit open: WeChat failed just now", api)

    def succeeded(self) -> None:
        """WeChat answered: close the breaker."""
        with self._lock:
            self._state, self._count, self._probing = CLOSED, 0, False

    def failed(self) -> None:
        """A transport failure: count it; open the breaker at the threshold or a failed probe."""
        if not self.failures:
            return
        with self._lock:
            self._count += 1
            if self._state == HALF_OPEN or self._count >= self.failures:
                self._state, self._opened_at, self._probing = OPEN, self._clock(), False

    def release(self) -> None:
        """The call ended without telling whether WeChat is up (a local error): free the probe."""
        with self._lock:
            self._probing = False

    def reset(self) -> None:
        """Forget every failure (tests, or an operator who knows WeChat is back)."""
        self.succeeded()
