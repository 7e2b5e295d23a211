"""Card signing key rotation (`flask gonghui cards rotate-key`): tokens carry the key id, the
published list keeps the retired key until its tokens expired and a grace passed, offline
verifiers keep working across a rotation, unknown and forged key ids are refused."""

from __future__ import annotations

import json
import time
from datetime import datetime

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text

from app.cards.models import CardSigningKey
from app.core.audit import AuditRecord
from app.extensions import db
from tests.cards.test_cards import _b64, _unb64, offline_check
from tests.factories.cards import my_card, verify


def rotate(app) -> dict:
    result = app.test_cli_runner().invoke(args=["gonghui", "cards", "rotate-key"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def published(client) -> dict:
    response = client.get("/api/v1/cards/keys")
    assert response.status_code == 200
    return response.get_json()


def verdict(client, as_user, token: str) -> str:
    return verify(client, as_user("village1_approver"), token).get_json()["verdict"]


def test_a_token_signed_before_a_rotation_verifies_after_it_online_and_offline(
        app, client, as_user, member, clock):
    old = my_card(client, as_user("applicant"))["token"]["token"]
    assert old.split(".")[1] == "test-1"
    cached = published(client)  # what an offline verifier fetched before the rotation
    rotation = rotate(app)
    assert rotation["retired"] == ["test-1"] and rotation["dropped"] == []
    keys = published(client)
    listed = {key["kid"]: key for key in keys["keys"]}
    assert set(listed) == {"test-1", rotation["kid"]}
    assert listed[rotation["kid"]]["current"] is True
    assert listed[rotation["kid"]]["not_after"] is None
    assert listed["test-1"]["current"] is False
    not_after = datetime.fromisoformat(listed["test-1"]["not_after"])
    assert not_after.utcoffset().total_seconds() == 8 * 3600  # Asia/Shanghai
    assert not_after.timestamp() == pytest.approx(time.time() + 120, abs=1)
    # the old key's token still verifies, online and with either list offline
    assert verdict(client, as_user, old) == "valid"
    assert offline_check(cached, old, time.time())["s"] == "active"
    assert offline_check(keys, old, time.time())["s"] == "active"
    # new tokens carry the new key id and verify with the list fetched after the rotation
    new = my_card(client, as_user("applicant"))["token"]["token"]
    assert new.split(".")[1] == rotation["kid"]
    assert verdict(client, as_user, new) == "valid"
    assert offline_check(keys, new, time.time())["s"] == "active"
    with pytest.raises(StopIteration):  # the stale list lacks the new key: fetch it again
        offline_check(cached, new, time.time())
    # and no token the old key signed outlives its not_after
    assert json.loads(_unb64(old.split(".")[2]))["exp"] <= not_after.timestamp()


def test_the_retired_key_is_dropped_after_its_tokens_expired_and_the_grace(
        app, client, as_user, member, clock):
    old = my_card(client, as_user("applicant"))["token"]["token"]
    first = rotate(app)
    clock.shift(121)  # every token of test-1 has expired; the key is still published
    assert verdict(client, as_user, old) == "expired"
    assert {key["kid"] for key in published(client)["keys"]} == {"test-1", first["kid"]}
    clock.shift(app.config["CARD_KEY_GRACE_SECONDS"])
    assert [key["kid"] for key in published(client)["keys"]] == [first["kid"]]
    assert verdict(client, as_user, old) == "unknown_key"
    # the next rotation deletes it (its seed with it) and retires the first rotated key
    second = rotate(app)
    assert second["dropped"] == ["test-1"] and second["retired"] == [first["kid"]]
    with app.app_context():
        kids = set(db.session.scalars(select(CardSigningKey.kid)))
        assert kids == {first["kid"], second["kid"]}
        actions = list(db.session.scalars(
            select(AuditRecord.target_id).where(AuditRecord.action == "card.key_rotate")
            .order_by(AuditRecord.id)))
        assert actions == [first["kid"], second["kid"]]
    # the configured key no longer counts once the ring is in the database
    assert [key["kid"] for key in published(client)["keys"]] == [second["kid"], first["kid"]]


def test_a_token_with_an_unknown_key_id_is_refused(app, client, as_user, member):
    rotate(app)
    token = my_card(client, as_user("applicant"))["token"]["token"]
    prefix, _, payload, _ = token.split(".")
    stranger = Ed25519PrivateKey.generate()
    head = f"{prefix}.nobody-1.{payload}"
    unknown = f"{head}.{_b64(stranger.sign(head.encode()))}"
    assert verdict(client, as_user, unknown) == "unknown_key"
    with pytest.raises(StopIteration):
        offline_check(published(client), unknown, time.time())


def test_a_forged_key_id_is_refused(app, client, as_user, member):
    """A token moved to another published key id: its signature is over the key id too."""
    old = my_card(client, as_user("applicant"))["token"]["token"]
    rotation = rotate(app)
    new = my_card(client, as_user("applicant"))["token"]["token"]
    keys = published(client)
    for token, other in ((old, rotation["kid"]), (new, "test-1")):
        prefix, _, payload, signature = token.split(".")
        moved = ".".join([prefix, other, payload, signature])
        assert verdict(client, as_user, moved) == "forged"
        with pytest.raises(InvalidSignature):
            offline_check(keys, moved, time.time())
    assert verdict(client, as_user, old) == verdict(client, as_user, new) == "valid"


def test_rotated_seeds_are_sealed_in_the_database(app, client, as_user, member):
    rotation = rotate(app)
    with app.app_context():
        stored = dict(db.session.execute(text("SELECT kid, seed FROM card_signing_keys")).all())
        assert set(stored) == {"test-1", rotation["kid"]}
        assert app.config["CARD_SIGNING_KEYS"]["test-1"] not in stored["test-1"]
        assert all(seed.startswith("v1:") for seed in stored.values())
        current = db.session.scalars(
            select(CardSigningKey).where(CardSigningKey.is_current.is_(True))).all()
        assert [key.kid for key in current] == [rotation["kid"]]


def test_revoking_rotation_stops_every_earlier_code_at_once(app, client, as_user, member):
    old = my_card(client, as_user("applicant"))["token"]["token"]
    first = rotate(app)
    between = my_card(client, as_user("applicant"))["token"]["token"]
    result = app.test_cli_runner().invoke(args=["gonghui", "cards", "rotate-key", "--revoke"])
    assert result.exit_code == 0, result.output
    revoked = json.loads(result.output)
    assert sorted(revoked["dropped"]) == sorted(["test-1", first["kid"]])
    assert [key["kid"] for key in published(client)["keys"]] == [revoked["kid"]]
    assert verdict(client, as_user, old) == verdict(client, as_user, between) == "unknown_key"
    assert verdict(client, as_user, my_card(client, as_user("applicant"))["token"]["token"]) \
        == "valid"


def test_a_first_rotation_that_revokes_drops_the_configured_keys(app, client, as_user, member):
    old = my_card(client, as_user("applicant"))["token"]["token"]
    result = app.test_cli_runner().invoke(args=["gonghui", "cards", "rotate-key", "--revoke"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["dropped"] == ["test-1"]
    assert verdict(client, as_user, old) == "unknown_key"
    assert len(published(client)["keys"]) == 1


@pytest.mark.postgres
def test_two_first_rotations_at_once_both_succeed_one_after_the_other(app):
    """The very first rotation finds no row to lock: two at once would both copy the
    configured keys in and one would fail on the duplicate kid; they run one at a time."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from app.cards import keys

    configured = set(app.config["CARD_SIGNING_KEYS"])
    barrier = threading.Barrier(2)

    def one(_):
        with app.app_context():
            barrier.wait()
            try:
                return keys.rotate()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        rotations = list(pool.map(one, range(2)))
    with app.app_context():
        rows = list(db.session.scalars(select(CardSigningKey)))
        current = [row.kid for row in rows if row.is_current]
        assert len(current) == 1 and current[0] in {r.kid for r in rotations}
        assert sorted(r.kid for r in rows) == sorted(configured | {r.kid for r in rotations})
        # the second saw the first's key and retired it; the configured keys were copied once
        first, second = sorted(rotations, key=lambda r: r.kid != current[0], reverse=True)
        assert second.retired == [first.kid] and set(first.retired) == configured
