"""Idempotency-Key for unsafe POSTs: the same key and body replays the first response.

The record is claimed in its own committed transaction before the view runs, so two
instances receiving one key at once cannot both run it: the loser gets 409 while the first
is in flight and the stored response afterwards. The same key with another body is 422.
Keys are scoped to the caller (user id; when anonymous, the address and a hash of the
User-Agent) and kept 24 hours (`flask gonghui retention` deletes expired ones; an account's
erasure deletes its own). 5xx answers are not stored, so a retry after a server failure runs
again; a claim still "in progress" after `IDEMPOTENCY_IN_PROGRESS_SECONDS` (a killed worker)
is taken over by the next retry.

Stored bodies are encrypted with the field keys. An answer that carries secrets (tokens,
whole personal numbers) is marked `Cache-Control: no-store` (`core.http.secret_response`)
and is never stored: only that it succeeded — a replay is 409 `idempotency_not_replayable`.
"""

from __future__ import annotations

import base64
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

from app.core.crypto import keyring
from app.core.db import BigIntPK
from app.core.personal_data import Erased, PersonalData, RetentionJob
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


def _scope() -> str:
    """The caller: `user:<id>`, or for anonymous calls the address with a hash of the
    User-Agent (many phones share one carrier or office address)."""
    caller = user_or_ip()
    if caller.startswith("user:"):
        return caller[:80]
    agent = hashlib.sha256(request.headers.get("User-Agent", "").encode()).hexdigest()[:16]
    return f"{caller[:60]}|{agent}"


def _claim(scope: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Insert the in-flight marker in its own transaction; return the existing record if any.
    An expired record, or a claim in progress for longer than a request may run (its worker
    was killed), is removed first."""
    now = utcnow()
    ttl = timedelta(seconds=current_app.config["IDEMPOTENCY_TTL_SECONDS"])
    abandoned = now - timedelta(seconds=current_app.config["IDEMPOTENCY_IN_PROGRESS_SECONDS"])
    with db.engine.begin() as conn:
        conn.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key,
            (IdempotencyRecord.expires_at < now)
            | (IdempotencyRecord.status_code.is_(None)
               & (IdempotencyRecord.created_at < abandoned))))
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
    key, scope, fingerprint = raw.strip('"'), _scope(), _fingerprint()
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
    body = _opened(existing.body)
    if body is None:
        raise Conflict("This request already succeeded. Its answer held secrets and was not "
                       "kept: ask for it again with a new Idempotency-Key.",
                       code="idempotency_not_replayable")
    replay = Response(body, status=existing.status_code, content_type=existing.content_type)
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


def _sealed(body: bytes) -> bytes:
    return keyring().encrypt(base64.b64encode(body).decode("ascii")).encode("ascii")


def _opened(stored: bytes | None) -> bytes | None:
    """The stored body, or None when it was not kept (or cannot be read any more)."""
    if stored is None:
        return None
    try:
        return base64.b64decode(keyring().decrypt(stored.decode("ascii")))
    except (ValueError, UnicodeDecodeError):  # a body from before encryption, a retired key
        return None


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
            secret = response.cache_control.no_store
            conn.execute(update(IdempotencyRecord).where(*where).values(
                status_code=response.status_code, content_type=response.content_type,
                body=None if secret else _sealed(response.get_data())))
    return response


# --- retention and erasure: the table is personal data like any other --------------------

def _expired(now: datetime) -> list[int]:
    return list(db.session.scalars(select(IdempotencyRecord.id).where(
        IdempotencyRecord.expires_at < now).order_by(IdempotencyRecord.id)))


def _purge(ids: list[int], now: datetime) -> list[str]:
    if ids:
        db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id.in_(ids)))
    return []


def _erase(user_id: int, now: datetime) -> Erased:
    mine = IdempotencyRecord.scope == f"user:{user_id}"
    gone = list(db.session.scalars(select(IdempotencyRecord.id).where(mine)))
    if gone:
        db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id.in_(gone)))
    return Erased(ids={"idempotency_keys": gone})


PERSONAL_DATA = PersonalData(
    domain="idempotency", erase=_erase,
    retention=(RetentionJob(kind="idempotency_keys", due=_expired, run=_purge),))


def register_idempotency(app: Flask) -> None:
    app.before_request(before_request)
    app.after_request(after_request)
