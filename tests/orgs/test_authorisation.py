"""Who may change the org tree, manage officers and read the audit trail (create and the
officer list are in test_orgs_api.py). The tree is public, so refusals are 403, not 404."""

from __future__ import annotations

import pytest

MANAGE = [  # acting on town1: admins of town1 or above only
    (None, 401), ("plain", 403), ("village1_approver", 403), ("town1_reviewer", 403),
    ("town1_approver", 403), ("town2_approver", 403), ("county_approver", 403),
    ("county_admin", None), ("prov_admin", None),
]


@pytest.mark.parametrize(("who", "status"), MANAGE)
def test_rename_matrix(client, tree, as_user, who, status):
    response = client.patch(f"/api/v1/orgs/{tree['town1']}", headers=as_user(who),
                            json={"name": "一镇新"})
    assert response.status_code == (status or 200)


@pytest.mark.parametrize(("who", "status"), MANAGE)
def test_audit_trail_matrix(client, tree, as_user, who, status):
    response = client.get(f"/api/v1/orgs/{tree['town1']}/audit", headers=as_user(who))
    assert response.status_code == (status or 200)


@pytest.mark.parametrize(("who", "status"), MANAGE)
def test_grant_matrix(client, tree, as_user, who, status):
    response = client.post(f"/api/v1/orgs/{tree['town1']}/officers", headers=as_user(who),
                           json={"user_id": tree["plain"], "role": "reviewer"})
    assert response.status_code == (status or 201)


@pytest.mark.parametrize(("who", "status"), MANAGE)
def test_revoke_matrix(client, tree, as_user, who, status):
    officers = client.get(f"/api/v1/orgs/{tree['town1']}/officers",
                          headers=as_user("county_admin")).get_json()["items"]
    grant = next(o for o in officers if o["user_id"] == tree["town1_reviewer"])
    response = client.delete(f"/api/v1/orgs/{tree['town1']}/officers/{grant['id']}",
                             headers=as_user(who))
    assert response.status_code == (status or 204)


def test_officer_list_names_each_officer(client, tree, as_user):
    officers = client.get(f"/api/v1/orgs/{tree['town1']}/officers",
                          headers=as_user("county_admin")).get_json()["items"]
    assert {(o["nickname"], o["role"]) for o in officers} == {
        ("town1_approver", "approver"), ("town1_reviewer", "reviewer")}


def test_audit_trail_pages_newest_first(client, tree, as_user):
    headers = as_user("county_admin")
    for name in ("甲村一", "甲村二", "甲村三"):
        client.patch(f"/api/v1/orgs/{tree['village1']}", headers=headers, json={"name": name})
    first = client.get(f"/api/v1/orgs/{tree['town1']}/audit?limit=2&action=org.update",
                       headers=headers).get_json()
    rest = client.get(f"/api/v1/orgs/{tree['town1']}/audit?limit=2&action=org.update"
                      f"&cursor={first['next_cursor']}", headers=headers).get_json()
    names = [row["after"]["name"] for row in first["items"] + rest["items"]]
    assert names == ["甲村三", "甲村二", "甲村一"] and rest["next_cursor"] is None
