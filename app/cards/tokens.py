"""Member card QR tokens: short-lived, Ed25519-signed, carrying no personal data.

    GHC1.<key id>.<payload>.<signature>

`payload` is base64url (no padding) of compact JSON `{"n": card number, "g": generation,
"s": status, "iat": issued, "exp": expires}` (Unix seconds); `signature` is base64url of the
Ed25519 signature over the ASCII text before the last dot. A verifier offline checks the
signature with the key of that id from `GET /api/v1/cards/keys` and `exp` against its clock;
online (`POST /api/v1/cards/verify`) the generation and status are checked against the card
too, so a suspended or transferred membership's earlier codes stop verifying at once.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app

PREFIX = "GHC1"
MAX_TOKEN_LENGTH = 400
_KID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_B64 = re.compile(r"^[A-Za-z0-9_-]+$")


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64decode(text: str) -> bytes:
    if not _B64.match(text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Claims:
    number: str
    generation: int
    status: str
    issued_at: int
    expires_at: int


class TokenError(Exception):
    """Why a token does not verify: one of `models.VERDICTS`."""

    def __init__(self, verdict: str) -> None:
        super().__init__(verdict)
        self.verdict = verdict


def _private_keys() -> dict[str, Ed25519PrivateKey]:
    keys = {}
    for kid, seed in current_app.config["CARD_SIGNING_KEYS"].items():
        if not _KID.match(kid):
            raise RuntimeError(f"CARD_SIGNING_KEYS: bad key id {kid!r}")
        raw = b64decode(seed.rstrip("="))
        if len(raw) != 32:
            raise RuntimeError(f"CARD_SIGNING_KEYS[{kid!r}] is not a 32-byte seed")
        keys[kid] = Ed25519PrivateKey.from_private_bytes(raw)
    if not keys:
        raise RuntimeError("CARD_SIGNING_KEYS is empty")
    return keys


def current_key_id() -> str:
    keys = current_app.config["CARD_SIGNING_KEYS"]
    kid = current_app.config.get("CARD_SIGNING_KEY_ID") or list(keys)[-1]
    if kid not in keys:
        raise RuntimeError(f"CARD_SIGNING_KEY_ID {kid!r} is not in CARD_SIGNING_KEYS")
    return kid


def public_keys() -> list[dict]:
    """Every key as a JWK (RFC 8037: kty OKP, crv Ed25519), the signing one marked."""
    current = current_key_id()
    return [{"kid": kid, "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
             "x": b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)),
             "current": kid == current}
            for kid, key in _private_keys().items()]


def sign(claims: Claims) -> str:
    kid = current_key_id()
    payload = json.dumps({"n": claims.number, "g": claims.generation, "s": claims.status,
                          "iat": claims.issued_at, "exp": claims.expires_at},
                         separators=(",", ":"), sort_keys=True).encode()
    head = f"{PREFIX}.{kid}.{b64encode(payload)}"
    return f"{head}.{b64encode(_private_keys()[kid].sign(head.encode()))}"


def verify_signature(token: str, public_key: Ed25519PublicKey | None = None, *,
                     now: int) -> Claims:
    """The claims of a well-formed, correctly signed, unexpired token; else `TokenError`.
    `public_key` is what an offline verifier holds; by default the key named in the token."""
    parts = token.split(".") if len(token) <= MAX_TOKEN_LENGTH else []
    if len(parts) != 4 or parts[0] != PREFIX or not _KID.match(parts[1]):
        raise TokenError("malformed")
    _, kid, payload_text, signature_text = parts
    try:
        payload = json.loads(b64decode(payload_text))
        signature = b64decode(signature_text)
        claims = Claims(number=payload["n"], generation=payload["g"], status=payload["s"],
                        issued_at=payload["iat"], expires_at=payload["exp"])
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise TokenError("malformed") from None
    if not (isinstance(claims.number, str) and isinstance(claims.generation, int)
            and isinstance(claims.expires_at, int) and isinstance(claims.status, str)):
        raise TokenError("malformed")
    if public_key is None:
        private = _private_keys().get(kid)
        if private is None:
            raise TokenError("unknown_key")
        public_key = private.public_key()
    try:
        public_key.verify(signature, f"{PREFIX}.{kid}.{payload_text}".encode())
    except InvalidSignature:
        raise TokenError("forged") from None
    if claims.expires_at <= now:
        raise TokenError("expired")
    return claims
