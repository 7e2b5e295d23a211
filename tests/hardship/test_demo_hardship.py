"""The hardship demo: Donglan's villages hold a file in each state, on any load date."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from app.demo import load_demo_data

LOAD_DATES = [datetime(2026, 3, 10, 2, 0, tzinfo=UTC), datetime(2027, 11, 20, 14, 30, tzinfo=UTC)]


@pytest.fixture(params=LOAD_DATES, ids=lambda when: when.date().isoformat())
def demo(request, app, client, clock):
    clock.move_to(request.param)
    with app.app_context():
        load_demo_data()
    return request.param


def files_of(client, as_user, officer: str) -> list[dict]:
    response = client.get("/api/v1/hardship-files?limit=100", headers=as_user(officer))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def kinds(client, as_user, officer: str) -> Counter:
    items = client.get("/api/v1/workbench/todos?limit=100",
                       headers=as_user(officer)).get_json()["items"]
    return Counter(item["kind"] for item in items)


def test_a_file_in_each_state(demo, client, as_user):
    files = files_of(client, as_user, "officer-donglan-county")
    states = Counter((f["org"]["name"], f["status"], f["level"]) for f in files)
    assert states == Counter({
        ("板逢村", "in_notice", "deep"): 1, ("鸾坡村", "filed", "deep"): 1,
        ("红里村", "filed", "relative"): 1, ("弄竹村", "filed", "accident"): 1,
        ("坤王村", "filed", "deep"): 1, ("板逢村", "closed", "deep"): 1,
        ("鸾坡村", "grassroots_review", "deep"): 1})
    closed = next(f for f in files if f["status"] == "closed")
    assert closed["follow_up_until"] > demo.date().isoformat()
    assert {f["org"]["name"] for f in files} == {"板逢村", "鸾坡村", "红里村", "弄竹村", "坤王村"}


def test_the_notice_with_its_objection_waits_for_the_village(demo, client, as_user):
    county = files_of(client, as_user, "officer-donglan-county")[0]["county_org"]["id"]
    notices = client.get(f"/api/v1/notices?org_id={county}").get_json()["items"]
    assert [(n["masked_name"], n["phase"], n["open_objections"]) for n in notices] == [
        ("韦**", "paused", 1)]
    assert kinds(client, as_user, "officer-banfeng")["notice_objection"] == 1


def test_due_review_and_grassroots_review_are_in_the_queues(demo, client, as_user):
    assert kinds(client, as_user, "officer-kunwang")["hardship_review"] == 1
    assert kinds(client, as_user, "officer-luanpo")["hardship_file"] == 1


def test_2023_aid_is_linked_to_the_files_and_warmth_flags_a_second_visit(demo, client,
                                                                         as_user):
    linked = []
    for officer in ("officer-banfeng", "officer-luanpo"):
        items = client.get("/api/v1/aid/applications?limit=100",
                           headers=as_user(officer)).get_json()["items"]
        linked += [a for a in items if a["hardship_level"]]
    assert {a["program_name"] for a in linked} >= {"2023年扶智纾困帮扶项目"}
    waiting = client.get("/api/v1/aid/applications?waiting_for_me=true&limit=100",
                         headers=as_user("officer-luanpo")).get_json()["items"]
    warmth = next(a for a in waiting if a["program_name"].endswith("送温暖"))
    detail = client.get(f"/api/v1/aid/applications/{warmth['id']}",
                        headers=as_user("officer-luanpo")).get_json()
    assert detail["repeat_aid"] == [{"program_id": warmth["program_id"],
                                     "program_name": warmth["program_name"],
                                     "year": demo.year, "amount_fen": 100_000}]


def test_the_county_sees_its_figures(demo, client, as_user):
    county = files_of(client, as_user, "officer-donglan-county")[0]["county_org"]["id"]
    response = client.get(f"/api/v1/hardship/stats?org_id={county}",
                          headers=as_user("officer-donglan-county"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total"] == 7
    assert {f["key"]: f["count"] for f in body["by_status"]} == {
        "grassroots_review": 1, "in_notice": 1, "filed": 4, "closed": 1}
    assert [(f["label"], f["count"]) for f in body["filed_by_level"]] == [
        ("深度困难", 2), ("相对困难", 1), ("意外致困", 1)]
    village = client.get(f"/api/v1/hardship/stats?org_id={county}",
                         headers=as_user("officer-kunwang"))
    assert village.status_code == 403
