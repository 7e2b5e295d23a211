"""Member card QR tokens: short-lived, Ed25519-signed, carrying no personal data.

    GHC1.<key id>.<payload>.<signature>

`payload` is base64url (no padding) of compact JSON `{"n": card number, "g": generation,
"s": status, "iat": issued, "exp": expires}` (Unix seconds); `signature` is base64url of the
Ed25519 signature over the ASCII text before the last dot. A verifier offline checks the
signature with the key of that id from `GET /api/v1/cards/keys` (app/cards/keys.py: the
current key and the ones retired by a rotation, until their grace ends) and `exp` against
its clock;
online (`POST /api/v1/cards/verify`) the generation and status are checked against the card
too, so a suspended or transferred membership's earlier codes stop verifying at once.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.cards import keys

PREFIX = "GHC1"
MAX_TOKEN_LENGTH = 400
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


def public_keys(now: datetime | None = None) -> list[dict]:
    """Every key that verifies now as a JWK (RFC 8037: kty OKP, crv Ed25519), the signing
    one marked, with the time after which no token it signed verifies (`not_after`; none
    for the current key)."""
    return [{"kid": key.kid, "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
             "x": b64encode(key.private.public_key().public_bytes(Encoding.Raw,
                                                                  PublicFormat.Raw)),
             "current": key.current, "not_after": key.not_after}
            for key in keys.ring(now)]


def sign(claims: Claims) -> str:
    key = keys.current_key(keys.ring())
    payload = json.dumps({"n": claims.number, "g": claims.generation, "s": claims.status,
                          "iat": claims.issued_at, "exp": claims.expires_at},
                         separators=(",", ":"), sort_keys=True).encode()
    head = f"{PREFIX}.{key.kid}.{b64encode(payload)}"
    return f"{head}.{b64encode(key.private.sign(head.encode()))}"


def verify_signature(token: str, public_key: Ed25519PublicKey | None = None, *,
                     now: int) -> Claims:
    """The claims of a well-formed, correctly signed, unexpired token; else `TokenError`.
    `public_key` is what an offline verifier holds; by default the key named in the token."""
    parts = token.split(".") if len(token) <= MAX_TOKEN_LENGTH else []
    if len(parts) != 4 or parts[0] != PREFIX or not keys.KID.match(parts[1]):
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
        known = {key.kid: key for key in keys.ring()}.get(kid)
        if known is None:
            raise TokenError("unknown_key")
        public_key = known.private.public_key()
    try:
        public_key.verify(signature, f"{PREFIX}.{kid}.{payload_text}".encode())
    except InvalidSignature:
        raise TokenError("forged") from None
    if claims.expires_at <= now:
        raise TokenError("expired")
    return claims
