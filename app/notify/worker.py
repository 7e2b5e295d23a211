"""The outbox worker: claims due rows with a lease, sends subscribe messages, records results.

Delivery is at least once, and a crash costs at most one duplicate, never a message:

* A worker claims a batch in one short transaction (on PostgreSQL with FOR UPDATE SKIP
  LOCKED, so several workers never claim the same row).
* Before each send one commit spends the user's subscription credit, marks the row as holding
  it (``credit_held``), counts the attempt and renews the row's lease (``OUTBOX_LEASE_SECONDS``
  from now: far longer than one send can take with the client's timeouts, so a live worker
  never loses a row mid-send).
* The outcome is one more commit: ``sent``/``failed`` keep the credit spent, a retry gives it
  back in the same transaction that reschedules the row.
* A worker killed mid-send leaves the row pending, claimed and holding its credit. When the
  lease ends the next worker claims it and sends with the held credit, taking no second one.
  If WeChat had accepted the killed worker's send, that resend is the one duplicate; if not,
  it is the delivery. A row whose sends keep killing workers is parked after
  ``OUTBOX_MAX_ATTEMPTS``, its credit given back.
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


def _mine(message_id: int, worker: str):
    return update(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker
    ).execution_options(synchronize_session=False)


def _finish(message_id: int, worker: str, **values) -> None:
    db.session.execute(_mine(message_id, worker).values(
        claimed_by=None, claimed_until=None, credit_held=False, **values))
    db.session.commit()


def _begin_send(message: OutboxMessage, worker: str, template_id: str) -> bool:
    """One commit: the credit (unless the row holds one from a crashed send), the attempt and
    a fresh lease. False when there is no credit to spend."""
    if not message.credit_held and not _spend_credit(message.user_id, template_id):
        return False
    lease = utcnow() + timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    db.session.execute(_mine(message.id, worker).values(
        credit_held=True, attempts=OutboxMessage.attempts + 1, claimed_until=lease))
    db.session.commit()
    return True


def _give_back(message: OutboxMessage, worker: str, template_id: str, **values) -> None:
    """End the attempt without a delivery: the row's credit goes back in the same commit."""
    released = db.session.execute(
        _mine(message.id, worker).where(OutboxMessage.credit_held.is_(True))
        .values(claimed_by=None, claimed_until=None, credit_held=False, **values)).rowcount
    if released:
        db.session.execute(
            update(SubscriptionCredit)
            .where(SubscriptionCredit.user_id == message.user_id,
                   SubscriptionCredit.template_id == template_id)
            .values(credits=SubscriptionCredit.credits + 1, updated_at=utcnow()))
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
    template_id = template["template_id"]
    if message.credit_held and message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        # every send of this row so far died with its worker: stop trying
        _give_back(message, worker, template_id, status="parked",
                   last_error="the worker stopped while sending, too often")
        return "parked"
    if not _begin_send(message, worker, template_id):
        _finish(message_id, worker, status="skipped", last_error="no template or subscription")
        return "skipped"
    db.session.refresh(message)
    try:
        wechat().send_subscribe_message(
            user.openid, template_id, values, page=message.page,
            miniprogram_state=current_app.config["WECHAT_MINIPROGRAM_STATE"])
    except wxclient.CircuitOpen as exc:
        # nothing went out: not an attempt; come back when the breaker lets a probe through
        return _retry_later(message, worker, template_id, f"{exc.errcode} {exc.errmsg}",
                            counted=False)
    except (wxclient.NotSubscribed, wxclient.TemplateError) as exc:
        _finish(message_id, worker, status="failed", last_error=f"{exc.errcode} {exc.errmsg}"[:500])
        return "failed"
    except RETRYABLE as exc:
        return _retry_later(message, worker, template_id, f"{exc.errcode} {exc.errmsg}")
    except wxclient.WeChatError as exc:
        _finish(message_id, worker, status="failed", last_error=f"{exc.errcode} {exc.errmsg}"[:500])
        return "failed"
    _finish(message_id, worker, status="sent", sent_at=utcnow(), last_error=None)
    return "sent"


def _retry_later(message: OutboxMessage, worker: str, template_id: str, error: str, *,
                 counted: bool = True) -> str:
    """Reschedule (or park) the row and give its credit back: it was not delivered."""
    attempts = message.attempts if counted else message.attempts - 1
    if counted and attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        _give_back(message, worker, template_id, status="parked", last_error=error[:500])
        return "parked"
    if counted:
        delay = min(3600, 30 * 2 ** (attempts - 1))
    else:
        delay = max(1.0, float(wechat().breaker.cooldown))
    _give_back(message, worker, template_id, attempts=attempts, last_error=error[:500],
               next_attempt_at=utcnow() + timedelta(seconds=delay))
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


