"""Member cards: the card, its QR token online and offline, expiry, suspension, forgery,
key rotation, and the card following a transfer."""

from __future__ import annotations

import base64
import json
import time

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from tests.factories.cards import my_card, verify, with_signature_altered


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def offline_check(keys: dict, token: str, now: float) -> dict:
    """What a verifier's own device does with the published keys: no call to us."""
    prefix, kid, payload, signature = token.split(".")
    assert prefix == "GHC1"
    jwk = next(key for key in keys["keys"] if key["kid"] == kid)
    assert (jwk["kty"], jwk["crv"]) == ("OKP", "Ed25519")
    public = Ed25519PublicKey.from_public_bytes(_unb64(jwk["x"]))
    public.verify(_unb64(signature), f"{prefix}.{kid}.{payload}".encode())  # raises if forged
    claims = json.loads(_unb64(payload))
    if claims["exp"] <= now:
        raise ValueError("expired")
    return claims


def test_card_has_number_name_org_join_date_and_a_token(client, as_user, member):
    card = my_card(client, as_user("applicant"))
    assert card["number"].startswith("GH2026") and len(card["number"]) == 16
    assert card["number_printed"] == " ".join(
        card["number"][i:i + 4] for i in range(0, 16, 4))
    assert card["real_name"] == "张三丰" and card["org"]["name"] == "甲村"
    assert card["status"] == "active" and card["status_label"] == "有效"
    assert card["membership_id"] == member["id"] and card["joined_at"]
    assert card["token"]["refresh_after_seconds"] == 60
    # the same card on every call, a fresh token each time it is signed
    assert my_card(client, as_user("applicant"))["id"] == card["id"]


def test_the_token_carries_no_personal_data(client, as_user, member):
    token = my_card(client, as_user("applicant"))["token"]["token"]
    claims = json.loads(_unb64(token.split(".")[2]))
    assert set(claims) == {"n", "g", "s", "iat", "exp"}
    assert "张" not in token and "320922" not in json.dumps(claims)


def test_no_card_without_an_approved_membership(client, tree, as_user):
    response = client.get("/api/v1/me/card", headers=as_user("plain"))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_a_member"
    assert client.get("/api/v1/me/card").status_code == 401


def test_token_verifies_online_with_masked_details(client, as_user, member, merchant):
    token = my_card(client, as_user("applicant"))["token"]["token"]
    for verifier in ("village1_approver", merchant, "town2_approver"):
        answer = verify(client, as_user(verifier), token)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        assert body["valid"] is True and body["verdict"] == "valid"
        assert body["masked_name"] == "张**" and body["org"]["name"] == "甲村"
        assert body["status"] == "active" and body["verdict_label"] == "会员卡有效"


def test_token_verifies_offline_with_the_published_key(client, as_user, member, clock):
    keys = client.get("/api/v1/cards/keys").get_json()  # public: no login
    assert [key["kid"] for key in keys["keys"]] == ["test-1"] and keys["keys"][0]["current"]
    token = my_card(client, as_user("applicant"))["token"]["token"]
    claims = offline_check(keys, token, time.time())
    assert claims["s"] == "active"
    assert claims["exp"] - claims["iat"] == keys["token_lifetime_seconds"] == 120


def test_token_stops_verifying_after_expiry(client, as_user, member, clock):
    keys = client.get("/api/v1/cards/keys").get_json()
    token = my_card(client, as_user("applicant"))["token"]["token"]
    clock.shift(119)
    assert verify(client, as_user("village1_approver"), token).get_json()["valid"] is True
    clock.shift(2)
    answer = verify(client, as_user("village1_approver"), token).get_json()
    assert answer == {**answer, "valid": False, "verdict": "expired", "masked_name": None,
                      "org": None}
    with pytest.raises(ValueError, match="expired"):
        offline_check(keys, token, time.time())


def test_suspension_voids_every_earlier_token(client, as_user, member):
    holder = as_user("applicant")
    card = my_card(client, holder)
    old = card["token"]["token"]
    suspended = client.post(f"/api/v1/cards/{card['id']}/suspend",
                            headers=as_user("village1_approver"),
                            json={"reason": "会籍暂停", "version": card["version"]})
    assert suspended.status_code == 200, suspended.get_json()
    assert suspended.get_json()["status"] == "suspended"
    answer = verify(client, as_user("village1_approver"), old).get_json()
    assert answer["valid"] is False and answer["verdict"] == "revoked"
    assert answer["masked_name"] is None
    again = my_card(client, holder)
    assert again["status"] == "suspended" and again["token"] is None
    reinstated = client.post(f"/api/v1/cards/{card['id']}/reinstate",
                             headers=as_user("town1_approver"),
                             json={"version": suspended.get_json()["version"]})
    assert reinstated.status_code == 200, reinstated.get_json()
    fresh = my_card(client, holder)["token"]["token"]
    assert verify(client, as_user("village1_approver"), fresh).get_json()["valid"] is True
    # the codes from before the suspension stay void after the reinstatement
    assert verify(client, as_user("village1_approver"), old).get_json()["verdict"] == "revoked"


def test_suspend_twice_or_stale_is_409(client, as_user, member):
    card = my_card(client, as_user("applicant"))
    url = f"/api/v1/cards/{card['id']}/suspend"
    body = {"reason": "会籍暂停", "version": card["version"]}
    assert client.post(url, headers=as_user("village1_approver"), json=body).status_code == 200
    again = client.post(url, headers=as_user("village1_approver"), json=body)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "stale_version"
    body["version"] += 1
    moved = client.post(url, headers=as_user("village1_approver"), json=body)
    assert moved.status_code == 409
    assert moved.get_json()["error"]["code"] == "invalid_transition"


