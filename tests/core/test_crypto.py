"""Field encryption: authenticated, rotatable, with stable keyed hashes."""

from __future__ import annotations

import base64

import pytest
from cryptography.exceptions import InvalidTag

from app.core.crypto import KeyRing, mask_bank_account, mask_id_number, mask_phone
from app.core.personal_data import mask_name

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
    assert mask_phone("13812345678") == "1******5678"
    assert mask_bank_account("6222020200112233445") == "***************3445"
    assert mask_phone(None) is None


@pytest.mark.parametrize("mask", [mask_phone, mask_id_number, mask_bank_account])
@pytest.mark.parametrize("length", range(0, 25))
def test_a_mask_never_shows_more_than_half(mask, length):
    value = "".join(str(n % 10) for n in range(1, length + 1))
    masked = mask(value)
    assert len(masked) == length
    shown = sum(1 for char in masked if char != "*")
    assert shown <= length // 2
    assert masked.endswith(value[len(value) - min(4, length // 2):])  # the end is what helps


def test_short_phones_and_accounts_show_at_most_four_digits_and_half():
    assert mask_phone("12345678") == "****5678"  # an 8-digit landline: 4 of 8, not 7
    assert mask_bank_account("622202020011") == "********0011"  # a 12-digit account: last 4
    assert mask_bank_account("1234567") == "****567"


@pytest.mark.parametrize(("name", "masked"), [
    ("李", "*"), ("张三", "张*"), ("张小明", "张**"), ("欧阳小明", "欧***"),
    (None, None), ("", None)])
def test_names_are_masked_to_at_most_half(name, masked):
    assert mask_name(name) == masked
