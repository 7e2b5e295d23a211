"""A file from draft to filed, then reviewed, closed after its exit notice, followed up and
reopened; the notice and its objections on the way."""

from __future__ import annotations

from datetime import timedelta

from tests.factories.hardship import (
    CHAIN,
    FILER,
    decide,
    draft,
    filed,
    in_notice,
    notice_of,
    submit,
    submitted,
    visit,
)


def test_member_files_household_through_the_chain(client, as_user, county, clock):
    created = draft(client, as_user, county)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "draft" and body["level"] == "deep"
    assert body["level_label"] == "深度困难"
    assert body["monthly_per_person_fen"] == 50_000 and body["household_size"] == 3
    assert body["members"][0]["id_number"].count("*") > 8  # masked
    assert "6230520099998888" not in created.get_data(as_text=True)
    response = submit(client, as_user, body)
    assert response.status_code == 200, response.get_json()
    hardship_file = response.get_json()
    assert hardship_file["status"] == "grassroots_review"
    assert hardship_file["step_org"]["id"] == county["village1"]
    # no approval before the home visit
    refused = decide(client, as_user, hardship_file, "village1_approver")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "home_visit_missing"
    visited = visit(client, as_user, county, hardship_file)
    assert visited.status_code == 201, visited.get_json()
    hardship_file = visited.get_json()
    assert {d["kind"] for d in hardship_file["documents"]} == {
        "visit_photo", "signed_application", "finance_consent"}
    for who in CHAIN:
        response = decide(client, as_user, hardship_file, who)
        assert response.status_code == 200, response.get_json()
        hardship_file = response.get_json()
    assert hardship_file["status"] == "in_notice"
    notice = notice_of(client, county, hardship_file["id"])
    assert notice["masked_name"] == "韦**" and notice["category"] == "深度困难"
    assert notice["place"] == "甲村" and notice["phase"] == "running"
    assert "韦大明" not in client.get(f"/api/v1/notices?org_id={county['county']}").get_data(
        as_text=True)
    early = decide(client, as_user, hardship_file, FILER, action="file")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "notice_running"
    clock.shift(timedelta(days=10))
    done = decide(client, as_user, hardship_file, FILER, action="file")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "filed"
    assert done.get_json()["review_due_on"]
    mine = client.get("/api/v1/me/hardship-files", headers=as_user("applicant")).get_json()
    assert [f["id"] for f in mine["items"]] == [hardship_file["id"]]


def test_yearly_review_exit_follow_up_and_reopen(app, client, as_user, county, clock):
    hardship_file = filed(client, as_user, county, clock)
    clock.shift(timedelta(days=366))
    result = app.test_cli_runner().invoke(args=["gonghui", "hardship-reminders"])
    assert result.exit_code == 0 and '"reviews": 1' in result.output, result.output
    queue = client.get("/api/v1/workbench/todos", headers=as_user("village1_approver"))
    assert "hardship_review" in {item["kind"] for item in queue.get_json()["items"]}
    reviewed = client.post(f"/api/v1/hardship-files/{hardship_file['id']}/reviews",
                           headers=as_user("village1_approver"), json={
                               "version": hardship_file["version"], "findings": "收入增加",
                               "income_items": [{"kind": "wages", "amount_fen": 6_000_000}]})
    assert reviewed.status_code == 200, reviewed.get_json()
    hardship_file = reviewed.get_json()
    assert hardship_file["level"] == "none"  # 6 万 ÷ 12 ÷ 3 ≈ 1667 yuan > 2 × 800
    closing = client.post(f"/api/v1/hardship-files/{hardship_file['id']}/close",
                          headers=as_user("village1_approver"), json={
                              "version": hardship_file["version"], "reason": "务工收入稳定",
                              "decision_note": "村工会委员会集体研究同意"})
    assert closing.status_code == 200, closing.get_json()
    hardship_file = closing.get_json()
    assert hardship_file["status"] == "exit_notice"
    exit_notice = notice_of(client, county, hardship_file["id"], "hardship_exit")
    assert exit_notice["title"] == "困难职工脱困公示"
    early = client.post(f"/api/v1/hardship-files/{hardship_file['id']}/confirm-close",
                        headers=as_user(FILER), json={"version": hardship_file["version"]})
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "notice_running"
    clock.shift(timedelta(days=10))
    closed = client.post(f"/api/v1/hardship-files/{hardship_file['id']}/confirm-close",
                         headers=as_user(FILER), json={"version": hardship_file["version"]})
    assert closed.status_code == 200, closed.get_json()
    hardship_file = closed.get_json()
    assert hardship_file["status"] == "closed" and hardship_file["follow_up_until"]
    # the household is free: a new file for the same family may be submitted
    clock.shift(timedelta(days=190))
    result = app.test_cli_runner().invoke(args=["gonghui", "hardship-reminders"])
    assert '"follow_ups": 1' in result.output, result.output
    followed = client.post(f"/api/v1/hardship-files/{hardship_file['id']}/follow-up",
                           headers=as_user("village1_approver"),
                           json={"version": hardship_file["version"], "note": "回访：生活稳定"})
    assert followed.status_code == 200, followed.get_json()
    hardship_file = followed.get_json()
    reopened = client.post(f"/api/v1/hardship-files/{hardship_file['id']}/reopen",
                           headers=as_user("village1_approver"),
                           json={"version": hardship_file["version"], "reason": "家人再次患病"})
    assert reopened.status_code == 200, reopened.get_json()
    hardship_file = reopened.get_json()
    assert hardship_file["status"] == "grassroots_review"
    # a new home visit is needed after reopening
    again = decide(client, as_user, hardship_file, "village1_approver")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "home_visit_missing"
    actions = [event["action"] for event in hardship_file["history"]]
    assert actions[:2] == ["create", "submit"] and actions[-1] == "reopen"


