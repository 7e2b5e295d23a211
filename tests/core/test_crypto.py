"""Field encryption: authenticated, rotatable, with stable keyed hashes."""

from __future__ import annotations

import base64

import pytest
from cryptography.exceptions import InvalidTag

from app.core.crypto import KeyRing, mask_bank_account, mask_id_number, mask_phone

OLD = base64.urlsafe_b64encode(b"o" * 32).decode()
NEW = base64.urlsafe_b64encode(b"n" * 32).decode()


def test_rotation_reads_old_rows_and_writes_with_the_new_key():
    before = KeyRing.from_config(OLD)
    stored = before.encrypt("450121199001011234")
    rotated = KeyRing.from_config(f"{NEW},{OLD}")
    assert rotated.decrypt(stored) == "450121199001011234"
    fresh = rotated.encrypt("450121199001011234")
    assert fresh.split(":")[1] != stored.split(":")[1]       # new key id
    assert rotated.keyed_hash("x") == before.keyed_hash("x")  # lookups survive rotation
    with pytest.raises(ValueError, match="no key"):
        KeyRing.from_config(NEW).decrypt(stored)


def test_tampered_ciphertext_is_refused():
    ring = KeyRing.from_config(OLD)
    prefix, key_id, payload = ring.encrypt("13812345678").split(":")
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        ring.decrypt(f"{prefix}:{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode()}")


def test_same_plaintext_encrypts_differently():
    ring = KeyRing.from_config(OLD)
    assert ring.encrypt("6222020200112233445") != ring.encrypt("6222020200112233445")


def test_masks():
    assert mask_id_number("450121199001011234") == "4501**********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_bank_account("6222020200112233445") == "6222***********3445"
    assert mask_phone(None) is None
