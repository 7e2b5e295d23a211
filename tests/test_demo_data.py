"""The demo data loads idempotently, and every demo account lands on something to do — on
whatever day it is loaded (deadlines are relative to the load date)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.demo import load_demo_data
from app.demo.orgs import DONGLAN_VILLAGES, OFFICERS

# two load dates: the demo must work on any day, not only the day it was written
LOAD_DATES = [datetime(2026, 3, 10, 2, 0, tzinfo=UTC), datetime(2027, 11, 20, 14, 30, tzinfo=UTC)]


def test_demo_data_is_idempotent_and_scoped(app, client):
    with app.app_context():
        first = load_demo_data()
        second = load_demo_data()
    assert first == second
    binhai = client.post("/api/v1/auth/wx-login", json={"code": "mock:officer-binhai"}).get_json()
    me = binhai["user"]
    assert {r["role"] for r in me["roles"]} == {"admin", "approver"}
    headers = {"Authorization": f"Bearer {binhai['access_token']}"}
    pending = client.get("/api/v1/memberships", headers=headers).get_json()["items"]
    names = {m["real_name"] for m in pending}
    assert {"周强", "吴敏"} <= names
    town = client.post("/api/v1/auth/wx-login",
                       json={"code": "mock:officer-donglan-town"}).get_json()
    theirs = client.get("/api/v1/memberships", headers={
        "Authorization": f"Bearer {town['access_token']}"}).get_json()["items"]
    assert {m["real_name"] for m in theirs} == {"韦华"}
    member = client.post("/api/v1/auth/wx-login", json={"code": "mock:demo-member"}).get_json()
    mine = client.get("/api/v1/me/memberships", headers={
        "Authorization": f"Bearer {member['access_token']}"}).get_json()["items"]
    assert [m["status"] for m in mine] == ["approved"]


@pytest.fixture(params=LOAD_DATES, ids=lambda when: when.date().isoformat())
def demo(request, app, client, clock):
    clock.move_to(request.param)
    with app.app_context():
        load_demo_data()
    return request.param


def todos(client, headers, kind: str | None = None) -> list[dict]:
    query = "?limit=100" + (f"&kind={kind}" if kind else "")
    response = client.get(f"/api/v1/workbench/todos{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_every_demo_officer_has_a_todo(demo, client, as_user):
    for officer in OFFICERS:
        assert todos(client, as_user(officer)), officer


def test_a_closed_call_with_three_bids_waits_for_the_award(demo, client, as_user, clock):
    headers = as_user("officer-binhai")
    [item] = todos(client, headers, "project_bids")
    assert datetime.fromisoformat(item["waiting_since"]) < demo
    project = client.get(f"/api/v1/projects/{item['id']}", headers=headers).get_json()
    assert datetime.fromisoformat(project["bids_close_at"]) < demo
    bids = client.get(f"/api/v1/projects/{item['id']}/bids", headers=headers).get_json()["items"]
    assert len(bids) == 3 and {bid["status"] for bid in bids} == {"submitted"}
    award = client.post(f"/api/v1/projects/{item['id']}/award", headers=headers,
                        json={"bid_id": bids[0]["id"], "version": project["version"]})
    assert award.status_code == 200, award.get_json()
    # the member who bid sees it among the projects
    mine = client.get(f"/api/v1/projects/{item['id']}", headers=as_user("demo-member"))
    assert mine.status_code == 200


def test_this_years_program_is_open_and_2023_stays_history(demo, client, as_user):
    headers = as_user("officer-guangxi")
    programs = {p["year"]: p for p in client.get("/api/v1/aid/programs?scope=managed",
                                                 headers=headers).get_json()["items"]}
    assert set(programs) == {2023, demo.year}
    current = programs[demo.year]
    assert datetime.fromisoformat(current["opens_at"]) < demo < datetime.fromisoformat(
        current["closes_at"])
    open_now = client.get("/api/v1/aid/programs?scope=open",
                          headers=as_user("aid-banfeng")).get_json()["items"]
    # and the county union's 送温暖 (the hardship demo's, once per family)
    assert [p["name"] for p in open_now] == [f"{demo.year}年扶智纾困帮扶项目",
                                             f"{demo.year}年送温暖"]
    assert [p["eligible"] for p in open_now] == [True, True]  # a member of 板逢村: may apply
    stats = client.get(f"/api/v1/aid/programs/{programs[2023]['id']}/stats",
                       headers=headers).get_json()
    assert stats["totals"]["paid"] == {"count": 180, "amount_fen": 51_020_000}


def test_each_village_has_an_approver_with_an_application_waiting(demo, client, as_user):
    village_officers = [name for name, grants in OFFICERS.items()
                        if any(org in DONGLAN_VILLAGES for org, _ in grants)]
    assert {org for name in village_officers for org, _ in OFFICERS[name]} == set(
        DONGLAN_VILLAGES)
    for officer in village_officers:
        headers = as_user(officer)
        waiting = client.get("/api/v1/aid/applications?waiting_for_me=true",
                             headers=headers).get_json()["items"]
        assert waiting, officer
        first = waiting[0]
        decided = client.post(f"/api/v1/aid/applications/{first['id']}/decisions",
                              headers=headers, json={"action": "approve",
                                                     "version": first["version"]})
        assert decided.status_code == 200, (officer, decided.get_json())


def test_station_feedback_waits_for_an_answer(demo, client, as_user):
    headers = as_user("officer-xining")
    waiting = todos(client, headers, "station_feedback_answer")
    assert len(waiting) == 2  # the low rating and the question; not the praise, not answered
    assert all(datetime.fromisoformat(item["waiting_since"]) < demo for item in waiting)
    assert todos(client, as_user("officer-jingzhou"), "station_feedback_answer")
    first = waiting[0]
    answered = client.post(first["action"], headers=headers,
                           json={"answer": "已安排维修，本周内修好。", "version": first["version"]})
    assert answered.status_code == 200, answered.get_json()
    assert len(todos(client, headers, "station_feedback_answer")) == 1


def test_demo_to_dos_name_the_industry_in_chinese(app, client):
    """The to-do summary shows the industry's label, as a request would write it."""
    from app.core.labels import code_label
    from app.members.models import INDUSTRIES

    with app.app_context():
        load_demo_data()
    binhai = client.post("/api/v1/auth/wx-login", json={"code": "mock:officer-binhai"}).get_json()
    todos = client.get("/api/v1/workbench/todos?kind=membership", headers={
        "Authorization": f"Bearer {binhai['access_token']}"}).get_json()["items"]
    assert todos and all(todo["kind_label"] == "入会申请" for todo in todos)
    with app.test_request_context("/"):
        chinese = {code_label(INDUSTRIES, code) for code in INDUSTRIES}
    assert all(todo["summary"].split(" · ")[1] in chinese for todo in todos)