def test_objection_pauses_the_notice_until_resolved(client, as_user, county, clock):
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    lodged = client.post(f"/api/v1/notices/{notice['id']}/objections",
                         headers=as_user("neighbour"), json={"reason": "他家在县城有商铺出租。"})
    assert lodged.status_code == 201, lodged.get_json()
    objection = lodged.get_json()
    twice = client.post(f"/api/v1/notices/{notice['id']}/objections",
                        headers=as_user("neighbour"), json={"reason": "再说一遍：有商铺出租。"})
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "objection_exists"
    assert notice_of(client, county, hardship_file["id"])["phase"] == "paused"
    clock.shift(timedelta(days=10))
    blocked = decide(client, as_user, hardship_file, FILER, action="file")
    assert blocked.status_code == 409 and blocked.get_json()["error"]["code"] == "objection_open"
    queue = client.get("/api/v1/workbench/todos", headers=as_user("village1_approver"))
    assert "notice_objection" in {item["kind"] for item in queue.get_json()["items"]}
    dismissed = client.post(f"/api/v1/notice-objections/{objection['id']}/decision",
                            headers=as_user("village1_approver"), json={
                                "action": "dismiss", "comment": "经核实商铺为亲戚所有",
                                "version": objection["version"]})
    assert dismissed.status_code == 200, dismissed.get_json()
    assert dismissed.get_json()["status"] == "dismissed"
    # the ten days of the pause do not count: the notice runs on for what it had left
    resumed = notice_of(client, county, hardship_file["id"])
    assert resumed["ends_on"] > notice["ends_on"] and resumed["paused_on"] is None
    assert resumed["paused_working_days"] >= 6
    early = decide(client, as_user, hardship_file, FILER, action="file")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "notice_running"
    clock.shift(timedelta(days=10))
    done = decide(client, as_user, hardship_file, FILER, action="file")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "filed"
    messages = client.get("/api/v1/me/messages", headers=as_user("neighbour")).get_json()
    assert any("异议" in m["title"] for m in messages["items"])


def test_upheld_objection_returns_the_file(client, as_user, county):
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    objection = client.post(f"/api/v1/notices/{notice['id']}/objections",
                            headers=as_user("neighbour"),
                            json={"reason": "他家新买了小轿车。"}).get_json()
    upheld = client.post(f"/api/v1/notice-objections/{objection['id']}/decision",
                         headers=as_user("town1_approver"), json={
                             "action": "uphold", "comment": "核实属实，退回重新核查",
                             "version": objection["version"]})
    assert upheld.status_code == 200, upheld.get_json()
    after = client.get(f"/api/v1/hardship-files/{hardship_file['id']}",
                       headers=as_user("applicant")).get_json()
    assert after["status"] == "returned" and after["last_comment"] == "核实属实，退回重新核查"
    assert client.get(f"/api/v1/notices/{notice['id']}").get_json()["phase"] == "upheld"
    closed = client.post(f"/api/v1/notices/{notice['id']}/objections",
                         headers=as_user("plain"), json={"reason": "迟到的异议内容。"})
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "notice_closed"
    # the returned file still holds its household; resubmitted it starts again with a visit
    again = submit(client, as_user, after)
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["status"] == "grassroots_review"


def test_self_test_stores_nothing(client, as_user, county):
    response = client.post("/api/v1/hardship-files/self-test", headers=as_user("plain"), json={
        "county_org_id": county["county"], "household_size": 2,
        "yearly_income_fen": 2_500_000, "yearly_fixed_costs_fen": 100_000})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["level"] == "relative"
    assert response.get_json()["monthly_per_person_fen"] == 100_000
    assert client.get("/api/v1/me/hardship-files",
                      headers=as_user("plain")).get_json()["items"] == []


def test_withdrawn_file_frees_the_household(client, as_user, county):
    first = submitted(client, as_user, county)
    withdrawn = client.post(f"/api/v1/hardship-files/{first['id']}/withdraw",
                            headers=as_user("applicant"), json={"version": first["version"]})
    assert withdrawn.status_code == 200, withdrawn.get_json()
    second = submitted(client, as_user, county, who="village1_approver")
    assert second["status"] == "grassroots_review"
