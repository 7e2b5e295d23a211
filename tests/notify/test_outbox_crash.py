"""A worker process killed while WeChat holds its send: at most one duplicate, never a loss."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.notify import worker
from app.notify.models import OutboxMessage, SubscriptionCredit
from tests.notify.test_outbox import TEMPLATE, queue_for

ROOT = Path(__file__).resolve().parents[2]
SEND = "/cgi-bin/message/subscribe/send"
DOOMED = """
import sys
from tests.conftest import build_app
from app.core.wechat import wechat
from app.notify import worker
app = build_app(sys.argv[1], sys.argv[2], WECHAT_TIMEOUT=(30.0, 30.0))
with app.app_context():
    wechat().get_access_token()
    print("ready", flush=True)
    sys.stdin.readline()
    worker.run_once("doomed")
    print("finished", flush=True)
"""


def wait_for(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def credits(user_id: int) -> int:
    return db.session.scalar(select(SubscriptionCredit.credits).where(
        SubscriptionCredit.user_id == user_id, SubscriptionCredit.template_id == TEMPLATE))


def test_killed_mid_send_the_next_worker_sends_with_the_same_credit(app_ctx, fake_wechat, clock):
    user = queue_for("kim", credits=1)
    user_id, openid = user.id, user.openid
    db.session.remove()
    doomed = subprocess.Popen(
        [sys.executable, "-c", DOOMED, app_ctx.config["SQLALCHEMY_DATABASE_URI"], fake_wechat.url],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True)
    try:
        assert doomed.stdout.readline().strip() == "ready"
        fake_wechat.inject_fault("hang", count=1, hang_seconds=3.0)  # WeChat holds the send …
        doomed.stdin.write("go\n")
        doomed.stdin.flush()
        wait_for(lambda: fake_wechat.call_count(SEND) == 1)
        os.kill(doomed.pid, signal.SIGKILL)  # … and the worker dies waiting for the answer
        doomed.wait(10)
    finally:
        if doomed.poll() is None:
            doomed.kill()
    row = db.session.scalar(select(OutboxMessage))
    assert (row.status, row.claimed_by, row.credit_held) == ("pending", "doomed", True)
    assert credits(user_id) == 0  # spent once, held by the row
    clock.move_to(row.claimed_until - timedelta(seconds=1))
    assert worker.run_once("heir") == {}  # the lease still keeps it away
    clock.move_to(row.claimed_until + timedelta(seconds=1))  # the lease the dead worker took
    assert worker.run_once("heir") == {"sent": 1}  # not "skipped": the held credit is used
    db.session.expire_all()
    row = db.session.scalar(select(OutboxMessage))
    assert (row.status, row.claimed_by, row.credit_held) == ("sent", None, False)
    assert credits(user_id) == 0  # no second credit taken
    # the killed worker's send arrives when WeChat wakes: the one duplicate of this crash
    wait_for(lambda: len(fake_wechat.sent_messages()) == 2, seconds=10)
    first, second = fake_wechat.sent_messages()
    assert first["touser"] == second["touser"] == openid
    assert first["data"]["thing1"] == second["data"]["thing1"]  # the same message twice
    assert worker.run_once("heir") == {}


def test_a_crash_before_the_send_leaves_the_credit_with_the_row(app_ctx, fake_wechat, clock):
    user = queue_for("lee", credits=1)
    [message_id] = worker.claim("doomed", batch=5)
    message = db.session.get(OutboxMessage, message_id)
    assert worker._begin_send(message, "doomed", TEMPLATE)  # then the process dies
    clock.shift(timedelta(seconds=app_ctx.config["OUTBOX_LEASE_SECONDS"] + 1))
    assert worker.run_once("heir") == {"sent": 1}
    assert len(fake_wechat.sent_messages()) == 1 and credits(user.id) == 0


def test_a_retry_gives_the_credit_back_and_the_next_try_spends_it_again(app_ctx, fake_wechat,
                                                                         clock):
    user = queue_for("may", credits=1)
    fake_wechat.inject_fault("busy", count=app_ctx.config["WECHAT_BUSY_RETRIES"] + 1)
    assert worker.run_once("w1") == {"retry": 1}
    row = db.session.scalar(select(OutboxMessage))
    assert (row.credit_held, row.attempts) == (False, 1) and credits(user.id) == 1
    clock.shift(timedelta(minutes=5))
    assert worker.run_once("w1") == {"sent": 1}
    assert credits(user.id) == 0


def test_sends_that_keep_killing_workers_are_parked_with_the_credit_back(app_ctx, fake_wechat,
                                                                         clock):
    user = queue_for("ned", credits=1)
    for _ in range(app_ctx.config["OUTBOX_MAX_ATTEMPTS"]):
        [message_id] = worker.claim("doomed", batch=5)
        assert worker._begin_send(db.session.get(OutboxMessage, message_id), "doomed", TEMPLATE)
        clock.shift(timedelta(seconds=app_ctx.config["OUTBOX_LEASE_SECONDS"] + 1))
    assert worker.run_once("heir") == {"parked": 1}
    assert credits(user.id) == 1 and fake_wechat.sent_messages() == []


def test_an_open_breaker_is_not_an_attempt(app_ctx, fake_wechat, monkeypatch):
    from app.core.wechat import wechat

    user = queue_for("ora", credits=1)
    breaker = wechat().breaker
    monkeypatch.setattr(breaker, "failures", 1)
    monkeypatch.setattr(breaker, "cooldown", 60.0)
    breaker.failed()
    try:
        assert worker.run_once("w1") == {"retry": 1}
    finally:
        breaker.reset()
    row = db.session.scalar(select(OutboxMessage))
    assert (row.attempts, row.credit_held, row.status) == (0, False, "pending")
    assert credits(user.id) == 1 and fake_wechat.call_count(SEND) == 0
