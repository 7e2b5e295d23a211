"""Login, token rotation with reuse detection, logout and phone binding."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import select, update

import wxclient
from app.auth.models import LoginSession, RefreshToken, User
from app.core.crypto import keyed_hash
from app.core.db import insert_unique
from app.core.i18n import N_
from app.core.time import utcnow
from app.core.wechat import wechat
from app.errors import AppError, Invalid, ServiceUnavailable, Unauthorized
from app.extensions import db
from app.orgs.models import OfficerRole
from app.orgs.scope import grants_of

log = logging.getLogger("gonghui.auth")


@dataclass
class Profile:
    """What /me and the login answer show about a user (the schema masks the phone)."""

    user: User
    grants: list[OfficerRole]


@dataclass
class IssuedTokens:
    user: User
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"

    @property
    def profile(self) -> Profile:
        return profile(self.user)


def _login_code_invalid() -> AppError:
    return Unauthorized("The WeChat code is invalid or already used.", code="wechat_code_invalid")


def _phone_code_invalid() -> AppError:
    # the caller is logged in: a bad code is a bad field (422), never 401 ("logged out")
    return Invalid("The phone number code is invalid or already used; ask for the phone "
                   "number again.", code="phone_code_invalid",
                   details={"fields": {"code": [N_("invalid or already used")]}})


def _exchange_code(call, *args, invalid=_login_code_invalid):
    """Call WeChat and translate its failures into our envelope codes."""
    try:
        return call(*args)
    except wxclient.InvalidCode:
        raise invalid() from None
    except wxclient.RateLimited:
        raise AppError("WeChat is rate limiting us; try again in a minute.", code="rate_limited",
                       headers={"Retry-After": "60"}) from None
    except (wxclient.SystemBusy, wxclient.TransportError, wxclient.TokenInvalid) as exc:
        log.warning("wechat unavailable", extra={"fields": {"errcode": exc.errcode}})
        raise ServiceUnavailable("WeChat is not answering; try again shortly.",
                                 code="wechat_unavailable", headers={"Retry-After": "5"}) from None


def _upsert_user(openid: str, unionid: str | None) -> User:
    user = db.session.scalar(select(User).where(User.openid == openid))
    if user is None:
        user = User(openid=openid, unionid=unionid)
        if not insert_unique(user):  # two first logins at once: the other one created it
            user = db.session.scalar(select(User).where(User.openid == openid))
    if unionid and user.unionid != unionid:
        user.unionid = unionid
    user.last_login_at = utcnow()
    return user


def _issue(user: User, session_id: str) -> IssuedTokens:
    claims = {"fam": session_id}
    refresh_jti = str(uuid.uuid4())
    refresh = create_refresh_token(str(user.id), additional_claims={**claims, "jti": refresh_jti})
    now = utcnow()
    db.session.add(RefreshToken(
        jti=refresh_jti, session_id=session_id, issued_at=now,
        expires_at=now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"],
    ))
    expires = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    access = create_access_token(str(user.id), additional_claims=claims)
    return IssuedTokens(user, access, refresh, int(expires.total_seconds()))


def wx_login(*, code: str) -> IssuedTokens:
    """Exchange a wx.login code for our tokens, creating the user on first login."""
    session_info = _exchange_code(wechat().code_to_session, code)
    user = _upsert_user(session_info.openid, session_info.unionid)
    db.session.flush()
    login = LoginSession(id=uuid.uuid4().hex, user_id=user.id)
    db.session.add(login)
    db.session.flush()
    issued = _issue(user, login.id)
    db.session.commit()
    return issued


def refresh(*, token_payload: dict) -> IssuedTokens:
    """Spend a refresh token for a new pair; a second spend revokes the whole family."""
    jti, session_id = token_payload["jti"], token_payload["fam"]
    # Conditional UPDATE: of two concurrent spends exactly one sees rowcount 1.
    spent = db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.jti == jti, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if spent != 1:
        _revoke_session(session_id, reason="refresh_reuse")
        db.session.commit()
        raise Unauthorized("This refresh token was already used; log in again.",
                           code="refresh_token_reused")
    user = db.session.get(User, int(token_payload["sub"]))
    issued = _issue(user, session_id)
    db.session.commit()
    return issued


def _revoke_session(session_id: str, *, reason: str) -> None:
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.id == session_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


def logout(*, session_id: str) -> None:
    """Revoke every token of this login."""
    _revoke_session(session_id, reason="logout")
    db.session.commit()


def revoke_all_sessions(*, user_id: int, reason: str) -> None:
    """Used when roles change or an account is cancelled: all devices log in again."""
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


def lock_account(user_id: int) -> None:
    """Serialise changes to one account on its user row (PostgreSQL; a no-op on SQLite)."""
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def bind_phone(*, user: User, code: str) -> User:
    """Store the phone number WeChat vouches for, encrypted with a lookup hash."""
    info = _exchange_code(wechat().get_phone_number, code, invalid=_phone_code_invalid)
    user.phone = info.pure_phone_number
    user.phone_hash = keyed_hash(info.pure_phone_number)
    db.session.commit()
    return user


def profile(user: User) -> Profile:
    """The user and their role grants (each with its org, loaded once per request)."""
    return Profile(user, [grant for grant, _ in grants_of(user.id)])
