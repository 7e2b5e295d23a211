"""Append-only audit log of decisions and personal-data reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import g, has_request_context
from sqlalchemy import JSON, BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import BigIntPK
from app.core.time import UTCDateTime, utcnow
from app.errors import Invalid
from app.extensions import db


class AuditRecord(db.Model):
    """Who did what, as which role over which org, with the state before and after.

    Nothing updates or deletes these rows; on PostgreSQL a trigger enforces it.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_org_created", "org_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    actor_role: Mapped[str | None] = mapped_column(String(16))
    org_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(48))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    field: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(128))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


def record(
    *,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: int | str,
    org_id: int | None = None,
    actor_role: str | None = None,
    field: str | None = None,
    reason: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditRecord:
    """Add an audit row to the caller's transaction (it commits with the change it records)."""
    if action.startswith("pii.") and not (reason and reason.strip()):
        # A read of whole personal values without a stated reason must be impossible,
        # whichever endpoint serves it (PIPL access log; see RELIABILITY.md §2).
        raise Invalid("Say why you need to see this personal data.",
                      details={"fields": {"reason": ["required"]}})
    entry = AuditRecord(
        actor_id=actor_id,
        actor_role=actor_role,
        org_id=org_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        field=field,
        reason=reason,
        request_id=getattr(g, "request_id", None) if has_request_context() else None,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
