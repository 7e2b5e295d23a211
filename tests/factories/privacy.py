"""Privacy builders: aid bodies sent without the helpers' consents, a child's ID number, and
the membership builders privacy tests share (re-exported from `tests.factories.members`)."""

from __future__ import annotations

from datetime import date

from tests.factories.aid import application_body
from tests.factories.members import apply_membership, membership_body
from tests.helpers import valid_id_number

__all__ = ["aid_body", "apply_membership", "child_id_number", "membership_body", "post_aid",
           "request_deletion"]


def child_id_number(age: int, sequence: int = 5) -> str:
    """The ID number of a child who is `age` today (born on 1 January)."""
    return valid_id_number(f"{date.today().year - age}0101", sequence, "451224")


def aid_body(program_id: int, org_id: int, documents=(), **overrides) -> dict:
    return application_body(program_id, org_id, list(documents), **overrides)


def post_aid(world, who: str, body: dict):
    return world.client.post("/api/v1/aid/applications", headers=world.as_user(who), json=body)


def request_deletion(client, headers) -> dict:
    response = client.post("/api/v1/me/deletion-request", headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
