"""Tokens signed with the right key but with claims that do not fit together are 401
`token_invalid`, never a 500 and never another user's session."""

from __future__ import annotations

import pytest
from flask_jwt_extended import create_access_token, decode_token


def _claims_of(app, headers) -> dict:
    with app.app_context():
        return decode_token(headers["Authorization"].removeprefix("Bearer "))


def _token(app, identity, **claims) -> dict:
    with app.app_context():
        token = create_access_token(identity=identity, additional_claims=claims)
    return {"Authorization": f"Bearer {token}"}


def test_a_token_naming_another_users_login_is_invalid(app, client, login):
    alice, bob = login("alice"), login("bob")
    bob_id = _claims_of(app, bob)["sub"]
    forged = _token(app, bob_id, fam=_claims_of(app, alice)["fam"])
    response = client.get("/api/v1/me", headers=forged)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_invalid"
    assert client.get("/api/v1/me", headers=bob).status_code == 200  # bob's own still works


@pytest.mark.parametrize("claims", [
    {"fam": 12345}, {"fam": ["x"]}, {"fam": None}, {"fam": "x" * 5000}, {},
])
def test_a_login_family_of_the_wrong_type_is_invalid(app, client, login, claims):
    alice = login("alice")
    response = client.get("/api/v1/me", headers=_token(app, _claims_of(app, alice)["sub"],
                                                       **claims))
    assert response.status_code == 401, response.get_json()
    assert response.get_json()["error"]["code"] in {"token_invalid", "token_revoked"}


@pytest.mark.parametrize("identity", ["abc", "-1", "1e3", "９"])
def test_a_subject_that_is_not_a_user_id_is_invalid(app, client, login, identity):
    alice = login("alice")
    forged = _token(app, identity, fam=_claims_of(app, alice)["fam"])
    response = client.get("/api/v1/me", headers=forged)
    assert response.status_code == 401, response.get_json()
    assert response.get_json()["error"]["code"] == "token_invalid"
