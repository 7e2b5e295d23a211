"""Users and login sessions (refresh-token families)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.crypto import EncryptedString, keyed_hash
from app.core.db import BigIntPK, CreatedAtMixin
from app.core.time import UTCDateTime
from app.extensions import db

ANONYMOUS_NAME = "微信用户"


class User(CreatedAtMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (Index("uq_users_avatar_token", "avatar_token", unique=True),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(64))
    nickname: Mapped[str | None] = mapped_column(String(64))
    # the profile picture: one of the user's own image uploads, served publicly at
    # /avatars/<avatar_token> (a new token for each new picture, so the URL is cacheable);
    # no foreign key: a deleted file simply stops being served
    avatar_file_id: Mapped[int | None] = mapped_column(BigInteger)
    avatar_token: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(EncryptedString())
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def display_name(self) -> str:
        """What lists show for the user: the nickname, else "微信用户" and four digits that
        stay the same for this user (WeChat's own word for a user without a profile; the
        digits tell two of them apart in a team list and reveal nothing)."""
        if self.nickname:
            return self.nickname
        return f"{ANONYMOUS_NAME}{int(keyed_hash(f'user:{self.id}')[:8], 16) % 10000:04d}"


class LoginSession(CreatedAtMixin, db.Model):
    """One WeChat login: every access and refresh token it spawns shares this family id."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class RefreshToken(db.Model):
    """A refresh token is spent once; presenting a spent one revokes its whole family —
    unless it was spent a moment ago (two tabs, a retry after a lost answer): then it answers
    a pair for the same successor (RFC 9700 §4.14.2 allows such a grace period)."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("login_sessions.id", ondelete="CASCADE"), index=True
    )
    # never read; it tells the unit of work to write a new login session before its first
    # token when both go in one flush (it orders tables by relationships, not foreign keys)
    login: Mapped[LoginSession] = relationship(lazy="raise")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the token issued when this one was spent: presented again within the grace window,
    # this one answers a pair for that successor instead of revoking the login
    replaced_by: Mapped[str | None] = mapped_column(String(36))
