"""The cascading org picker: each org says whether it has children and its path of names
from the top org; a name search finds an org without walking the tree; no query per org."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.orgs import service

ROOT, COUNTY, TOWN1 = "测试省总工会", "测试县总工会", "一镇"


def names(response):
    return [org["name"] for org in response.get_json()["items"]]


def test_children_say_whether_they_have_children_and_their_path(client, tree, as_user):
    headers = as_user("plain")
    [root] = client.get("/api/v1/orgs", headers=headers).get_json()["items"]
    assert (root["has_children"], root["path_names"]) == (True, [ROOT])
    towns = client.get(f"/api/v1/orgs?parent_id={tree['county']}",
                       headers=headers).get_json()["items"]
    assert [(t["name"], t["has_children"]) for t in towns] == [("一镇", True), ("二镇", True)]
    villages = client.get(f"/api/v1/orgs?parent_id={tree['town1']}", headers=headers).get_json()
    assert [(v["has_children"], v["path_names"]) for v in villages["items"]] == [
        (False, [ROOT, COUNTY, TOWN1, "甲村"]), (False, [ROOT, COUNTY, TOWN1, "乙村"])]
    assert villages["next_cursor"] is None


def test_one_org_and_its_ancestors_carry_the_picker_fields(client, tree, as_user):
    headers = as_user("plain")
    one = client.get(f"/api/v1/orgs/{tree['town1']}", headers=headers).get_json()
    assert (one["has_children"], one["path_names"]) == (True, [ROOT, COUNTY, TOWN1])
    chain = client.get(f"/api/v1/orgs/{tree['village1']}/ancestors",
                       headers=headers).get_json()["items"]
    assert [o["path_names"] for o in chain] == [[ROOT], [ROOT, COUNTY], [ROOT, COUNTY, TOWN1]]
    assert all(o["has_children"] for o in chain)


def test_created_org_has_no_children_yet(client, tree, as_user):
    made = client.post("/api/v1/orgs", headers=as_user("county_admin"), json={
        "parent_id": tree["town2"], "name": "丁村",
        "level": "village"}).get_json()
    assert (made["has_children"], made["path_names"]) == (False, [ROOT, COUNTY, "二镇", "丁村"])


def test_name_search_anywhere_and_under_one_org(client, tree, as_user):
    headers = as_user("plain")
    assert names(client.get("/api/v1/orgs?q=村", headers=headers)) == ["甲村", "乙村", "丙村"]
    # the higher levels first
    assert names(client.get("/api/v1/orgs?q=总工会", headers=headers)) == [ROOT, COUNTY]
    found = client.get("/api/v1/orgs?q=乙", headers=headers).get_json()["items"]
    assert found[0]["path_names"] == [ROOT, COUNTY, TOWN1, "乙村"]
    under_town2 = client.get(f"/api/v1/orgs?q=村&parent_id={tree['town2']}", headers=headers)
    assert names(under_town2) == ["丙村"]
    # the org searched under is not its own result; wildcards are plain characters
    assert names(client.get(f"/api/v1/orgs?q=一镇&parent_id={tree['town1']}",
                            headers=headers)) == []
    assert names(client.get("/api/v1/orgs?q=%25", headers=headers)) == []
    assert names(client.get("/api/v1/orgs?q=_", headers=headers)) == []


def test_search_pages_by_cursor(client, tree, as_user):
    headers = as_user("plain")
    first = client.get("/api/v1/orgs?q=村&limit=2", headers=headers).get_json()
    assert [o["name"] for o in first["items"]] == ["甲村", "乙村"]
    rest = client.get(f"/api/v1/orgs?q=村&limit=2&cursor={first['next_cursor']}",
                      headers=headers).get_json()
    assert ([o["name"] for o in rest["items"]], rest["next_cursor"]) == (["丙村"], None)


@pytest.mark.parametrize("query", ["q=", "q=" + "村" * 51, "parent_id=0", "q=a%00"])
def test_bad_queries_are_422(client, tree, as_user, query):
    assert client.get(f"/api/v1/orgs?{query}", headers=as_user("plain")).status_code == 422


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("plain", 200),
                                             ("village1_approver", 200)])
def test_the_tree_is_for_logged_in_users(client, tree, as_user, who, status):
    assert client.get("/api/v1/orgs?q=村", headers=as_user(who)).status_code == status


def test_unknown_parent_is_404(client, tree, as_user):
    response = client.get("/api/v1/orgs?q=村&parent_id=999999", headers=as_user("plain"))
    assert response.status_code == 404


def test_statements_do_not_grow_with_the_orgs_listed(app, client, tree, as_user, statements):
    headers = as_user("plain")
    with app.app_context():
        town = db.session.get(service.Org, tree["town2"])
        for n in range(6):
            service.add_org(town, name=f"新{n}村", level="village")
        db.session.commit()
    statements.clear()
    assert len(client.get("/api/v1/orgs?q=乙", headers=headers).get_json()["items"]) == 1
    one = len(statements)
    statements.clear()
    assert len(client.get("/api/v1/orgs?q=村", headers=headers).get_json()["items"]) == 9
    assert len(statements) == one
