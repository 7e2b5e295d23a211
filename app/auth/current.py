"""The logged-in user of the current request, and the JWT callbacks that find it."""

from __future__ import annotations

from functools import cache

from flask import Flask, g
from flask_jwt_extended import get_jwt, get_jwt_identity
from sqlalchemy import bindparam, select

from app.auth.models import LoginSession, User
from app.core.http import verify_token
from app.errors import Unauthorized, envelope
from app.extensions import db, jwt
from app.orgs.models import OfficerRole, Org
from app.orgs.scope import remember_grants


def current_user() -> User:
    """The user behind the access token; routes call this after `blp.auth()`."""
    user = getattr(g, "current_user", None)
    if user is None:
        identity = get_jwt_identity()
        if identity is None:
            raise Unauthorized("Log in first.")
        user = db.session.get(User, int(identity)) if str(identity).isdecimal() else None
        if user is None:
            raise Unauthorized("This account no longer exists.", code="token_invalid")
        g.current_user = user
        g.user_id = user.id
    return user


def optional_user() -> User | None:
    """The user when a valid token came with the request, else None (public endpoints)."""
    return current_user() if verify_token(optional=True) else None


def current_session_id() -> str:
    return get_jwt()["fam"]


@cache
def _session_and_user():
    """The revocation check's statement, built once: every authenticated request runs it, and
    building it (and its cache key) again each time cost about as much as sending it. It also
    loads the user and their role grants (one row per grant; one row without grants), which
    officer screens need next (`orgs.scope.grants_of` finds them in the request cache)."""
    grants = OfficerRole.__table__.join(Org.__table__, Org.id == OfficerRole.org_id)
    return (select(LoginSession.revoked_at, User, OfficerRole, Org)
            .join(User, User.id == LoginSession.user_id)
            .outerjoin(grants, OfficerRole.user_id == User.id)
            .where(LoginSession.id == bindparam("family"))
            .order_by(Org.path, OfficerRole.role))


def register_jwt_callbacks(app: Flask) -> None:
    """Revocation check and 401 envelopes for every token failure."""

    @jwt.token_in_blocklist_loader
    def token_revoked(_header, payload) -> bool:
        """One query answers both "is this login revoked?" and "who is it?". A token whose
        claims do not fit together (another user's login, claims of the wrong type) is
        invalid: only a holder of the signing key could have made it."""
        family, subject = payload.get("fam"), payload.get("sub")
        if not isinstance(family, str) or not isinstance(subject, str) or len(family) > 64:
            raise Unauthorized("The token is invalid.", code="token_invalid")
        rows = db.session.execute(_session_and_user(), {"family": family}).all()
        if not rows or rows[0].revoked_at is not None:
            return True
        user = rows[0].User
        if str(user.id) != subject:
            raise Unauthorized("The token is invalid.", code="token_invalid")
        g.current_user = user
        g.user_id = user.id
        remember_grants(user.id, [(row.OfficerRole, row.Org) for row in rows
                                  if row.OfficerRole is not None])
        return False

    def unauthorized(code: str, message: str):
        return envelope(401, code, message, headers={"WWW-Authenticate": "Bearer"})

    jwt.unauthorized_loader(lambda reason: unauthorized("unauthorized", "Log in first."))
    jwt.invalid_token_loader(lambda reason: unauthorized("token_invalid", "The token is invalid."))
    jwt.expired_token_loader(lambda h, p: unauthorized("token_expired", "The token has expired."))
    jwt.revoked_token_loader(lambda h, p: unauthorized("token_revoked", "The token was revoked."))
    jwt.needs_fresh_token_loader(lambda h, p: unauthorized("token_invalid", "Log in again."))
    jwt.user_lookup_error_loader(lambda h, p: unauthorized("token_invalid", "Unknown user."))
