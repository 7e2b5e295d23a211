"""Login, token rotation with reuse detection, logout and phone binding."""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from flask import current_app, url_for
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import bindparam, case, select, update

import wxclient
from app.auth.models import LoginSession, RefreshToken, User
from app.core.crypto import keyed_hash
from app.core.db import commit_keeping_loaded, insert_unique
from app.core.i18n import N_
from app.core.ratelimit import RateLimited
from app.core.roles import Role
from app.core.time import utcnow
from app.core.wechat import check_user_text, wechat
from app.errors import AppError, Invalid, NotFound, ServiceUnavailable, Unauthorized
from app.extensions import db
from app.files.models import StoredFile
from app.files.storage import get_storage
from app.members.models import Membership
from app.orgs.models import OfficerRole, Org
from app.orgs.scope import grants_of

log = logging.getLogger("gonghui.auth")


@dataclass(frozen=True)
class MembershipState:
    """The caller's union membership as `GET /me` shows it: the live application (pending or
    approved) or else the latest one; `status` "none" when they never applied."""

    status: str
    id: int | None = None
    org: Org | None = None
    version: int | None = None


@dataclass
class Profile:
    """What /me and the login answer show about a user (the schema masks the phone)."""

    user: User
    grants: list[OfficerRole]
    membership: MembershipState
    # card verifier grants apart: `roles` stays the officer roles every screen reads as
    # "may act as an officer here"; station staff only check member cards
    verifier_grants: list[OfficerRole] = field(default_factory=list)


@dataclass
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    profile: Profile
    token_type: str = "Bearer"


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
        raise RateLimited("WeChat is rate limiting us; try again in a minute.",
                          headers={"Retry-After": "60"}) from None
    except (wxclient.SystemBusy, wxclient.TransportError, wxclient.TokenInvalid) as exc:
        log.warning("wechat unavailable", extra={"fields": {"errcode": exc.errcode}})
        raise ServiceUnavailable("WeChat is not answering; try again shortly.",
                                 code="wechat_unavailable", headers={"Retry-After": "5"}) from None


@cache
def _user_by_openid():
    """Built once: every login looks its user up."""
    return select(User).where(User.openid == bindparam("openid"))


def _upsert_user(openid: str, unionid: str | None) -> User:
    now = utcnow()
    user = db.session.scalar(_user_by_openid(), {"openid": openid})
    if user is None:
        # a first login inserts the user as it is after this login: no UPDATE after the INSERT
        user = User(openid=openid, unionid=unionid, last_login_at=now)
        if insert_unique(user):
            return user
        # two first logins at once: the other one created it
        user = db.session.scalar(_user_by_openid(), {"openid": openid})
    if unionid and user.unionid != unionid:
        user.unionid = unionid
    user.last_login_at = now
    return user


def _issue(user: User, session_id: str, *, successor: RefreshToken | None = None
           ) -> IssuedTokens:
    """A new access token and a refresh token: a new one, or again the `successor` a spent
    token was replaced by (the grace window; its row and expiry stay)."""
    claims = {"fam": session_id}
    now = utcnow()
    if successor is None:
        successor = RefreshToken(
            jti=str(uuid.uuid4()), session_id=session_id, issued_at=now,
            expires_at=now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"])
        db.session.add(successor)
    refresh = create_refresh_token(str(user.id), additional_claims={**claims,
                                                                    "jti": successor.jti},
                                   expires_delta=successor.expires_at - now)
    expires = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    access = create_access_token(str(user.id), additional_claims=claims)
    return IssuedTokens(access, refresh, int(expires.total_seconds()), profile(user))


def wx_login(*, code: str) -> IssuedTokens:
    """Exchange a wx.login code for our tokens, creating the user on first login."""
    session_info = _exchange_code(wechat().code_to_session, code)
    user = _upsert_user(session_info.openid, session_info.unionid)  # holds its id
    login = LoginSession(id=uuid.uuid4().hex, user_id=user.id)  # written with the tokens
    db.session.add(login)
    issued = _issue(user, login.id)
    commit_keeping_loaded()  # the answer shows the profile just read: no read-back
    return issued


def refresh(*, token_payload: dict) -> IssuedTokens:
    """Spend a refresh token for a new pair. The same token again within
    `REFRESH_REUSE_GRACE_SECONDS` (two tabs, a retry after a lost answer) answers a pair for
    the same successor; later, a second spend revokes the whole family."""
    jti, session_id = token_payload["jti"], token_payload["fam"]
    now = utcnow()
    user = db.session.get(User, int(token_payload["sub"]))
    successor = RefreshToken(jti=str(uuid.uuid4()), session_id=session_id, issued_at=now,
                             expires_at=now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"])
    # Conditional UPDATE: of two concurrent spends exactly one sees rowcount 1.
    spent = db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.jti == jti, RefreshToken.used_at.is_(None))
        .values(used_at=now, replaced_by=successor.jti)
    ).rowcount
    if spent == 1:
        db.session.add(successor)
        issued = _issue(user, session_id, successor=successor)
        commit_keeping_loaded()
        return issued
    again = _grace_successor(jti, now)
    if again is not None:
        return _issue(user, session_id, successor=again)
    _revoke_session(session_id, reason="refresh_reuse")
    db.session.commit()
    raise Unauthorized("This refresh token was already used; log in again.",
                       code="refresh_token_reused")


