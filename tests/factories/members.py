"""Membership builders: bodies, applications through the API (with or without the
applicant's consents), decisions."""

from __future__ import annotations

from tests.helpers import give_consents, valid_id_number


def membership_body(org_id: int, sequence: int = 1, **extra) -> dict:
    return {"org_id": org_id, "real_name": "张三", "id_number": valid_id_number(sequence=sequence),
            "employer": "美团", "occupation": "骑手", "industry": "food_delivery", **extra}


def apply_membership(client, headers, org_id: int, sequence: int = 1, **extra):
    """POST /memberships as sent (no consents given here: privacy tests test them)."""
    return client.post("/api/v1/memberships", headers=headers,
                       json=membership_body(org_id, sequence, **extra))


def applied(client, headers, org_id: int, sequence: int = 1, **extra) -> dict:
    """A pending membership of the caller, consents given first; the API's answer."""
    give_consents(client, headers, "membership")
    response = apply_membership(client, headers, org_id, sequence, **extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def decide(client, headers, membership: dict, action: str = "approve", **extra):
    return client.post(f"/api/v1/memberships/{membership['id']}/decision", headers=headers,
                       json={"action": action, "version": membership["version"], **extra})