def _rows(client, headers, url: str) -> list[dict]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_demo_members_have_cards_that_verify(demo, client, as_user):
    card = client.get("/api/v1/me/card", headers=as_user("demo-member")).get_json()
    assert card["real_name"] == "于瑜" and card["org"]["name"] == "长法村"
    answer = client.post("/api/v1/cards/verify", headers=as_user("officer-changfa"),
                         json={"token": card["token"]["token"]}).get_json()
    assert answer["valid"] and answer["masked_name"] == "于*"
    rider = client.get("/api/v1/me/card", headers=as_user("binhai-rider")).get_json()
    assert rider["status"] == "active" and rider["number"] != card["number"]


def test_a_transfer_waits_for_changfa(demo, client, as_user):
    (item,) = todos(client, as_user("officer-changfa"), "membership_transfer")
    assert item["title"] == "转会申请：刘洋" and item["summary"] == "新港村 → 长法村"
    transfer = client.get(f"/api/v1/membership-transfers/{item['id']}",
                          headers=as_user("officer-changfa")).get_json()
    assert transfer["status"] == "pending" and transfer["from_org"]["name"] == "新港村"


def test_binhai_rights_cases_in_each_state(demo, client, as_user):
    county = as_user("officer-binhai")
    cases = _rows(client, county, "/api/v1/rights-cases?limit=100")
    assert {c["status"] for c in cases} == {"submitted", "accepted", "in_progress", "resolved",
                                            "closed"}
    (escalated,) = [c for c in cases if c["escalated"]]
    assert escalated["overdue"] and escalated["escalated_to_org"]["name"] == "滨海县总工会"
    (overdue_item,) = todos(client, county, "rights_overdue")
    assert overdue_item["id"] == escalated["id"] and overdue_item["title"].startswith("【逾期】")
    (waiting,) = todos(client, as_user("officer-changfa"), "rights_case")
    assert waiting["title"] == "维权求助：社会保险"
    (closed,) = [c for c in cases if c["status"] == "closed"]
    assert closed["category"] == "wage_arrears" and closed["amount_recovered_fen"] == 860000
    year = closed["created_at"][:4]
    stats = client.get(f"/api/v1/orgs/{escalated['escalated_to_org']['id']}/rights-stats"
                       f"?year={year}", headers=county).get_json()
    wage = next(r for r in stats["by_category"] if r["category"] == "wage_arrears")
    assert wage["amount_recovered_fen"] == 860000 and wage["satisfaction"] == 5.0
    mine = _rows(client, as_user("demo-member"), "/api/v1/me/rights-cases")
    assert [c["status"] for c in mine] == ["submitted"]
