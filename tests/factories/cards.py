"""Card builders: an approved member (through the API) and their card with a fresh token."""

from __future__ import annotations

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
