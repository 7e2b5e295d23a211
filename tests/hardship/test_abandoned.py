"""Abandoned drafts (no change for a year) and returned files nobody resubmitted (180 days)
are withdrawn by the daily job, the applicant told; the household is free for a new file,
and the withdrawn file is kept three years from that withdrawal (hardship_ended)."""

from __future__ import annotations

from datetime import timedelta

from app.core.time import utcnow
from app.extensions import db
from app.hardship.models import HardshipEvent, HardshipFile
from app.hardship.upkeep import withdraw_abandoned
from app.privacy import retention
from tests.factories.hardship import decide, draft, submit, submitted, visit

DAY = timedelta(days=1)


def returned_file(client, as_user, county) -> dict:
    hardship_file = submitted(client, as_user, county)
    visited = visit(client, as_user, county, hardship_file)
    assert visited.status_code == 201, visited.get_json()
    response = decide(client, as_user, visited.get_json(), "village1_approver", action="return",
                      comment="请补充医疗费用票据")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "returned"
    return response.get_json()


def status_of(client, as_user, file_id: int) -> str:
    return client.get(f"/api/v1/hardship-files/{file_id}",
                      headers=as_user("applicant")).get_json()["status"]


def told(client, as_user) -> list[dict]:
    return [m for m in client.get("/api/v1/me/messages", headers=as_user("applicant"))
            .get_json()["items"] if m["title"] == "困难职工档案已自动撤回"]


def run(app) -> dict:
    result = app.test_cli_runner().invoke(args=["gonghui", "hardship-reminders"])
    assert result.exit_code == 0, result.output
    import json

    return json.loads(result.output)


def test_a_draft_untouched_for_a_year_is_withdrawn(app, client, as_user, county, clock):
    created = draft(client, as_user, county).get_json()
    clock.shift(365 * DAY - timedelta(minutes=1))
    assert run(app)["drafts_withdrawn"] == 0
    assert status_of(client, as_user, created["id"]) == "draft" and told(client, as_user) == []
    clock.shift(timedelta(minutes=2))
    assert run(app)["drafts_withdrawn"] == 1
    assert status_of(client, as_user, created["id"]) == "withdrawn"
    (message,) = told(client, as_user)
    assert "草稿一年多没有修改" in message["body"] and "重新建档" in message["body"]
    assert run(app)["drafts_withdrawn"] == 0  # once
    with app.app_context():
        (last,) = [e for e in db.session.get(HardshipFile, created["id"]).events][-1:]
        assert (last.action, last.actor_id, last.to_status) == ("withdraw", None, "withdrawn")


def test_an_edit_restarts_the_drafts_year(app, client, as_user, county, clock):
    created = draft(client, as_user, county).get_json()
    clock.shift(200 * DAY)
    edited = client.patch(f"/api/v1/hardship-files/{created['id']}", headers=as_user("applicant"),
                          json={"version": created["version"], "main_cause": "disability"})
    assert edited.status_code == 200, edited.get_json()
    clock.shift(200 * DAY)
    assert run(app)["drafts_withdrawn"] == 0
    clock.shift(166 * DAY)
    assert run(app)["drafts_withdrawn"] == 1


def test_a_returned_file_not_resubmitted_frees_the_household(app, client, as_user, county,
                                                            clock):
    returned = returned_file(client, as_user, county)
    # while it is returned it holds the household: a second file for it is refused
    second = draft(client, as_user, county).get_json()
    refused = submit(client, as_user, second)
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["error"]["code"] == "hardship_file_exists"
    clock.shift(179 * DAY)
    assert run(app)["returned_withdrawn"] == 0
    clock.shift(2 * DAY)
    assert run(app)["returned_withdrawn"] == 1
    assert status_of(client, as_user, returned["id"]) == "withdrawn"
    (message,) = told(client, as_user)
    assert "退回后逾期未重新提交" in message["body"]
    second = client.get(f"/api/v1/hardship-files/{second['id']}",
                        headers=as_user("applicant")).get_json()
    again = submit(client, as_user, second)
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["status"] == "grassroots_review"


def test_a_resubmitted_file_is_not_withdrawn(app, client, as_user, county, clock):
    returned = returned_file(client, as_user, county)
    clock.shift(100 * DAY)
    assert submit(client, as_user, returned).status_code == 200
    clock.shift(200 * DAY)
    assert run(app) == {"reviews": 0, "follow_ups": 0, "drafts_withdrawn": 0,
                        "returned_withdrawn": 0}
    assert status_of(client, as_user, returned["id"]) == "grassroots_review"


def test_the_periods_are_configurable(app, client, as_user, county, clock, monkeypatch):
    monkeypatch.setitem(app.config, "HARDSHIP_ABANDON_DAYS", {"draft": 30, "returned": 10})
    returned = returned_file(client, as_user, county)
    created = draft(client, as_user, county, household=2).get_json()
    with app.app_context():
        assert withdraw_abandoned(utcnow() + 9 * DAY) == {"drafts_withdrawn": 0,
                                                          "returned_withdrawn": 0}
        assert withdraw_abandoned(utcnow() + 11 * DAY) == {"drafts_withdrawn": 0,
                                                           "returned_withdrawn": 1}
        assert withdraw_abandoned(utcnow() + 31 * DAY) == {"drafts_withdrawn": 1,
                                                           "returned_withdrawn": 0}
    assert status_of(client, as_user, returned["id"]) == "withdrawn"
    assert status_of(client, as_user, created["id"]) == "withdrawn"


def test_a_withdrawn_file_is_kept_three_years_from_the_withdrawal(app, client, as_user, county,
                                                                 clock):
    returned = returned_file(client, as_user, county)
    clock.shift(181 * DAY)
    assert run(app)["returned_withdrawn"] == 1
    with app.app_context():
        clock.shift(3 * 365 * DAY - DAY)
        assert retention.due(utcnow())["hardship_ended"] == []
        clock.shift(2 * DAY)
        assert retention.due(utcnow())["hardship_ended"] == [returned["id"]]
        actions = [e.action for e in db.session.query(HardshipEvent).filter_by(
            hardship_file_id=returned["id"]).order_by(HardshipEvent.id)]
        assert actions[-1] == "withdraw"
