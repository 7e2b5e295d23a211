"""The to-do queue shows exactly what an officer may decide; batches decide item by item."""

from __future__ import annotations

import pytest

from tests.factories.projects import AFTER_DEADLINE, NOON, ProjectDriver
from tests.helpers import give_consents, valid_id_number


def apply(client, as_user, who, org_id, sequence):
    give_consents(client, as_user(who), "membership")
    response = client.post("/api/v1/memberships", headers=as_user(who), json={
        "org_id": org_id, "real_name": f"申请人{sequence}",
        "id_number": valid_id_number(sequence=sequence), "employer": "美团",
        "occupation": "骑手", "industry": "food_delivery"})
    assert response.status_code == 201
    return response.get_json()


@pytest.fixture
def queue(client, tree, as_user):
    """Pending memberships in village1, village2 and village3."""
    return {
        "v1": apply(client, as_user, "a1", tree["village1"], 1),
        "v2": apply(client, as_user, "a2", tree["village2"], 2),
        "v3": apply(client, as_user, "a3", tree["village3"], 3),
    }


def ids_for(client, headers, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    body = client.get(f"/api/v1/workbench/todos?{query}", headers=headers).get_json()
    return [item["id"] for item in body["items"]]


@pytest.mark.parametrize(("who", "expected"), [
    ("village1_approver", {"v1"}),
    ("village2_approver", {"v2"}),
    ("town1_approver", {"v1", "v2"}),
    ("town2_approver", {"v3"}),
    ("county_approver", {"v1", "v2", "v3"}),
    ("town1_reviewer", set()),     # reviewers do not decide memberships
    ("county_admin", set()),       # nor do admins without the approver role
    ("plain", set()),
])
def test_queue_holds_exactly_what_the_officer_may_decide(client, as_user, queue, who,
                                                         expected):
    got = set(ids_for(client, as_user(who)))
    assert got == {queue[key]["id"] for key in expected}
    counts = client.get("/api/v1/workbench/counts", headers=as_user(who)).get_json()
    assert counts["total"] == len(expected)


def test_items_have_the_phone_card_fields_and_oldest_first(client, as_user, queue, tree):
    items = client.get("/api/v1/workbench/todos", headers=as_user("county_approver")).get_json()
    first = items["items"][0]
    assert first["kind"] == "membership"
    assert first["org"] == {"id": tree["village1"], "name": "甲村"}
    assert first["action"] == f"/api/v1/memberships/{first['id']}/decision"
    assert first["version"] == 1 and first["batchable"] is True
    assert first["waiting_since"].endswith("+08:00")
    stamps = [item["waiting_since"] for item in items["items"]]
    assert stamps == sorted(stamps)


def test_cursor_pagination_and_filters(client, as_user, queue, tree):
    headers = as_user("county_approver")
    seen, cursor = [], None
    while True:
        url = "/api/v1/workbench/todos?limit=1" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=headers).get_json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == [queue[k]["id"] for k in ("v1", "v2", "v3")]
    assert ids_for(client, headers, org_id=tree["town2"]) == [queue["v3"]["id"]]
    assert ids_for(client, headers, kind="aid_application") == []
    assert ids_for(client, headers, kind="membership") == [queue[k]["id"]
                                                           for k in ("v1", "v2", "v3")]
    outside = client.get(f"/api/v1/workbench/todos?org_id={tree['town1']}",
                         headers=as_user("town2_approver"))
    assert outside.status_code == 422
    bad = client.get("/api/v1/workbench/todos?cursor=bm9wZQ", headers=headers)
    assert bad.status_code == 422


def test_decided_item_leaves_the_queue(client, as_user, queue):
    client.post(f"/api/v1/memberships/{queue['v1']['id']}/decision",
                headers=as_user("village1_approver"), json={"action": "approve", "version": 1})
    assert ids_for(client, as_user("town1_approver")) == [queue["v2"]["id"]]


