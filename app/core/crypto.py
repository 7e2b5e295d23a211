"""Personal data at rest: AES-GCM field encryption with key rotation, keyed hashes, masking."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

PREFIX = "v1"


@dataclass(frozen=True)
class KeyRing:
    """Keys in order: the first encrypts, all decrypt (so old rows survive a rotation)."""

    keys: tuple[tuple[str, bytes], ...]
    hash_key: bytes

    @classmethod
    def from_config(cls, encryption_keys: str, hash_key: str | None = None) -> KeyRing:
        keys = []
        for raw in [part.strip() for part in encryption_keys.split(",") if part.strip()]:
            key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
            if len(key) != 32:
                raise ValueError("FIELD_ENCRYPTION_KEY entries must be 32 bytes, urlsafe base64")
            key_id = hashlib.sha256(key).hexdigest()[:8]
            keys.append((key_id, key))
        if not keys:
            raise ValueError("FIELD_ENCRYPTION_KEY is empty")
        if hash_key:
            derived = hash_key.encode()
        else:
            # Derived from the oldest key so lookups keep working after a rotation.
            derived = hmac.new(keys[-1][1], b"gonghui-field-hash", hashlib.sha256).digest()
        return cls(keys=tuple(keys), hash_key=derived)

    def encrypt(self, plaintext: str) -> str:
        key_id, key = self.keys[0]
        nonce = os.urandom(12)
        sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), key_id.encode())
        return f"{PREFIX}:{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str) -> str:
        prefix, key_id, payload = stored.split(":", 2)
        if prefix != PREFIX:
            raise ValueError("unknown ciphertext format")
        for candidate_id, key in self.keys:
            if candidate_id == key_id:
                raw = base64.urlsafe_b64decode(payload)
                return AESGCM(key).decrypt(raw[:12], raw[12:], key_id.encode()).decode("utf-8")
        raise ValueError("no key for this ciphertext; keep retired keys in FIELD_ENCRYPTION_KEY")

    def keyed_hash(self, value: str) -> str:
        return hmac.new(self.hash_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def keyring() -> KeyRing:
    """The running app's key ring (built once per app)."""
    ring = current_app.extensions.get("gonghui_keyring")
    if ring is None:
        ring = KeyRing.from_config(
            current_app.config["FIELD_ENCRYPTION_KEY"], current_app.config.get("FIELD_HASH_KEY")
        )
        current_app.extensions["gonghui_keyring"] = ring
    return ring


def keyed_hash(value: str) -> str:
    """Deterministic HMAC for equality lookups and uniqueness of encrypted values."""
    return keyring().keyed_hash(value)


class EncryptedString(TypeDecorator):
    """A text column whose value is sealed with AES-GCM; the database never sees plaintext."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else keyring().encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else keyring().decrypt(value)


def mask_middle(value: str | None, keep_start: int, keep_end: int) -> str | None:
    """Star the middle, keeping at most `keep_start` leading and `keep_end` trailing
    characters — and never more than half of the value (the end is kept first):
    4501**********1234, 1******5678, 8-digit 1234**** → ****5678."""
    if value is None:
        return None
    shown = len(value) // 2
    keep_end = min(keep_end, shown)
    keep_start = min(keep_start, shown - keep_end)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end:]


def mask_phone(value: str | None) -> str | None:
    return mask_middle(value, 3, 4)


def mask_id_number(value: str | None) -> str | None:
    return mask_middle(value, 4, 4)


def mask_bank_account(value: str | None) -> str | None:
    """At most the last four digits of an account: ***************3445."""
    return mask_middle(value, 0, 4)


def mask_name(value: str | None) -> str | None:
    """A person's name with only its first character: 张三 → 张*, 欧阳娜娜 → 欧***."""
    if value is None:
        return None
    return value[:1] + "*" * (len(value) - 1)