def _tampered(token: str, **changes) -> str:
    prefix, kid, payload, signature = token.split(".")
    claims = {**json.loads(_unb64(payload)), **changes}
    return ".".join([prefix, kid, _b64(json.dumps(claims).encode()), signature])


def test_forged_or_altered_tokens_are_refused(client, as_user, member):
    token = my_card(client, as_user("applicant"))["token"]["token"]
    officer = as_user("village1_approver")
    prefix, kid, payload, signature = token.split(".")
    stranger = Ed25519PrivateKey.generate()
    forged_head = f"{prefix}.{kid}.{payload}"
    forged = f"{forged_head}.{_b64(stranger.sign(forged_head.encode()))}"
    cases = {
        _tampered(token, exp=json.loads(_unb64(payload))["exp"] + 86400): "forged",
        _tampered(token, g=99): "forged",
        _tampered(token, n="GH20260000000002"): "forged",
        forged: "forged",
        f"{prefix}.other-key.{payload}.{signature}": "unknown_key",
        with_signature_altered(token): "forged",
        "GHC1.test-1.not json.x": "malformed",
        "hello": "malformed",
        f"{prefix}.{kid}.{_b64(b'[1,2]')}.{signature}": "malformed",
    }
    for bad, verdict in cases.items():
        answer = verify(client, officer, bad)
        assert answer.status_code == 200, (bad, answer.get_json())
        body = answer.get_json()
        assert (body["valid"], body["verdict"]) == (False, verdict), bad
        assert body["masked_name"] is None and body["org"] is None
    keys = client.get("/api/v1/cards/keys").get_json()
    with pytest.raises(InvalidSignature):
        offline_check(keys, forged, time.time())


@pytest.mark.parametrize("body", [{}, {"token": ""}, {"token": "x" * 401}, {"token": 5},
                                  {"token": "a", "extra": 1}])
def test_bad_verify_bodies_are_422(client, as_user, body):
    response = client.post("/api/v1/cards/verify", headers=as_user("village1_approver"),
                           json=body)
    assert response.status_code == 422


def test_key_rotation_keeps_old_tokens_valid_until_they_expire(app, client, as_user, member):
    old_token = my_card(client, as_user("applicant"))["token"]["token"]
    saved = dict(app.config["CARD_SIGNING_KEYS"]), app.config["CARD_SIGNING_KEY_ID"]
    try:
        app.config["CARD_SIGNING_KEYS"] = {**saved[0], "test-2": _b64(b"d" * 32)}
        app.config["CARD_SIGNING_KEY_ID"] = "test-2"
        keys = client.get("/api/v1/cards/keys").get_json()["keys"]
        assert {key["kid"]: key["current"] for key in keys} == {"test-1": False,
                                                                 "test-2": True}
        new_token = my_card(client, as_user("applicant"))["token"]["token"]
        assert new_token.split(".")[1] == "test-2"
        for token in (old_token, new_token):
            assert verify(client, as_user("village1_approver"), token).get_json()["valid"]
        # the old key removed: its tokens no longer verify
        app.config["CARD_SIGNING_KEYS"] = {"test-2": _b64(b"d" * 32)}
        assert verify(client, as_user("village1_approver"),
                      old_token).get_json()["verdict"] == "unknown_key"
    finally:
        app.config["CARD_SIGNING_KEYS"], app.config["CARD_SIGNING_KEY_ID"] = saved


def test_the_card_follows_a_transfer_and_old_tokens_stop(client, tree, as_user, member):
    holder = as_user("applicant")
    before = my_card(client, holder)
    requested = client.post("/api/v1/me/membership/transfer", headers=holder,
                            json={"to_org_id": tree["village3"], "reason": "换了工作"})
    assert requested.status_code == 201, requested.get_json()
    decided = client.post(f"/api/v1/membership-transfers/{requested.get_json()['id']}/decision",
                          headers=as_user("town2_approver"),
                          json={"action": "approve", "version": 1})
    assert decided.status_code == 200, decided.get_json()
    after = my_card(client, holder)
    assert (after["id"], after["number"]) == (before["id"], before["number"])
    assert after["org"]["name"] == "丙村"
    officer = as_user("town2_approver")
    assert verify(client, officer, before["token"]["token"]).get_json()["verdict"] == "revoked"
    fresh = verify(client, officer, after["token"]["token"]).get_json()
    assert fresh["valid"] and fresh["org"]["name"] == "丙村"


def test_suspended_card_reads_deactivated_not_a_stations_closure(app, client, as_user, member):
    """The card's status label is its own word (已停用), not a station's 暂停服务 that
    shares the English "Suspended"."""
    from app.cards.models import STATUS_LABELS as CARD_LABELS
    from app.core.labels import code_label
    from app.stations.vocab import STATUS_LABELS as STATION_LABELS

    card = my_card(client, as_user("applicant"))
    assert card["status_label"] == "有效"
    suspended = client.post(f"/api/v1/cards/{card['id']}/suspend",
                            headers=as_user("village1_approver"),
                            json={"reason": "会籍暂停", "version": card["version"]}).get_json()
    assert suspended["status_label"] == "已停用"
    assert my_card(client, as_user("applicant"))["status_label"] == "已停用"
    english = client.get(f"/api/v1/cards/{card['id']}",
                         headers={**as_user("village1_approver"), "Accept-Language": "en"})
    assert english.get_json()["status_label"] == "Deactivated"
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert code_label(STATION_LABELS, "suspended") == "暂停服务"
        assert code_label(CARD_LABELS, "suspended") == "已停用"
