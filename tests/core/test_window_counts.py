"""The in-memory fixed-window counters (`ratelimit.WindowCounts`): the same counts, windows and
window stats as `limits`' own storages give the strategy, without a sweeping thread."""

from __future__ import annotations

import threading

import limits
import pytest
from limits.strategies import FixedWindowRateLimiter

from app.core import ratelimit
from app.core.ratelimit import WindowCounts

ITEM = limits.parse("3 per minute")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(ratelimit.time, "time", clock.time)
    return clock


def test_counts_within_a_window_and_starts_a_new_one_after_it(clock):
    counts = WindowCounts()
    key = ITEM.key_for("1.2.3.4", "nearby")
    assert [counts.incr(key, 60) for _ in range(4)] == [1, 2, 3, 4]
    assert counts.get(key) == 4
    assert counts.get_expiry(key) == clock.now + 60
    clock.now += 59.9
    assert counts.incr(key, 60) == 5  # still the same window
    clock.now += 0.1
    assert counts.get(key) == 0  # the window has ended
    assert counts.get_expiry(key) == clock.now
    assert counts.incr(key, 60) == 1  # a new window from now
    assert counts.get_expiry(key) == clock.now + 60


def test_the_strategy_reads_remaining_and_reset_from_it(clock):
    limiter = FixedWindowRateLimiter(WindowCounts())
    assert limiter.get_window_stats(ITEM, "a").remaining == 3
    for _ in range(3):
        assert limiter.hit(ITEM, "a")
    assert not limiter.hit(ITEM, "a")
    stats = limiter.get_window_stats(ITEM, "a")
    assert stats.remaining == 0
    assert stats.reset_time == clock.now + 60
    assert limiter.get_window_stats(ITEM, "b").remaining == 3  # keys are apart
    limiter.clear(ITEM, "a")
    assert limiter.get_window_stats(ITEM, "a").remaining == 3


def test_dead_windows_are_dropped_by_the_next_count_after_the_sweep_time(clock):
    counts = WindowCounts()
    for n in range(1000):
        counts.incr(f"ip-{n}", 5)
    clock.now += 6  # all ended, but nothing swept yet
    assert len(counts.windows) == 1000
    clock.now += WindowCounts.SWEEP_S
    counts.incr("ip-new", 5)
    assert list(counts.windows) == ["ip-new"]
    assert counts.reset() == 1
    assert counts.windows == {}


def test_concurrent_counts_lose_nothing():
    counts = WindowCounts()

    def count() -> None:
        for _ in range(2000):
            counts.incr("shared", 60)

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts.get("shared") == 16_000


def test_no_thread_is_started_to_count():
    before = threading.active_count()
    counts = WindowCounts()
    for n in range(500):
        counts.incr(f"k{n}", 60)
    assert threading.active_count() == before
