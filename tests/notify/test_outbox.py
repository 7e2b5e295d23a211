"""Outbox worker against the fake WeChat server: sends, retries, parks, leases, messages."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.time import utcnow
from app.extensions import db
from app.notify import worker
from app.notify.models import OutboxMessage
from app.notify.service import notify
from app.notify.subscriptions import record_subscriptions
from tests.helpers import make_user

TEMPLATE = "tmpl-status-notice"


def queue_for(name: str, count: int = 1, *, credits: int = 0, title: str = "入会申请通过"):
    user = make_user(name)
    for index in range(count):
        notify(user_id=user.id, event="membership.approved", title=f"{title}{index or ''}",
               body="您在甲村的入会申请已经通过，欢迎加入工会大家庭！", page="pages/me/index")
    db.session.commit()
    if credits:
        record_subscriptions(user_id=user.id, accepted=[TEMPLATE] * credits, rejected=[])
    return user


def statuses():
    return sorted(db.session.scalars(select(OutboxMessage.status)))


def test_sends_with_credit_and_fits_field_limits(app_ctx, fake_wechat):
    user = queue_for("alice", credits=1, title="一个超过二十个字符的非常非常长的通知标题会被截断")
    assert worker.run_once("w1") == {"sent": 1}
    [sent] = fake_wechat.sent_messages()
    assert sent["touser"] == user.openid == "mock-alice"
    assert sent["template_id"] == TEMPLATE
    assert sent["page"] == "pages/me/index"
    assert sent["miniprogram_state"] == "formal"
    assert len(sent["data"]["thing1"]["value"]) == 20
    assert sent["data"]["thing1"]["value"].endswith("…")
    assert "年" in sent["data"]["time3"]["value"]


def test_a_value_wechat_would_refuse_is_not_sent_and_keeps_the_credit(
        app_ctx, fake_wechat, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "WECHAT_TEMPLATES", {"*": {
        "template_id": TEMPLATE, "fields": {"thing1": "title", "phrase2": "status"}}})
    user = make_user("grace")
    notify(user_id=user.id, event="membership.approved", title="入会申请", body="-",
           data={"status": "approved"})
    notify(user_id=user.id, event="membership.approved", title="入会申请", body="-",
           data={"status": "已通过"})
    db.session.commit()
    record_subscriptions(user_id=user.id, accepted=[TEMPLATE], rejected=[])
    assert worker.run_once("w1") == {"failed": 1, "sent": 1}
    refused, sent = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    assert refused.status == "failed"
    assert refused.last_error.startswith("value refused before sending: phrase2")
    assert sent.status == "sent"  # the one credit went to the message that could be sent
    [message] = fake_wechat.sent_messages()
    assert message["data"]["phrase2"] == {"value": "已通过"}


def test_without_subscription_credit_nothing_is_sent(app_ctx, fake_wechat):
    queue_for("bob", count=2, credits=1)
    assert worker.run_once("w1") == {"sent": 1, "skipped": 1}
    assert len(fake_wechat.sent_messages()) == 1


def test_not_subscribed_is_final(app_ctx, fake_wechat):
    queue_for("unsub-carol", credits=1)
    assert worker.run_once("w1") == {"failed": 1}
    row = db.session.scalar(select(OutboxMessage))
    assert row.last_error.startswith("43101")


def test_busy_is_retried_later_then_parked(app_ctx, fake_wechat, clock):
    queue_for("dave", credits=1)
    now = utcnow()
    for attempt in range(1, 6):
        clock.move_to(now)
        fake_wechat.inject_fault("busy", count=10)
        outcome = worker.run_once("w1")
        row = db.session.scalar(select(OutboxMessage))
        db.session.refresh(row)
        if attempt < 5:
            assert outcome == {"retry": 1}
            assert row.status == "pending" and row.attempts == attempt
            assert row.next_attempt_at > now
            assert worker.run_once("w1") == {}  # not due yet
            now = row.next_attempt_at + timedelta(seconds=1)
        else:
            assert outcome == {"parked": 1}
            assert row.status == "parked"
    fake_wechat.reset()


def test_killed_worker_loses_nothing_and_the_next_sends_the_rest(app_ctx, fake_wechat, clock):
    queue_for("erin", count=5, credits=5)
    claimed = worker.claim("doomed", batch=10)
    for message_id in claimed[:2]:
        assert worker.deliver(message_id, "doomed") == "sent"
    # the doomed worker dies here; its lease keeps the rest away from others for a while
    assert worker.run_once("heir") == {}
    clock.shift(timedelta(seconds=app_ctx.config["OUTBOX_LEASE_SECONDS"] + 1))
    assert worker.run_once("heir") == {"sent": 3}
    assert statuses() == ["sent"] * 5
    assert len(fake_wechat.sent_messages()) == 5


@pytest.mark.postgres
def test_concurrent_workers_never_claim_the_same_row(app, client):
    with app.app_context():
        queue_for("frank", count=200)
    claims: dict[str, list[int]] = {}

    def run(name: str) -> None:
        with app.app_context():
            mine = claims.setdefault(name, [])
            while True:
                got = worker.claim(name, batch=7)
                if not got:
                    break
                mine.extend(got)

    threads = [threading.Thread(target=run, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [message_id for ids in claims.values() for message_id in ids]
    assert len(every) == 200 and len(set(every)) == 200
    assert sum(1 for ids in claims.values() if ids) >= 2


def test_messages_api(client, as_user, app):
    headers = as_user("grace")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.openid == "mock-grace"))
        for index in range(3):
            notify(user_id=user_id, event="x", title=f"通知{index}", body="正文")
        db.session.commit()
    body = client.get("/api/v1/me/messages?limit=2", headers=headers).get_json()
    assert [m["title"] for m in body["items"]] == ["通知2", "通知1"] and body["unread"] == 3
    message_id = body["items"][0]["id"]
    assert client.post(f"/api/v1/me/messages/{message_id}/read",
                       headers=as_user("other")).status_code == 404
    read = client.post(f"/api/v1/me/messages/{message_id}/read", headers=headers).get_json()
    assert read == {"unread": 2}
    client.post("/api/v1/me/messages/read-all", headers=headers)
    assert client.get("/api/v1/me/messages/unread-count",
                      headers=headers).get_json() == {"unread": 0}
    credits = client.post("/api/v1/me/subscriptions", headers=headers,
                          json={"accepted": [TEMPLATE, TEMPLATE], "rejected": []}).get_json()
    assert credits == {"items": [{"template_id": TEMPLATE, "credits": 2}]}
