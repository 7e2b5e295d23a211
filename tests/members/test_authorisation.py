"""Who may reach each membership endpoint (view and decide are in test_memberships.py)."""

from __future__ import annotations

import pytest

from tests.factories.members import applied, decide

REVEAL = [
    (None, 401), ("plain", 404), ("applicant", 404), ("village2_approver", 404),
    ("town2_approver", 404), ("village1_approver", 200), ("town1_reviewer", 200),
    ("county_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), REVEAL)
def test_reveal_matrix(client, as_user, village1_pending, who, status):
    response = client.post(f"/api/v1/memberships/{village1_pending['id']}/reveal",
                           headers=as_user(who), json={"field": "phone", "reason": "回访核对"})
    assert response.status_code == status, response.get_json()
    if status == 200:
        assert response.get_json()["value"] == "13912345678"


REPORT = [  # the report of town1
    (None, 401), ("plain", 404), ("village1_approver", 404), ("town2_approver", 404),
    ("town1_reviewer", 200), ("town1_approver", 200), ("county_admin", 200),
]


@pytest.mark.parametrize("suffix", ["", ".xlsx"])
@pytest.mark.parametrize(("who", "status"), REPORT)
def test_monthly_report_matrix(client, tree, as_user, who, status, suffix):
    response = client.get(f"/api/v1/orgs/{tree['town1']}/reports/memberships{suffix}"
                          "?month=2026-11", headers=as_user(who))
    assert response.status_code == status


LIST_FILTERED = [  # the officer list filtered to village1
    (None, 401), ("plain", 403), ("town2_approver", 403), ("village2_approver", 403),
    ("village1_approver", 200), ("town1_reviewer", 200), ("county_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), LIST_FILTERED)
def test_officer_list_filter_matrix(client, tree, as_user, village1_pending, who, status):
    response = client.get(f"/api/v1/memberships?org_id={tree['village1']}",
                          headers=as_user(who))
    assert response.status_code == status
    if status == 200:
        assert [m["id"] for m in response.get_json()["items"]] == [village1_pending["id"]]


@pytest.mark.parametrize(("who", "status", "sees_it"), [
    (None, 401, False), ("applicant", 200, True), ("village1_approver", 200, False),
    ("plain", 200, False),
])
def test_own_list_holds_only_the_callers_applications(client, as_user, village1_pending, who,
                                                      status, sees_it):
    response = client.get("/api/v1/me/memberships", headers=as_user(who))
    assert response.status_code == status
    if status == 200:
        ids = [m["id"] for m in response.get_json()["items"]]
        assert ids == ([village1_pending["id"]] if sees_it else [])


def test_own_list_is_a_real_page_newest_first(client, tree, as_user):
    headers = as_user("returning")
    made = []
    for sequence in (51, 52, 53):
        membership = applied(client, headers, tree["village1"], sequence)
        assert decide(client, as_user("village1_approver"), membership, "reject",
                      reason="材料不全").status_code == 200
        made.append(membership["id"])
    first = client.get("/api/v1/me/memberships?limit=2", headers=headers).get_json()
    assert [m["id"] for m in first["items"]] == made[:0:-1]
    rest = client.get(f"/api/v1/me/memberships?limit=2&cursor={first['next_cursor']}",
                      headers=headers).get_json()
    assert [m["id"] for m in rest["items"]] == made[:1] and rest["next_cursor"] is None
