"""Builders for privacy tests: membership and aid bodies sent without the helpers' consents."""

from __future__ import annotations

from datetime import date

from tests.factories.aid import application_body
from tests.helpers import valid_id_number


def membership_body(org_id: int, sequence: int = 1, **extra) -> dict:
    return {"org_id": org_id, "real_name": "张三", "id_number": valid_id_number(sequence=sequence),
            "employer": "美团", "occupation": "骑手", "industry": "food_delivery", **extra}


def apply_membership(client, headers, org_id: int, sequence: int = 1, **extra):
    return client.post("/api/v1/memberships", headers=headers,
                       json=membership_body(org_id, sequence, **extra))


def child_id_number(age: int, sequence: int = 5) -> str:
    """The ID number of a child who is `age` today (born on 1 January)."""
    return valid_id_number(f"{date.today().year - age}0101", sequence, "451224")


def aid_body(program_id: int, org_id: int, documents=(), **overrides) -> dict:
    return application_body(program_id, org_id, list(documents), **overrides)


def post_aid(world, who: str, body: dict):
    return world.client.post("/api/v1/aid/applications", headers=world.as_user(who), json=body)
