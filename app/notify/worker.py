"""The outbox worker: claims due rows with a lease, sends subscribe messages, records results.

Delivery is at least once. A worker claims a batch in one short transaction (on PostgreSQL
with FOR UPDATE SKIP LOCKED, so several workers never claim the same row), then sends and
marks each row in its own transaction. A worker killed mid-batch leaves its unsent rows
claimed until the lease ends; the next worker sends them. The duplicate window is one
message per crash: a row WeChat accepted but whose "sent" mark was not yet committed.
"""

from __future__ import annotations

import logging
import socket
import time
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

import wxclient
from app.auth.models import User
from app.core.time import utcnow
from app.core.wechat import wechat
from app.extensions import db
from app.notify.models import OutboxMessage, SubscriptionCredit
from app.notify.templates import ValueRefused, render

log = logging.getLogger("gonghui.outbox")
RETRYABLE = (wxclient.SystemBusy, wxclient.TransportError, wxclient.RateLimited,
             wxclient.TokenInvalid)


def worker_name() -> str:
    return f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"


def claim(worker: str, batch: int) -> list[int]:
    """Lease up to `batch` due rows to this worker; returns their ids."""
    now = utcnow()
    lease = now + timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.id)
        .limit(batch)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(due))
    if ids:
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids))
            .values(claimed_by=worker, claimed_until=lease)
            .execution_options(synchronize_session=False))
    db.session.commit()
    return ids


def _template_for(event: str) -> dict | None:
    templates = current_app.config["WECHAT_TEMPLATES"]
    return templates.get(event) or templates.get("*")


def _spend_credit(user_id: int, template_id: str) -> bool:
    """Take one subscription credit; False when the user has none (nothing to send)."""
    return db.session.execute(
        update(SubscriptionCredit)
        .where(SubscriptionCredit.user_id == user_id,
               SubscriptionCredit.template_id == template_id, SubscriptionCredit.credits > 0)
        .values(credits=SubscriptionCredit.credits - 1, updated_at=utcnow())
    ).rowcount == 1


def _finish(message_id: int, worker: str, **values) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker)
        .values(claimed_by=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False))
    db.session.commit()


def deliver(message_id: int, worker: str) -> str:
    """Send one claimed row; returns the status it ends in."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.claimed_by != worker or message.status != "pending":
        db.session.rollback()
        return "lost_lease"
    template = _template_for(message.event)
    user = db.session.get(User, message.user_id)
    if template is None or user is None:
        _finish(message_id, worker, status="skipped", last_error="no template or subscription")
        return "skipped"
    try:  # a value WeChat would refuse (47003): not sent, and the credit is kept
        values = render(template["fields"], message.data, utcnow())
    except ValueRefused as exc:  # the reason names the field and rule, never the value
        log.warning("subscribe value refused", extra={"fields": {
            "outbox_id": message_id, "field": exc.key, "reason": exc.reason}})
        _finish(message_id, worker, status="failed", attempts=message.attempts + 1,
                last_error=f"value refused before sending: {exc}"[:500])
        return "failed"
    if not _spend_credit(user.id, template["template_id"]):
        _finish(message_id, worker, status="skipped", last_error="no template or subscription")
        return "skipped"
    db.session.commit()  # the credit is spent even if WeChat then fails: one accept, one try
    try:
        wechat().send_subscribe_message(
            user.openid, template["template_id"], values, page=message.page,
            miniprogram_state=current_app.config["WECHAT_MINIPROGRAM_STATE"])
    except (wxclient.NotSubscribed, wxclient.TemplateError) as exc:
        _finish(message_id, worker, status="failed", attempts=message.attempts + 1,
                last_error=f"{exc.errcode} {exc.errmsg}"[:500])
        return "failed"
    except RETRYABLE as exc:
        return _retry_later(message, worker, f"{exc.errcode} {exc.errmsg}")
    except wxclient.WeChatError as exc:
        _finish(message_id, worker, status="failed", attempts=message.attempts + 1,
                last_error=f"{exc.errcode} {exc.errmsg}"[:500])
        return "failed"
    _finish(message_id, worker, status="sent", attempts=message.attempts + 1, sent_at=utcnow(),
            last_error=None)
    return "sent"


def _retry_later(message: OutboxMessage, worker: str, error: str) -> str:
    attempts = message.attempts + 1
    if attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        _finish(message.id, worker, status="parked", attempts=attempts, last_error=error[:500])
        return "parked"
    delay = min(3600, 30 * 2 ** (attempts - 1))
    _finish(message.id, worker, attempts=attempts, last_error=error[:500],
            next_attempt_at=utcnow() + timedelta(seconds=delay))
    # give the credit back: the message was not delivered
    template = _template_for(message.event)
    db.session.execute(
        update(SubscriptionCredit)
        .where(SubscriptionCredit.user_id == message.user_id,
               SubscriptionCredit.template_id == template["template_id"])
        .values(credits=SubscriptionCredit.credits + 1))
    db.session.commit()
    return "retry"


def run_once(worker: str, batch: int = 50) -> dict[str, int]:
    """Claim one batch and deliver it; returns counts per outcome."""
    outcome: dict[str, int] = {}
    for message_id in claim(worker, batch):
        status = deliver(message_id, worker)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


def run_forever(batch: int, idle_seconds: float) -> None:
    worker = worker_name()
    log.info("outbox worker started", extra={"fields": {"worker": worker}})
    while True:
        try:
            outcome = run_once(worker, batch)
        except Exception:  # keep the worker alive across database hiccups
            log.exception("outbox batch failed")
            db.session.rollback()
            outcome = {}
        if outcome:
            log.info("outbox batch", extra={"fields": outcome})
        else:
            time.sleep(idle_seconds)


def backlog() -> dict[str, int]:
    rows = db.session.execute(
        select(OutboxMessage.status, db.func.count()).group_by(OutboxMessage.status)).all()
    return {status: count for status, count in rows}


