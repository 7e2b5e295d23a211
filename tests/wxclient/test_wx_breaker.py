"""The circuit breaker: opens after consecutive transport failures, probes once, closes."""

from __future__ import annotations

import time
from typing import Any

import pytest

from wxclient import CircuitBreaker, CircuitOpen, InvalidCode, TransportError
from wxclient.breaker import CLOSED, HALF_OPEN, OPEN
from wxclient.fake import FakeWeChatServer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_consecutive_failures_and_probes_once_after_the_cool_down() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=3, cooldown=10, clock=clock)
    for _ in range(2):
        breaker.before()
        breaker.failed()
    breaker.before()
    breaker.succeeded()  # a success in between starts the count again
    for _ in range(2):
        breaker.before()
        breaker.failed()
    assert breaker.state == CLOSED
    breaker.before()
    breaker.failed()
    assert breaker.state == OPEN
    with pytest.raises(CircuitOpen) as caught:
        breaker.before("code_to_session")
    assert caught.value.maybe_delivered is False and isinstance(caught.value, TransportError)
    clock.now += 9.9
    with pytest.raises(CircuitOpen):
        breaker.before()
    clock.now += 0.2
    assert breaker.state == HALF_OPEN
    breaker.before()  # the probe goes out …
    with pytest.raises(CircuitOpen):
        breaker.before()  # … the others still fail at once while it runs
    breaker.succeeded()
    assert breaker.state == CLOSED
    breaker.before()


def test_a_failed_probe_opens_it_for_another_cool_down() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown=5, clock=clock)
    breaker.failed()
    clock.now += 5
    breaker.before()
    breaker.failed()
    assert breaker.state == OPEN
    clock.now += 4
    with pytest.raises(CircuitOpen):
        breaker.before()
    clock.now += 1
    breaker.before()
    breaker.release()  # a probe that ended in a local error frees the slot
    breaker.before()


def test_zero_failures_turns_it_off() -> None:
    breaker = CircuitBreaker(failures=0)
    for _ in range(50):
        breaker.failed()
    breaker.before()
    assert breaker.state == CLOSED


def test_a_hanging_wechat_opens_the_client_breaker_and_later_calls_fail_at_once(
    own_fake: FakeWeChatServer, make_client: Any
) -> None:
    breaker = CircuitBreaker(failures=2, cooldown=0.5)
    wx = make_client(own_fake, timeout=(0.3, 0.3), busy_retries=5, breaker=breaker)
    own_fake.inject_fault("hang", count=3, hang_seconds=1.0)
    started = time.monotonic()
    with pytest.raises(CircuitOpen):
        wx.code_to_session("mock:amy")  # two timeouts, then the retries stop: open
    assert breaker.state == OPEN
    assert time.monotonic() - started < 1.5
    reached = own_fake.call_count("/sns/jscode2session")
    assert reached == 2
    started = time.monotonic()
    with pytest.raises(CircuitOpen):
        wx.code_to_session("mock:amy")
    assert time.monotonic() - started < 0.1
    assert own_fake.call_count("/sns/jscode2session") == reached  # nothing went out
    time.sleep(0.6)  # cool-down: the probe hits the last hang and opens it again
    with pytest.raises(TransportError):
        wx.code_to_session("mock:amy")
    assert own_fake.call_count("/sns/jscode2session") == reached + 1  # one probe, no retries
    assert breaker.state == OPEN
    time.sleep(0.6)
    assert wx.code_to_session("mock:amy").openid == "mock-amy"  # probe answered: closed
    assert breaker.state == CLOSED


def test_an_error_code_is_an_answer_not_an_outage(fake: FakeWeChatServer, make_client: Any) -> None:
    breaker = CircuitBreaker(failures=1, cooldown=60)
    wx = make_client(fake, breaker=breaker)
    for _ in range(3):
        with pytest.raises(InvalidCode):
            wx.code_to_session("bogus")
    assert breaker.state == CLOSED
