"""Programs: who creates them, what must hold, who sees the budget."""

from __future__ import annotations

import pytest

from tests.factories.aid import program_body


@pytest.mark.parametrize(("who", "status"), [
    (None, 401), ("plain", 404), ("county_admin", 404), ("prov_admin", 201)])
def test_only_an_admin_of_the_owner_org_creates(client, as_user, aid_tree, who, status):
    response = client.post("/api/v1/aid/programs", headers=as_user(who),
                           json=program_body(aid_tree))
    assert response.status_code == status


def test_approver_of_owner_org_is_403(client, as_user, aid_tree):
    response = client.post("/api/v1/aid/programs", headers=as_user("county_approver"),
                           json=program_body(aid_tree, owner_org_id=aid_tree["county"],
                                             eligible_org_ids=[aid_tree["town1"]]))
    assert response.status_code == 403


@pytest.mark.parametrize("overrides", [
    {"chain": ["town", "village"]},
    {"chain": ["village", "village"]},
    {"categories": [{"code": "a", "name": "甲", "kind": "family", "tiers": [
        {"code": "x", "name": "一", "amount_fen": 1}, {"code": "x", "name": "二",
                                                        "amount_fen": 2}]}]},
    {"budget_fen": 0},
    {"opens_at": "2026-12-01T00:00:00", "closes_at": "2026-11-01T00:00:00"},
])
def test_invalid_programs_are_422(client, as_user, aid_tree, overrides):
    response = client.post("/api/v1/aid/programs", headers=as_user("prov_admin"),
                           json=program_body(aid_tree, **overrides))
    assert response.status_code == 422, response.get_json()


def test_eligible_orgs_must_lie_under_the_owner(client, as_user, aid_tree):
    response = client.post("/api/v1/aid/programs", headers=as_user("county_admin"),
                           json=program_body(aid_tree, owner_org_id=aid_tree["county"],
                                             eligible_org_ids=[aid_tree["province"]]))
    assert response.status_code == 422


def test_naive_window_is_read_in_shanghai(world):
    created = world.create_program(opens_at="2026-09-01T00:00:00",
                                   closes_at="2026-11-30T23:59:59")
    assert created["opens_at"] == "2026-09-01T00:00:00+08:00"


def test_budget_figures_only_for_officers_over_the_owner(world, program):
    url = f"/api/v1/aid/programs/{program['id']}"
    assert world.client.get(url, headers=world.as_user("plain")).get_json()["budget"] is None
    officer = world.client.get(url, headers=world.as_user("prov_admin")).get_json()
    assert officer["budget"] == {"budget_fen": 10_000_000, "reserved_fen": 0, "paid_fen": 0,
                                 "left_fen": 10_000_000}


def test_open_and_managed_lists(world, program):
    closed = world.create_program(opens_at="2023-09-01T00:00:00",
                                  closes_at="2023-11-30T00:00:00")
    open_ids = [p["id"] for p in world.client.get(
        "/api/v1/aid/programs", headers=world.as_user("plain")).get_json()["items"]]
    assert program["id"] in open_ids and closed["id"] not in open_ids
    managed = world.client.get("/api/v1/aid/programs?scope=managed",
                               headers=world.as_user("prov_admin")).get_json()["items"]
    assert {p["id"] for p in managed} == {program["id"], closed["id"]}
    assert world.client.get("/api/v1/aid/programs?scope=managed", headers=world.as_user(
        "plain")).get_json()["items"] == []
