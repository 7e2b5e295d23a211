"""The lifecycle: every allowed transition works, every other one is 409 naming the allowed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditRecord
from app.core.todos import TodoItem
from app.extensions import db
from app.notify.models import InAppMessage
from app.projects.models import LIFECYCLE
from tests.factories.projects import approve_members, user_id

ALL_STATUSES = ["draft", "published", "awarded", "in_progress", "under_review", "completed",
                "failed", "cancelled"]
# how each action is asked for over HTTP (by county_approver, who may ask for any of them)
ACTION_REQUESTS = {
    "publish": ("/publish", {}),
    "cancel": ("/cancel", {"reason": "测试"}),
    "award": ("/award", {"bid_id": 1}),
    "start": ("/start", {}),
    "submit": ("/submit", {}),
    "complete": ("/evaluation", {"score": 90, "outcome": "completed"}),
    "fail": ("/evaluation", {"score": 30, "outcome": "failed"}),
    "rework": ("/evaluation", {"score": 60, "outcome": "rework"}),
}


def test_transition_table_covers_every_request():
    assert set(ACTION_REQUESTS) == set(LIFECYCLE.moves)


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_refused_transitions_are_409_naming_the_allowed_ones(driver, status):
    run = driver()
    project = run.drive(status)
    for action, (path, body) in ACTION_REQUESTS.items():
        if LIFECYCLE.can(status, action):
            continue
        response = run.post(path, "county_approver", {**body, "version": project["version"]})
        assert response.status_code == 409, (status, action, response.get_json())
        error = response.get_json()["error"]
        assert error["code"] == "invalid_transition"
        assert error["details"]["allowed"] == LIFECYCLE.allowed(status)


@pytest.mark.parametrize(("start", "action", "end"), [
    ("draft", "cancel", "cancelled"),
    ("published", "cancel", "cancelled"),
    ("under_review", "fail", "failed"),
    ("under_review", "rework", "in_progress"),
    ("under_review", "complete", "completed"),
])
def test_allowed_transitions_move_the_project(driver, start, action, end):
    run = driver()
    project = run.drive(start)
    path, body = ACTION_REQUESTS[action]
    moved = run.ok(path, "county_approver", {**body, "version": project["version"]})
    assert moved["status"] == end
    assert moved["version"] == project["version"] + 1


def test_stale_version_is_409(driver):
    run = driver()
    stale = run.drive("draft")["version"]
    run.publish()
    response = run.post("/cancel", "county_approver", {"reason": "x", "version": stale})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "stale_version"


def test_whole_story_is_audited_queued_and_told(app, client, as_user, driver):
    """Publish → bids → award → team → hours → start → report → tranche → review → done."""
    run = driver(bidders=("qiao", "rival"))
    run.publish()
    run.bid()
    with app.app_context():
        todo = db.session.scalar(select(TodoItem).where(TodoItem.kind == "project_bids"))
        assert todo.object_id == run.id and todo.role == "approver"
    run.award()
    assert run.project["status"] == "awarded"
    assert run.project["leader_id"] == user_id(app, "qiao")
    assert run.project["granted_fen"] == 8_000_00
    run.ok("/team", "county_approver", {"user_id": user_id(app, "town1_reviewer"),
                                        "role": "instructor", "duty": "技能指导"})

    approve_members(app, "volunteer1", org_id=run.project["org"]["id"])
    volunteer = run.ok("/volunteers", "volunteer1", {"duty": "宣传"})
    assert (volunteer["nickname"], volunteer["role"], volunteer["hours"]) == (
        "volunteer1", "volunteer", 0)
    run.ok(f"/volunteers/{volunteer['id']}/hours", "qiao",
           {"hours": 2.5, "worked_on": "2026-12-05", "note": "上门宣传"})
    run.start()
    report = run.ok("/reports", "qiao", {
        "period": "2026-12", "text": "进展顺利", "photo_file_ids": [1, 2],
        "actuals": [{"goal": "转移就业", "actual": 1870}, {"goal": "技能提升", "actual": 250}]})
    assert report["period"] == "2026-12"
    progress = {row["name"]: row["ratio"] for row in run.refresh()["progress"]}
    assert progress == {"转移就业": 1.87, "技能提升": 0.5}
    tranche = run.ok("/tranches", "county_approver", {"milestone": "启动", "amount_fen": 300_00})
    assert tranche["amount_fen"] == 300_00
    run.submit()
    with app.app_context():
        assert db.session.scalar(select(TodoItem.kind).where(TodoItem.object_id == run.id)) \
            == "project_review"
    run.evaluate("rework", 60)
    assert run.project["status"] == "in_progress"
    run.submit()
    run.evaluate("completed", 95)
    assert run.project["status"] == "completed" and run.project["score"] == 95
    approve_members(app, "resident0", "resident1", "resident2", org_id=run.project["org"]["id"])
    for n, satisfied in enumerate([True, True, False]):
        client.post(f"{run.url}/survey", headers=as_user(f"resident{n}"),
                    json={"satisfied": satisfied})
    again = client.post(f"{run.url}/survey", headers=as_user("resident0"),
                        json={"satisfied": False})
    assert again.status_code == 200  # a new answer replaces the old
    satisfaction = run.refresh()["satisfaction"]
    assert satisfaction == {"answers": 3, "satisfied": 1, "rate": 0.3333}
    team = client.get(f"{run.url}/team", headers=as_user("plain")).get_json()["items"]
    assert {row["role"] for row in team} == {"leader", "instructor", "volunteer"}
    assert next(row["hours"] for row in team if row["role"] == "volunteer") == 2.5
    with app.app_context():
        actions = set(db.session.scalars(select(AuditRecord.action).where(
            AuditRecord.target_type == "project", AuditRecord.target_id == str(run.id))))
        assert {"project.publish", "project.award", "project.start", "project.submit",
                "project.rework", "project.complete", "project.tranche"} <= actions
        assert db.session.scalar(select(func.count()).select_from(TodoItem)) == 0
        rival_messages = list(db.session.scalars(select(InAppMessage.body).where(
            InAppMessage.user_id == user_id(app, "rival"))))
        assert any("未被选中" in body for body in rival_messages)
        qiao_events = set(db.session.scalars(select(InAppMessage.event).where(
            InAppMessage.user_id == user_id(app, "qiao"))))
        assert {"project.award", "project.tranche", "project.complete"} <= qiao_events


def test_cancel_tells_bidders_and_closes_the_queue(app, driver):
    run = driver(bidders=("bidder",))
    run.drive("published")
    run.bid()
    run.ok("/cancel", "county_approver", {"reason": "政策调整", **run.version()})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TodoItem)) == 0
        bodies = list(db.session.scalars(select(InAppMessage.body).where(
            InAppMessage.user_id == user_id(app, "bidder"))))
        assert any("政策调整" in body for body in bodies)


def test_draft_edits_carry_the_version(driver, client, as_user):
    run = driver()
    url, headers = run.url, as_user("county_approver")
    edited = client.patch(url, headers=headers, json={"title": "新标题", "version": 1,
                                                      "bid_deadline": "2026-12-10"})
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["version"] == 2
    assert edited.get_json()["bids_close_at"] == "2026-12-11T00:00:00+08:00"
    stale = client.patch(url, headers=headers, json={"title": "旧", "version": 1})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["details"] == {
        "status": "draft", "version": 2, "allowed": ["publish", "cancel"]}
    run.refresh()
    run.publish()
    fixed = client.patch(url, headers=headers, json={"title": "x", "version": 3})
    assert fixed.status_code == 409 and fixed.get_json()["error"]["code"] == "not_draft"


def test_a_project_with_several_problems_lists_them_all(client, tree, as_user, clock):
    """Wrong org level, bad dates and duplicate goals: one 422 naming every field."""
    from tests.factories.projects import project_body

    body = project_body(tree["province"], bid_deadline="2026-11-01", due_date="2026-10-01",
                        goals=[{"name": "就业", "unit": "人", "target": 1},
                               {"name": "就业", "unit": "人", "target": 2}])
    response = client.post("/api/v1/projects", headers=as_user("prov_admin"), json=body)
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["details"]["fields"]
    assert set(fields) == {"org_id", "bid_deadline", "due_date", "goals"}
