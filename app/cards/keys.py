"""The card signing key ring: which keys sign and verify card tokens, and their rotation.

The ring lives in `card_signing_keys` once an operator has rotated (`flask gonghui cards
rotate-key`); before that it is CARD_SIGNING_KEYS from the config (CARD_SIGNING_KEY_ID, or the
last one listed, signs). A rotation makes a new current key and retires the one before with a
`not_after` of now + CARD_TOKEN_SECONDS: every token it signed expires by then, so offline
verifiers holding the published list never see a gap. A retired key stays published for
CARD_KEY_GRACE_SECONDS after `not_after` (verifiers that fetched the list just before the
rotation still find it), then it is dropped from the list and deleted at the next rotation.
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import delete, select, update

from app.cards.models import CardSigningKey
from app.core import audit
from app.core.db import serialise
from app.core.time import utcnow
from app.extensions import db

KID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey
    current: bool
    not_after: datetime | None  # None while current: its tokens' expiry is not known yet


def _private(kid: str, seed: str, source: str) -> Ed25519PrivateKey:
    if not KID.match(kid):
        raise RuntimeError(f"{source}: bad key id {kid!r}")
    seed = seed.rstrip("=")
    raw = base64.urlsafe_b64decode(seed + "=" * (-len(seed) % 4))
    if len(raw) != 32:
        raise RuntimeError(f"{source}[{kid!r}] is not a 32-byte seed")
    return Ed25519PrivateKey.from_private_bytes(raw)


def _configured() -> list[SigningKey]:
    keys = current_app.config["CARD_SIGNING_KEYS"]
    if not keys:
        raise RuntimeError("CARD_SIGNING_KEYS is empty")
    current = current_app.config.get("CARD_SIGNING_KEY_ID") or list(keys)[-1]
    if current not in keys:
        raise RuntimeError(f"CARD_SIGNING_KEY_ID {current!r} is not in CARD_SIGNING_KEYS")
    return [SigningKey(kid=kid, private=_private(kid, seed, "CARD_SIGNING_KEYS"),
                       current=kid == current, not_after=None)
            for kid, seed in keys.items()]


def _grace() -> timedelta:
    return timedelta(seconds=int(current_app.config["CARD_KEY_GRACE_SECONDS"]))


@cache
def _ring_query():
    """Built once: every card page and verification reads the keys."""
    return select(CardSigningKey).order_by(CardSigningKey.is_current.desc(),
                                           CardSigningKey.created_at.desc())


def ring(now: datetime | None = None) -> list[SigningKey]:
    """The keys that verify now (and are published), the current one first."""
    now = now or utcnow()
    rows = list(db.session.scalars(_ring_query()))
    if not rows:
        return sorted(_configured(), key=lambda key: not key.current)
    return [SigningKey(kid=row.kid, private=_private(row.kid, row.seed, "card_signing_keys"),
                       current=row.is_current, not_after=row.not_after)
            for row in rows if row.is_current or now < row.not_after + _grace()]


def current_key(keys: list[SigningKey]) -> SigningKey:
    for key in keys:
        if key.current:
            return key
    raise RuntimeError("card_signing_keys has no current key: run `flask gonghui cards "
                       "rotate-key`")


@dataclass(frozen=True)
class Rotation:
    kid: str
    retired: list[str]
    dropped: list[str]


def _new_kid(now: datetime) -> str:
    return f"{now:%Y%m%d}-{secrets.token_hex(4)}"


def rotate(now: datetime | None = None, *, revoke: bool = False) -> Rotation:
    """A new current key; the keys before it retire (not_after = now + CARD_TOKEN_SECONDS);
    keys past their grace are deleted. The first rotation takes the configured keys into the
    table, so tokens signed with them keep verifying until they expire. `revoke` (a leaked
    key): every earlier key is deleted at once, and every code it signed stops verifying."""
    now = now or utcnow()
    not_after = now + timedelta(seconds=int(current_app.config["CARD_TOKEN_SECONDS"]))
    # rotations run one at a time: the very first finds no row to lock, and two of them
    # would both copy the configured keys in (a duplicate kid); the unique partial index on
    # `is_current` stays the last line
    serialise("card-key-rotation")
    rows = list(db.session.scalars(select(CardSigningKey).with_for_update()))
    if not rows:
        _configured()  # refuses a broken configuration before anything is written
        configured = current_app.config["CARD_SIGNING_KEYS"]
        retired = list(configured)
        if not revoke:
            db.session.add_all(
                CardSigningKey(kid=kid, seed=seed.rstrip("="), is_current=False,
                               not_after=not_after, created_at=now)
                for kid, seed in configured.items())
    else:
        retired = [row.kid for row in rows if row.is_current]
        db.session.execute(
            update(CardSigningKey).where(CardSigningKey.is_current.is_(True))
            .values(is_current=False, not_after=not_after)
            .execution_options(synchronize_session=False))
    db.session.flush()
    dropped = [row.kid for row in rows
               if revoke or (not row.is_current and row.not_after + _grace() <= now)]
    if dropped:
        db.session.execute(delete(CardSigningKey).where(CardSigningKey.kid.in_(dropped)))
    if revoke and not rows:
        dropped = retired
    kid = _new_kid(now)
    seed = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    db.session.add(CardSigningKey(kid=kid, seed=seed, is_current=True, created_at=now))
    audit.record(actor_id=None, actor_role="operator", action="card.key_rotate",
                 target_type="card_signing_key", target_id=kid,
                 after={"retired": retired, "dropped": dropped, "revoke": revoke})
    db.session.commit()
    return Rotation(kid=kid, retired=retired, dropped=dropped)