def _grace_successor(jti: str, now) -> RefreshToken | None:
    """The unspent successor of `jti` when `jti` was spent within the grace window."""
    grace = timedelta(seconds=current_app.config["REFRESH_REUSE_GRACE_SECONDS"])
    spent = db.session.get(RefreshToken, jti)
    if spent is None or spent.replaced_by is None or spent.used_at < now - grace:
        return None
    successor = db.session.get(RefreshToken, spent.replaced_by)
    return successor if successor is not None and successor.used_at is None else None


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


@cache
def _membership_state_query():
    """Built once (as the revocation check's): every profile answer runs it, and building
    the statement and its cache key again each time cost more than sending it."""
    live = case((Membership.status.in_(("pending", "approved")), 0), else_=1)
    return (select(Membership.id, Membership.status, Membership.version, Org)
            .join(Org, Org.id == Membership.org_id)
            .where(Membership.user_id == bindparam("user_id"))
            .order_by(live, Membership.id.desc()).limit(1))


def membership_state(user_id: int) -> MembershipState:
    """One statement: the live membership if any, else the latest, with its org."""
    row = db.session.execute(_membership_state_query(), {"user_id": user_id}).first()
    if row is None:
        return MembershipState("none")
    return MembershipState(row.status, row.id, row.Org, row.version)


def profile(user: User) -> Profile:
    """The user, their role grants (each with its org, loaded once per request) and their
    membership."""
    return Profile(user, [grant for grant, _ in grants_of(user.id)], membership_state(user.id),
                   [grant for grant, _ in grants_of(user.id, (Role.VERIFIER,))])


AVATAR_TYPES = ("image/jpeg", "image/png")
_UNCHANGED = object()


def update_profile(*, user: User, nickname: str | None = None,
                   avatar_file_id: int | None | object = _UNCHANGED) -> User:
    """The WeChat way: the nickname from `<input type="nickname">`, the picture from
    `chooseAvatar` uploaded through POST /files first. The picture must be one of the
    caller's own image uploads; it is then shown to others at a public URL (a new token per
    picture). `avatar_file_id` null removes the picture."""
    if nickname is not None:
        if not nickname.strip():
            raise Invalid("Enter a nickname.", details={"fields": {"nickname": ["blank"]}})
        if nickname.strip() != user.nickname:
            check_nickname(user, nickname.strip())
        user.nickname = nickname.strip()
    if avatar_file_id is None:
        user.avatar_file_id = user.avatar_token = None
    elif avatar_file_id is not _UNCHANGED:
        stored = db.session.get(StoredFile, avatar_file_id)
        if stored is None or stored.uploader_id != user.id or stored.content_type not in \
                AVATAR_TYPES:
            raise Invalid("Choose a JPEG or PNG picture you uploaded yourself as the avatar.",
                          code="avatar_not_own_image",
                          details={"fields": {"avatar_file_id": [
                              "not an image you uploaded"]}})
        if user.avatar_file_id != stored.id:
            user.avatar_file_id, user.avatar_token = stored.id, secrets.token_urlsafe(16)
    db.session.commit()
    return user


def check_nickname(user: User, nickname: str) -> None:
    """Other people see the nickname in team and bid lists, so it passes WeChat's content
    check (scene 1, 资料) here too, not only in the mini-program's nickname input. There is no
    officer review for a nickname: "review" is refused like "risky" (choose another one)."""
    check_user_text(nickname, openid=user.openid, field="nickname", scene=1,
                    message=N_("This nickname cannot be used; choose another one."),
                    code="nickname_rejected", refuse_review=True)


def avatar(token: str) -> tuple[StoredFile, bytes]:
    """A user's current picture by its public token; 404 once replaced, removed or erased."""
    stored = db.session.scalar(select(StoredFile).join(User, User.avatar_file_id == StoredFile.id)
                               .where(User.avatar_token == token))
    if stored is None:
        raise NotFound("No such picture.")
    try:
        return stored, get_storage().load(stored.storage_key)
    except FileNotFoundError:
        raise NotFound("No such picture.") from None


def avatar_url(user: User) -> str | None:
    """The absolute URL of the user's picture (an `<image src>` needs the host)."""
    if not user.avatar_token:
        return None
    return url_for("auth.AvatarView", token=user.avatar_token, _external=True)
