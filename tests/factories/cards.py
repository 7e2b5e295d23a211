"""Card builders: an approved member (through the API) and their card with a fresh token."""

from __future__ import annotations

import base64

from tests.factories.members import applied, decide


def approved_member(client, as_user, org_id: int, who: str = "applicant", sequence: int = 1,
                    approver: str = "village1_approver", **extra) -> dict:
    """`who` applies to `org_id` and `approver` approves; the membership as answered."""
    membership = applied(client, as_user(who), org_id, sequence, **extra)
    response = decide(client, as_user(approver), membership)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def my_card(client, headers) -> dict:
    response = client.get("/api/v1/me/card", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def verify(client, headers, token: str):
    return client.post("/api/v1/cards/verify", headers=headers, json={"token": token})


def with_signature_altered(token: str) -> str:
    """The token with one bit of its signature flipped (a forged signature, never a valid one).

    Editing the base64 text instead can leave the decoded bytes unchanged: the last character
    carries bits the decoder drops.
    """
    head, signature = token.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 0x01
    return f"{head}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"
