"""Org tree reads, creation, rename and move, officers — with the authorisation matrix."""

from __future__ import annotations

import pytest

from tests.factories.orgs import other_province_county


def test_roots_children_and_ancestors(client, tree, as_user):
    headers = as_user("plain")
    roots = client.get("/api/v1/orgs", headers=headers).get_json()["items"]
    assert [o["name"] for o in roots] == ["测试省总工会"]
    kids = client.get(f"/api/v1/orgs?parent_id={tree['town1']}", headers=headers).get_json()
    assert [o["name"] for o in kids["items"]] == ["甲村", "乙村"]
    chain = client.get(f"/api/v1/orgs/{tree['village1']}/ancestors", headers=headers).get_json()
    assert [o["name"] for o in chain["items"]] == ["测试省总工会", "测试县总工会", "一镇"]


def test_org_reads_need_login(client, tree):
    assert client.get(f"/api/v1/orgs/{tree['county']}").status_code == 401


def test_unknown_org_is_404(client, tree, as_user):
    response = client.get("/api/v1/orgs/999999", headers=as_user("plain"))
    assert response.status_code == 404


CREATE_MATRIX = [
    (None, "town1", 401),
    ("plain", "town1", 403),
    ("town1_approver", "town1", 403),   # wrong role
    ("county_admin", "town1", 201),     # parent org's admin
    ("prov_admin", "town1", 201),       # grandparent
]


@pytest.mark.parametrize(("who", "parent", "status"), CREATE_MATRIX)
def test_create_org_matrix(client, tree, as_user, who, parent, status):
    response = client.post("/api/v1/orgs", headers=as_user(who), json={
        "parent_id": tree[parent], "name": "新村", "level": "village"})
    assert response.status_code == status, response.get_json()
    if status == 201:
        assert response.get_json()["depth"] == 3


def test_level_must_be_below_parent(client, tree, as_user):
    response = client.post("/api/v1/orgs", headers=as_user("county_admin"), json={
        "parent_id": tree["town1"], "name": "错层", "level": "county"})
    assert response.status_code == 422


def test_rename_by_admin_of_ancestor_only(client, tree, as_user):
    body = {"name": "甲村（新）"}
    url = f"/api/v1/orgs/{tree['village1']}"
    assert client.patch(url, headers=as_user("village1_approver"), json=body).status_code == 403
    assert client.patch(url, headers=as_user("county_admin"), json=body).status_code == 200
    assert client.get(url, headers=as_user("plain")).get_json()["name"] == "甲村（新）"


def test_move_within_subtree_rewrites_paths(client, tree, as_user, app):
    url = f"/api/v1/orgs/{tree['village1']}"
    moved = client.patch(url, headers=as_user("county_admin"), json={"parent_id": tree["town2"]})
    assert moved.status_code == 200
    kids = client.get(f"/api/v1/orgs?parent_id={tree['town2']}", headers=as_user("plain"))
    assert {o["name"] for o in kids.get_json()["items"]} == {"甲村", "丙村"}
    chain = client.get(f"{url}/ancestors", headers=as_user("plain")).get_json()["items"]
    assert [o["name"] for o in chain][-1] == "二镇"
    # scope follows the move: town2's approver now reaches village1
    from app.extensions import db
    from app.orgs.models import Org
    from app.orgs.scope import has_role_over

    with app.app_context():
        village = db.session.get(Org, tree["village1"])
        assert has_role_over(tree["town2_approver"], village, ("approver",))
        assert not has_role_over(tree["town1_approver"], village, ("approver",))


def test_nobody_moves_an_org_outside_their_subtree(client, tree, as_user, app):
    other_county_id = other_province_county(app)
    url = f"/api/v1/orgs/{tree['town1']}"
    response = client.patch(url, headers=as_user("county_admin"),
                            json={"parent_id": other_county_id})
    assert response.status_code == 403


def test_cannot_move_under_own_subtree(client, tree, as_user):
    response = client.patch(f"/api/v1/orgs/{tree['town1']}", headers=as_user("county_admin"),
                            json={"parent_id": tree["village1"]})
    assert response.status_code in (409, 422)


OFFICER_MATRIX = [
    (None, 401), ("plain", 403), ("village1_approver", 403), ("town1_approver", 403),
    ("town1_reviewer", 403), ("county_admin", 200), ("prov_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), OFFICER_MATRIX)
def test_list_officers_matrix(client, tree, as_user, who, status):
    response = client.get(f"/api/v1/orgs/{tree['town1']}/officers", headers=as_user(who))
    assert response.status_code == status


def test_grant_and_revoke_role(client, tree, as_user):
    headers = as_user("county_admin")
    as_user("plain")  # the plain user has logged in once
    url = f"/api/v1/orgs/{tree['village3']}/officers"
    granted = client.post(url, headers=headers, json={"openid": "mock-plain", "role": "reviewer"})
    assert granted.status_code == 201
    again = client.post(url, headers=headers, json={"openid": "mock-plain", "role": "reviewer"})
    assert again.status_code == 409
    me = client.get("/api/v1/me", headers=as_user("plain")).get_json()
    assert me["roles"] == [{"org_id": tree["village3"], "org_name": "丙村", "role": "reviewer",
                            "role_label": "审核员"}]
    grant_id = granted.get_json()["id"]
    assert client.delete(f"{url}/{grant_id}", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=as_user("plain")).get_json()["roles"] == []


def test_sibling_admin_cannot_grant(client, tree, as_user):
    response = client.post(f"/api/v1/orgs/{tree['village1']}/officers",
                           headers=as_user("town2_approver"),
                           json={"user_id": tree["plain"], "role": "admin"})
    assert response.status_code == 403


def test_grant_needs_exactly_one_user_reference(client, tree, as_user):
    response = client.post(f"/api/v1/orgs/{tree['village1']}/officers",
                           headers=as_user("county_admin"), json={"role": "admin"})
    assert response.status_code == 422


def test_audit_trail_for_admins_of_the_subtree(client, tree, as_user):
    client.patch(f"/api/v1/orgs/{tree['village1']}", headers=as_user("county_admin"),
                 json={"name": "甲村二"})
    trail = client.get(f"/api/v1/orgs/{tree['town1']}/audit", headers=as_user("county_admin"))
    assert trail.status_code == 200
    actions = [row["action"] for row in trail.get_json()["items"]]
    assert "org.update" in actions
    denied = client.get(f"/api/v1/orgs/{tree['town1']}/audit", headers=as_user("town1_approver"))
    assert denied.status_code == 403
    bad = client.get(f"/api/v1/orgs/{tree['town1']}/audit?cursor=%%%",
                     headers=as_user("county_admin"))
    assert bad.status_code == 422
