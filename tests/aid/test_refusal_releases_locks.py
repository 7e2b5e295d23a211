"""A refused request's own transaction is discarded by the error path before the response
is finalised: on SQLite its write lock would otherwise block the idempotency record's update
(a 409 turned into a 500 after the busy timeout)."""

from __future__ import annotations

import pytest

from tests.factories.aid import draft


@pytest.mark.sqlite_only
def test_a_conflict_after_a_write_keeps_its_status_with_an_idempotency_key(world, program):
    first = world.submitted(program["id"])
    assert first["status"] == "submitted"
    second = draft(world.client, world.as_user, world.tree, program["id"], who="neighbour")
    assert second.status_code == 201, second.get_json()
    body = second.get_json()
    headers = {**world.as_user("neighbour"), "Idempotency-Key": "dup-submit-0001"}
    response = world.client.post(f"/api/v1/aid/applications/{body['id']}/submit",
                                 headers=headers, json={"version": body["version"]})
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "beneficiary_unavailable"
    again = world.client.post(f"/api/v1/aid/applications/{body['id']}/submit",
                              headers=headers, json={"version": body["version"]})
    assert again.status_code == 409 and again.headers.get("Idempotent-Replayed") == "true"
