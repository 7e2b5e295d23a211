"""Who may reach the workbench endpoints, and what a batch item outside one's orgs answers."""

from __future__ import annotations

import pytest

from tests.factories.members import applied


@pytest.fixture
def village1_pending(client, tree, as_user) -> dict:
    return applied(client, as_user("applicant"), tree["village1"])


ENDPOINTS = [("get", "/api/v1/workbench/todos", None),
             ("get", "/api/v1/workbench/counts", None),
             ("post", "/api/v1/workbench/batch-decisions",
              {"action": "approve", "items": [{"kind": "membership", "id": 1, "version": 1}]})]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_anonymous_callers_are_401(client, method, path, body):
    assert getattr(client, method)(path, json=body).status_code == 401


BATCH = [  # one approval of village1's membership in a batch
    ("plain", 404, "not_found"), ("village2_approver", 404, "not_found"),
    ("town2_approver", 404, "not_found"), ("town1_reviewer", 403, "forbidden"),
    ("county_admin", 403, "forbidden"), ("applicant", 403, "forbidden"),
    ("village1_approver", 200, "done"), ("county_approver", 200, "done"),
]


@pytest.mark.parametrize(("who", "status", "code"), BATCH)
def test_batch_item_matrix(client, as_user, village1_pending, who, status, code):
    response = client.post("/api/v1/workbench/batch-decisions", headers=as_user(who), json={
        "action": "approve",
        "items": [{"kind": "membership", "id": village1_pending["id"], "version": 1}]})
    assert response.status_code == 200
    (result,) = response.get_json()["results"]
    assert (result["status"], result["code"]) == (status, code)


@pytest.mark.parametrize(("who", "total"), [
    ("plain", 0), ("village1_approver", 1), ("village2_approver", 0), ("town1_reviewer", 0),
    ("county_approver", 1),
])
def test_counts_matrix(client, as_user, village1_pending, who, total):
    counts = client.get("/api/v1/workbench/counts", headers=as_user(who)).get_json()
    assert counts == {"total": total, "by_kind": {"membership": total} if total else {}}
