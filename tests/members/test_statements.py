"""Lists run a fixed number of statements whatever their length (no N+1), and a decision
stays within its budget."""

from __future__ import annotations

import pytest

from tests.factories.members import applied


def statements_of(client, statements, method, path, headers, **kwargs) -> int:
    statements.clear()
    response = getattr(client, method)(path, headers=headers, **kwargs)
    assert response.status_code < 300, response.get_json()
    return len(statements)


@pytest.fixture
def memberships(client, tree, as_user):
    """One application, then a way to add more."""
    made = [applied(client, as_user("m0"), tree["village1"], 60)]

    def more(count: int) -> None:
        for n in range(len(made), len(made) + count):
            made.append(applied(client, as_user(f"m{n}"), tree["village1"], 60 + n))

    return made, more


LISTS = ["/api/v1/memberships?limit=50", "/api/v1/workbench/todos?limit=50",
         "/api/v1/workbench/counts"]


@pytest.mark.parametrize("path", LISTS)
def test_a_list_costs_the_same_for_one_item_and_for_many(client, as_user, statements,
                                                         memberships, path):
    headers = as_user("county_approver")
    client.get("/api/v1/me", headers=headers)
    one = statements_of(client, statements, "get", path, headers)
    memberships[1](6)
    assert statements_of(client, statements, "get", path, headers) == one


@pytest.mark.parametrize("path", ["/officers", "/audit?limit=50", "/pii-access?limit=50"])
def test_org_lists_cost_the_same_for_one_row_and_for_many(client, tree, as_user, statements,
                                                          memberships, path):
    headers = as_user("county_admin")
    url = f"/api/v1/orgs/{tree['county']}{path}"

    def reveal(n: int) -> None:
        made = memberships[0][n]
        client.post(f"/api/v1/memberships/{made['id']}/reveal", headers=headers,
                    json={"field": "phone", "reason": "核对"})
        client.post(f"/api/v1/orgs/{tree['village1']}/officers", headers=headers,
                    json={"user_id": made["user_id"], "role": "reviewer"})

    reveal(0)
    one = statements_of(client, statements, "get", url, headers)
    memberships[1](4)
    for n in range(1, 5):
        reveal(n)
    assert statements_of(client, statements, "get", url, headers) == one


def test_a_membership_decision_runs_eight_statements(client, as_user, statements, memberships):
    """token + user + grants, the membership, the guarded UPDATE, audit, the to-do closed and
    its count, in-app message, outbox row; the answer is what was written (no re-read)."""
    made = memberships[0][0]
    headers = as_user("village1_approver")
    client.get("/api/v1/me", headers=headers)
    assert statements_of(client, statements, "post", f"/api/v1/memberships/{made['id']}/decision",
                         headers, json={"action": "approve", "version": 1}) == 8
