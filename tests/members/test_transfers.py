"""Transfers between unions (转会), self-corrected details, the history of orgs, and the
transfers in the monthly report."""

from __future__ import annotations

import pytest

from app.core.time import to_shanghai, utcnow
from tests.factories.cards import approved_member


def ask(client, headers, to_org: int, reason: str = "换了工作，搬到镇上"):
    return client.post("/api/v1/me/membership/transfer", headers=headers,
                       json={"to_org_id": to_org, "reason": reason})


def decide(client, headers, transfer: dict, action: str = "approve", **extra):
    return client.post(f"/api/v1/membership-transfers/{transfer['id']}/decision",
                       headers=headers,
                       json={"action": action, "version": transfer["version"], **extra})


@pytest.fixture
def member(client, tree, as_user) -> dict:
    return approved_member(client, as_user, tree["village1"])


@pytest.fixture
def pending(client, tree, as_user, member) -> dict:
    response = ask(client, as_user("applicant"), tree["village3"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def queue(client, headers) -> list[dict]:
    return client.get("/api/v1/workbench/todos", headers=headers).get_json()["items"]


def test_request_waits_for_the_receiving_org(client, tree, as_user, pending):
    assert pending["status"] == "pending" and pending["status_label"] == "等待转入工会审批"
    assert (pending["from_org"]["name"], pending["to_org"]["name"]) == ("甲村", "丙村")
    kinds = [(item["kind"], item["title"]) for item in queue(client, as_user("town2_approver"))]
    assert ("membership_transfer", "转会申请：张三") in kinds
    assert not [item for item in queue(client, as_user("village1_approver"))
                if item["kind"] == "membership_transfer"]


def test_approval_moves_the_membership_and_tells_both_sides(client, tree, as_user, app,
                                                            member, pending):
    from tests.factories.orgs import officer

    officer(app, "village1_admin", tree["village1"], "admin")
    response = decide(client, as_user("town2_approver"), pending)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "approved"
    moved = client.get(f"/api/v1/memberships/{member['id']}", headers=as_user("applicant"))
    assert moved.get_json()["org_id"] == tree["village3"]
    assert moved.get_json()["status"] == "approved"
    history = client.get(f"/api/v1/memberships/{member['id']}/history",
                         headers=as_user("applicant")).get_json()
    assert [p["org"]["name"] for p in history["periods"]] == ["甲村", "丙村"]
    assert history["periods"][0]["until"] == history["periods"][1]["since"]
    assert history["periods"][1]["until"] is None
    assert history["periods"][0]["since"] == member["decided_at"]
    member_messages = client.get("/api/v1/me/messages", headers=as_user("applicant")).get_json()
    assert any(m["title"] == "转会申请通过" for m in member_messages["items"])
    for sender in ("village1_approver", "village1_admin"):
        told = client.get("/api/v1/me/messages", headers=as_user(sender)).get_json()["items"]
        assert any(m["title"] == "会员转出：张三" for m in told), sender
    assert not [item for item in queue(client, as_user("town2_approver"))
                if item["kind"] == "membership_transfer"]
    # the village it left no longer sees the membership; the new one does
    assert client.get(f"/api/v1/memberships/{member['id']}",
                      headers=as_user("village1_approver")).status_code == 404
    assert client.get(f"/api/v1/memberships/{member['id']}",
                      headers=as_user("town2_approver")).status_code == 200


def test_rejection_needs_a_reason_and_keeps_the_membership(client, tree, as_user, member,
                                                           pending):
    bare = decide(client, as_user("town2_approver"), pending, "reject")
    assert bare.status_code == 422 and "reason" in bare.get_json()["error"]["details"]["fields"]
    response = decide(client, as_user("town2_approver"), pending, "reject", reason="不在本辖区")
    assert response.status_code == 200
    assert response.get_json()["decision_reason"] == "不在本辖区"
    still = client.get(f"/api/v1/memberships/{member['id']}", headers=as_user("applicant"))
    assert still.get_json()["org_id"] == tree["village1"]


def test_one_open_request_at_a_time_and_withdrawal(client, tree, as_user, pending):
    again = ask(client, as_user("applicant"), tree["village2"])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "transfer_pending"
    url = f"/api/v1/membership-transfers/{pending['id']}/withdraw"
    assert client.post(url, headers=as_user("town2_approver"),
                       json={"version": 1}).status_code == 403
    withdrawn = client.post(url, headers=as_user("applicant"), json={"version": 1})
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    assert ask(client, as_user("applicant"), tree["village2"]).status_code == 201


def test_bad_requests(client, tree, as_user, member):
    own = ask(client, as_user("applicant"), tree["village1"])
    assert own.status_code == 422 and "to_org_id" in own.get_json()["error"]["details"]["fields"]
    assert ask(client, as_user("applicant"), 999999).status_code == 404
    nobody = ask(client, as_user("plain"), tree["village3"])
    assert nobody.status_code == 404 and nobody.get_json()["error"]["code"] == "not_a_member"
    for body in ({"to_org_id": tree["village3"]}, {"to_org_id": "x", "reason": "搬家了"},
                 {"to_org_id": tree["village3"], "reason": "x" * 501},
                 {"to_org_id": tree["village3"], "reason": "搬家\u0000了"}):
        response = client.post("/api/v1/me/membership/transfer", headers=as_user("applicant"),
                               json=body)
        assert response.status_code == 422, body


def test_stale_and_repeated_decisions_are_409(client, as_user, pending):
    assert decide(client, as_user("town2_approver"), pending).status_code == 200
    again = decide(client, as_user("town2_approver"), pending)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "stale_version"


DECIDE = [  # only approvers over the receiving org (village3); the sending side may look
    (None, 401), ("plain", 404), ("applicant", 403), ("village2_approver", 404),
    ("village1_approver", 403), ("town1_approver", 403), ("town2_approver", 200),
    ("county_approver", 200), ("county_admin", 403),
]


@pytest.mark.parametrize(("who", "status"), DECIDE)
def test_decision_matrix(client, as_user, pending, who, status):
    response = decide(client, as_user(who), pending)
    assert response.status_code == status, response.get_json()


READ = [
    (None, 401), ("plain", 404), ("village2_approver", 404), ("applicant", 200),
    ("village1_approver", 200), ("town2_approver", 200), ("county_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), READ)
def test_read_matrix(client, as_user, pending, who, status):
    response = client.get(f"/api/v1/membership-transfers/{pending['id']}", headers=as_user(who))
    assert response.status_code == status


def test_officer_lists_show_requests_in_and_out(client, as_user, pending):
    for who in ("village1_approver", "town2_approver"):
        page = client.get("/api/v1/membership-transfers", headers=as_user(who)).get_json()
        assert [t["id"] for t in page["items"]] == [pending["id"]], who
    assert client.get("/api/v1/membership-transfers",
                      headers=as_user("village2_approver")).get_json()["items"] == []
    mine = client.get("/api/v1/me/membership/transfers", headers=as_user("applicant")).get_json()
    assert [t["id"] for t in mine["items"]] == [pending["id"]]


def test_monthly_report_counts_transfers_in_and_out(client, tree, as_user, pending):
    assert decide(client, as_user("town2_approver"), pending).status_code == 200
    month = to_shanghai(utcnow()).strftime("%Y-%m")
    report = client.get(f"/api/v1/orgs/{tree['county']}/reports/memberships?month={month}",
                        headers=as_user("county_admin")).get_json()
    rows = {row["org_name"]: row for row in report["by_org"]}
    assert (rows["甲村"]["transfers_out"], rows["甲村"]["transfers_in"]) == (1, 0)
    assert (rows["丙村"]["transfers_in"], rows["丙村"]["transfers_out"]) == (1, 0)
    assert (report["transfers_in"], report["transfers_out"]) == (1, 1)
    town2 = client.get(f"/api/v1/orgs/{tree['town2']}/reports/memberships?month={month}",
                       headers=as_user("town2_approver")).get_json()
    assert (town2["transfers_in"], town2["transfers_out"]) == (1, 0)
    sheet = client.get(f"/api/v1/orgs/{tree['county']}/reports/memberships.xlsx?month={month}",
                       headers=as_user("county_admin"))
    assert sheet.status_code == 200


def test_member_corrects_own_details(client, as_user, member):
    response = client.patch("/api/v1/me/membership", headers=as_user("applicant"),
                            json={"employer": "饿了么", "phone": "13800001111",
                                  "version": member["version"]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["employer"] == "饿了么" and body["phone"] == "1******1111"
    stale = client.patch("/api/v1/me/membership", headers=as_user("applicant"),
                         json={"occupation": "站长", "version": member["version"]})
    assert stale.status_code == 409
    for bad in ({"version": body["version"]}, {"real_name": "李四", "version": body["version"]},
                {"id_number": "1", "version": body["version"]},
                {"phone": "123", "version": body["version"]},
                # the document states [0-9]: other scripts' digits are refused as it says
                {"phone": "1" + "\u0663" * 10, "version": body["version"]}):
        assert client.patch("/api/v1/me/membership", headers=as_user("applicant"),
                            json=bad).status_code == 422, bad
    assert client.patch("/api/v1/me/membership", headers=as_user("plain"),
                        json={"occupation": "站长", "version": 1}).status_code == 404


HISTORY = [(None, 401), ("plain", 404), ("village2_approver", 404), ("applicant", 200),
           ("village1_approver", 200), ("county_admin", 200)]


@pytest.mark.parametrize(("who", "status"), HISTORY)
def test_history_matrix(client, as_user, member, who, status):
    response = client.get(f"/api/v1/memberships/{member['id']}/history", headers=as_user(who))
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), [("plain", 404), ("village1_approver", 403),
                                             ("town2_approver", 403), ("applicant", 200)])
def test_withdraw_matrix(client, as_user, pending, who, status):
    response = client.post(f"/api/v1/membership-transfers/{pending['id']}/withdraw",
                           headers=as_user(who), json={"version": pending["version"]})
    assert response.status_code == status
