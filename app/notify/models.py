"""Outbox rows (sent later by the worker) and in-app messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import BigIntPK, CreatedAtMixin
from app.core.time import UTCDateTime, utcnow
from app.extensions import db

OUTBOX_STATUSES = ("pending", "sent", "failed", "parked", "skipped")


class OutboxMessage(CreatedAtMixin, db.Model):
    """A WeChat subscribe message to send; written in the transaction of the change it tells."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"status IN {OUTBOX_STATUSES}", name="status"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(48))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    page: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # a worker's lease: rows it claimed stay invisible to others until claimed_until
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the row holds one spent subscription credit (taken when its send began, in the same
    # commit): a send after a crash uses it instead of taking another; given back on a retry
    credit_held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SubscriptionCredit(db.Model):
    """One-time subscribe messages: each "accept" in the mini-program allows one send."""

    __tablename__ = "subscription_credits"
    __table_args__ = (CheckConstraint("credits >= 0", name="credits"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    credits: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InAppMessage(CreatedAtMixin, db.Model):
    """Every notice also lands here, whether or not WeChat delivered it."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(48))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    page: Mapped[str | None] = mapped_column(String(200))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
