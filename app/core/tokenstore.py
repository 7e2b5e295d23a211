"""WeChat access-token storage that survives Redis going away.

Redis is tried first (shared by every instance, with a lock so one refreshes); when it
fails the token is read from and written to the database, which every instance shares too.
stable_token in normal mode returns the same token to concurrent callers, so losing the
lock during an outage costs at most a few extra calls, never a broken token.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import redis
from sqlalchemy import Float, String, delete, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from wxclient import RedisTokenStore

log = logging.getLogger("gonghui.tokens")


class StoredToken(db.Model):
    __tablename__ = "wechat_tokens"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    token: Mapped[str] = mapped_column(String(1024))
    expires_at: Mapped[float] = mapped_column(Float)


class DatabaseTokenStore:
    """TokenStore on the `wechat_tokens` table, on its own connections (not the request's)."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def get(self, key: str) -> tuple[str, float] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(StoredToken.token, StoredToken.expires_at)
                               .where(StoredToken.key == key)).first()
        return (row[0], row[1]) if row else None

    def set(self, key: str, token: str, expires_at: float) -> None:
        with self.engine.begin() as conn:
            changed = conn.execute(update(StoredToken).where(StoredToken.key == key)
                                   .values(token=token, expires_at=expires_at)).rowcount
            if not changed:
                conn.execute(insert(StoredToken).values(key=key, token=token,
                                                        expires_at=expires_at))

    def delete(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(StoredToken).where(StoredToken.key == key))

    @contextlib.contextmanager
    def lock(self, key: str, timeout: float) -> Iterator[bool]:
        yield True


class FallbackTokenStore:
    """Redis first; the database when Redis errors."""

    def __init__(self, primary: RedisTokenStore, fallback: DatabaseTokenStore) -> None:
        self.primary, self.fallback = primary, fallback

    def _try(self, method: str, *args):
        try:
            return getattr(self.primary, method)(*args)
        except redis.RedisError as exc:
            log.warning("redis token store failed; using the database",
                        extra={"fields": {"error": type(exc).__name__}})
            return getattr(self.fallback, method)(*args)

    def get(self, key: str):
        return self._try("get", key)

    def set(self, key: str, token: str, expires_at: float) -> None:
        self._try("set", key, token, expires_at)
        # keep the database copy fresh so an outage starts with a valid token
        with contextlib.suppress(Exception):
            self.fallback.set(key, token, expires_at)

    def delete(self, key: str) -> None:
        self._try("delete", key)
        with contextlib.suppress(Exception):
            self.fallback.delete(key)

    @contextlib.contextmanager
    def lock(self, key: str, timeout: float) -> Iterator[bool]:
        held = self.primary.lock(key, timeout)
        try:
            got = held.__enter__()
        except redis.RedisError:
            yield True  # no shared lock during the outage; stable_token tolerates that
            return
        try:
            yield got
        finally:
            with contextlib.suppress(Exception):
                held.__exit__(None, None, None)
