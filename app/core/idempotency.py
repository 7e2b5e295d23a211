"""Idempotency-Key for unsafe POSTs: the same key and body replays the first response.

The record is claimed in its own committed transaction before the view runs, so two
instances receiving one key at once cannot both run it: the loser gets 409 while the first
is in flight and the stored response afterwards. The same key with another body is 422.
Keys are scoped to the caller (user id, or address when anonymous) and kept 24 hours.
5xx answers are not stored, so a retry after a server failure runs again.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, g, request
from sqlalchemy import (
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import BigIntPK
from app.core.ratelimit import user_or_ip
from app.core.time import UTCDateTime, utcnow
from app.errors import Conflict, Invalid
from app.extensions import db

KEY_PATTERN = re.compile(r'^"?[A-Za-z0-9_.:-]{8,255}"?$')


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scope: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.full_path.encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _claim(scope: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Insert the in-flight marker in its own transaction; return the existing record if any."""
    now = utcnow()
    ttl = timedelta(seconds=current_app.config["IDEMPOTENCY_TTL_SECONDS"])
    with db.engine.begin() as conn:
        conn.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key,
            IdempotencyRecord.expires_at < now))
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(IdempotencyRecord).values(
                scope=scope, key=key, fingerprint=fingerprint, created_at=now,
                expires_at=now + ttl))
        return None
    except IntegrityError:
        with db.engine.connect() as conn:
            row = conn.execute(select(IdempotencyRecord).where(
                IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)).first()
        return row


def before_request() -> Response | None:
    if request.method != "POST":
        return None
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    if not KEY_PATTERN.match(raw):
        raise Invalid("Idempotency-Key must be 8–255 letters, digits or ._:- characters.",
                      code="idempotency_key_invalid")
    key, scope, fingerprint = raw.strip('"'), user_or_ip()[:80], _fingerprint()
    existing = _claim(scope, key, fingerprint)
    if existing is None:
        g.idempotency = (scope, key)
        return None
    if existing.fingerprint != fingerprint:
        raise Invalid("This Idempotency-Key was used with a different request.",
                      code="idempotency_key_reused")
    if existing.status_code is None:
        raise Conflict("A request with this Idempotency-Key is still running.",
                       code="idempotency_in_progress", headers={"Retry-After": "1"})
    replay = Response(existing.body, status=existing.status_code,
                      content_type=existing.content_type)
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


def after_request(response: Response) -> Response:
    claimed = g.pop("idempotency", None)
    if claimed is None:
        return response
    scope, key = claimed
    where = (IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
    with db.engine.begin() as conn:
        if response.status_code >= 500:
            conn.execute(delete(IdempotencyRecord).where(*where))
        else:
            conn.execute(update(IdempotencyRecord).where(*where).values(
                status_code=response.status_code, content_type=response.content_type,
                body=response.get_data()))
    return response


def register_idempotency(app: Flask) -> None:
    app.before_request(before_request)
    app.after_request(after_request)