def test_batch_with_fresh_stale_forbidden_and_unknown_items(client, as_user, queue):
    headers = {**as_user("town1_approver"), "Accept-Language": "en"}  # English wording checked
    client.post(f"/api/v1/memberships/{queue['v2']['id']}/decision",
                headers=as_user("village2_approver"), json={"action": "approve", "version": 1})
    response = client.post("/api/v1/workbench/batch-decisions", headers=headers, json={
        "action": "approve", "comment": "材料齐全",
        "items": [
            {"kind": "membership", "id": queue["v1"]["id"], "version": 1},   # fresh
            {"kind": "membership", "id": queue["v2"]["id"], "version": 1},   # stale
            {"kind": "membership", "id": queue["v3"]["id"], "version": 1},   # other town
            {"kind": "membership", "id": 987654, "version": 1},              # missing
            {"kind": "project_bids", "id": 1, "version": 1},                 # not batchable
            {"kind": "project_award", "id": 1, "version": 1},                # no such kind
        ]})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        (200, "done"), (409, "stale_version"), (404, "not_found"), (404, "not_found"),
        (422, "batch_not_allowed"), (422, "unknown_kind")]
    assert [r["version"] for r in results] == [2, None, None, None, None, None]
    assert "decided one by one" in results[4]["message"]
    unknown = results[5]["message"]
    assert "project_award" in unknown and "one by one" not in unknown
    assert "membership" in unknown and "project_bids" in unknown
    mine = client.get(f"/api/v1/memberships/{queue['v1']['id']}",
                      headers=as_user("town1_approver")).get_json()
    assert mine["status"] == "approved"


def test_batch_results_are_in_chinese_by_default(client, as_user, queue):
    client.post(f"/api/v1/memberships/{queue['v2']['id']}/decision",
                headers=as_user("village2_approver"), json={"action": "approve", "version": 1})
    response = client.post("/api/v1/workbench/batch-decisions",
                           headers=as_user("town1_approver"), json={
        "action": "approve", "items": [
            {"kind": "membership", "id": queue["v1"]["id"], "version": 1},   # fresh
            {"kind": "membership", "id": queue["v2"]["id"], "version": 1},   # stale
            {"kind": "project_bids", "id": 1, "version": 1},                 # not batchable
            {"kind": "project_award", "id": 1, "version": 1},                # no such kind
        ]})
    results = response.get_json()["results"]
    assert [r["code"] for r in results] == [
        "done", "stale_version", "batch_not_allowed", "unknown_kind"]  # codes stay English
    assert [r["message"] for r in results[:3]] == [
        "已处理。", "内容在你打开后已被修改，请刷新后重试。",
        "“揭榜定榜”需要逐项处理，请打开每一项分别处理。"]
    assert results[3]["message"].startswith("没有这种待办类型（'project_award'）")


def test_batch_input_is_validated(client, as_user):
    response = client.post("/api/v1/workbench/batch-decisions", headers=as_user("plain"),
                           json={"action": "approve", "items": []})
    assert response.status_code == 422
    assert client.post("/api/v1/workbench/batch-decisions", json={}).status_code == 401


def test_new_todo_tells_the_officers_who_may_act(client, as_user, queue, tree, app):
    from sqlalchemy import select

    from app.auth.models import User
    from app.extensions import db
    from app.notify.models import InAppMessage, OutboxMessage

    with app.app_context():
        told = set(db.session.scalars(
            select(User.openid).join(InAppMessage, InAppMessage.user_id == User.id)
            .where(InAppMessage.event == "todo.new", InAppMessage.title.contains("申请人1"))))
        outbox = db.session.scalar(select(db.func.count()).select_from(OutboxMessage)
                                   .where(OutboxMessage.event == "todo.new"))
    # village1's membership: approvers of village1, town1 and the county, nobody else
    assert told == {"mock-village1_approver", "mock-town1_approver", "mock-county_approver"}
    assert outbox >= 3


def test_unknown_kind_is_422_naming_the_known_kinds(client, as_user, queue):
    response = client.get("/api/v1/workbench/todos?kind=bogus",
                          headers=as_user("county_approver"))
    assert response.status_code == 422
    error = response.get_json()["error"]
    problem = " ".join(error["details"]["fields"]["kind"])
    for kind in ("membership", "aid_application", "project_bids", "project_review",
                 "station_feedback", "station_feedback_answer"):
        assert kind in problem


def test_an_award_joins_the_queue_and_badges_when_bidding_closes(
        app, client, as_user, clock, tree):
    clock.move_to(NOON)
    run = ProjectDriver(app, client, as_user, clock, tree)
    run.publish()
    run.bid()

    def waiting():
        headers = as_user("county_approver")  # a fresh token at the clock's time
        items = client.get("/api/v1/workbench/todos?kind=project_bids", headers=headers)
        counts = client.get("/api/v1/workbench/counts", headers=headers).get_json()
        return ([item["id"] for item in items.get_json()["items"]],
                counts["by_kind"].get("project_bids", 0), counts["total"])

    assert waiting() == ([], 0, 0)  # the award would answer 409 bidding_open
    early = run.post("/award", "county_approver",
                     {"bid_id": run.bids["bidder"]["id"], **run.version()})
    assert early.get_json()["error"]["code"] == "bidding_open"
    clock.move_to(AFTER_DEADLINE)
    assert waiting() == ([run.id], 1, 1)
