"""Membership applications, decisions, reveal and the monthly report."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from app.extensions import db
from tests.helpers import give_consents, valid_id_number


def apply(client, headers, org_id, id_number=None, **extra):
    body = {
        "org_id": org_id, "real_name": "张三", "id_number": id_number or valid_id_number(),
        "employer": "美团", "occupation": "骑手", "industry": "food_delivery", **extra,
    }
    if headers:
        give_consents(client, headers, "membership")
    return client.post("/api/v1/memberships", headers=headers, json=body)


@pytest.fixture
def pending(client, tree, as_user):
    response = apply(client, as_user("applicant"), tree["village1"], phone="13912345678")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_application_is_pending_and_masked(pending):
    assert pending["status"] == "pending"
    assert pending["version"] == 1
    assert re.fullmatch(r"3209\*{10}\d{3}[\dX]", pending["id_number"])
    assert pending["phone"] == "1******5678"


@pytest.mark.parametrize("bad", ["12345", "320922199001010010", "320922199013010011",
                                 "32092219900101001A"])
def test_invalid_id_number_is_422(client, tree, as_user, bad):
    response = apply(client, as_user("applicant"), tree["village1"], id_number=bad)
    assert response.status_code == 422
    assert "id_number" in response.get_json()["error"]["details"]["fields"]


def test_lowercase_x_check_digit_is_accepted(client, tree, as_user):
    number = next(valid_id_number(sequence=n) for n in range(1, 200)
                  if valid_id_number(sequence=n).endswith("X"))
    response = apply(client, as_user("applicant"), tree["village1"], id_number=number.lower())
    assert response.status_code == 201


def test_one_live_membership_per_user(client, tree, as_user, pending):
    again = apply(client, as_user("applicant"), tree["village2"], id_number=valid_id_number(
        sequence=9))
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "membership_exists"


def test_a_strangers_pending_application_blocks_nobody(client, tree, as_user):
    """Typing a stranger's ID number neither blocks them nor tells whether they applied."""
    number = valid_id_number(sequence=31)
    squat = apply(client, as_user("squatter"), tree["village2"], id_number=number)
    assert squat.status_code == 201
    own = apply(client, as_user("applicant"), tree["village1"], id_number=number)
    assert own.status_code == 201, own.get_json()
    approved = client.post(f"/api/v1/memberships/{own.get_json()['id']}/decision",
                           headers=as_user("village1_approver"),
                           json={"action": "approve", "version": 1})
    assert approved.status_code == 200
    # another application under a member's ID number is taken, and says nothing to its maker
    late = apply(client, as_user("late-squatter"), tree["village1"], id_number=number)
    assert late.status_code == 201 and late.get_json()["status"] == "pending"
    # the officer approving it is told the person is a member already
    second = client.post(f"/api/v1/memberships/{late.get_json()['id']}/decision",
                         headers=as_user("village1_approver"),
                         json={"action": "approve", "version": 1})
    assert second.status_code == 409
    assert second.get_json()["error"]["code"] == "already_member"
    rejected = client.post(f"/api/v1/memberships/{late.get_json()['id']}/decision",
                           headers=as_user("village1_approver"),
                           json={"action": "reject", "reason": "已入会", "version": 1})
    assert rejected.status_code == 200


def test_applicant_withdraws_a_pending_application(app, client, tree, as_user, pending):
    from app.core.todos import find_todo

    url = f"/api/v1/memberships/{pending['id']}/withdraw"
    with app.app_context():
        assert find_todo("membership", pending["id"]) is not None
    stale = client.post(url, headers=as_user("applicant"), json={"version": 7})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    done = client.post(url, headers=as_user("applicant"), json={"version": 1})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "withdrawn" and done.get_json()["version"] == 2
    with app.app_context():
        assert find_todo("membership", pending["id"]) is None
    again = client.post(url, headers=as_user("applicant"), json={"version": 2})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "invalid_transition"
    # the slot is free again: the applicant may apply elsewhere
    assert apply(client, as_user("applicant"), tree["village2"]).status_code == 201


def test_a_decided_application_cannot_be_withdrawn(client, as_user, pending):
    client.post(f"/api/v1/memberships/{pending['id']}/decision",
                headers=as_user("village1_approver"), json={"action": "approve", "version": 1})
    response = client.post(f"/api/v1/memberships/{pending['id']}/withdraw",
                           headers=as_user("applicant"), json={"version": 2})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invalid_transition"


WITHDRAW_MATRIX = [
    (None, 401), ("plain", 404), ("village2_approver", 404), ("village1_approver", 403),
    ("county_admin", 403), ("applicant", 200),
]


@pytest.mark.parametrize(("who", "status"), WITHDRAW_MATRIX)
def test_withdraw_matrix(client, as_user, pending, who, status):
    response = client.post(f"/api/v1/memberships/{pending['id']}/withdraw",
                           headers=as_user(who), json={"version": 1})
    assert response.status_code == status, response.get_json()


def test_unknown_org_is_404(client, as_user, tree):
    assert apply(client, as_user("applicant"), 999999).status_code == 404


def test_applicant_sees_own_application(client, as_user, pending):
    mine = client.get("/api/v1/me/memberships", headers=as_user("applicant")).get_json()
    assert [m["id"] for m in mine["items"]] == [pending["id"]]
    one = client.get(f"/api/v1/memberships/{pending['id']}", headers=as_user("applicant"))
    assert one.status_code == 200


VIEW_MATRIX = [
    (None, 401), ("plain", 404), ("village1_approver", 200), ("town1_approver", 200),
    ("town1_reviewer", 200), ("county_admin", 200), ("village2_approver", 404),
    ("town2_approver", 404),
]


@pytest.mark.parametrize(("who", "status"), VIEW_MATRIX)
def test_view_matrix(client, as_user, pending, who, status):
    response = client.get(f"/api/v1/memberships/{pending['id']}", headers=as_user(who))
    assert response.status_code == status


DECIDE_MATRIX = [
    (None, 401), ("plain", 404), ("applicant", 403), ("village2_approver", 404),
    ("town2_approver", 404), ("town1_reviewer", 403), ("county_admin", 403),
    ("village1_approver", 200), ("town1_approver", 200), ("county_approver", 200),
]


@pytest.mark.parametrize(("who", "status"), DECIDE_MATRIX)
def test_decide_matrix(client, as_user, pending, who, status):
    response = client.post(f"/api/v1/memberships/{pending['id']}/decision", headers=as_user(who),
                           json={"action": "approve", "version": 1})
    assert response.status_code == status, response.get_json()


def test_officer_list_shows_only_their_subtree(client, tree, as_user, pending):
    apply(client, as_user("other"), tree["village3"], id_number=valid_id_number(sequence=2))
    town1 = client.get("/api/v1/memberships", headers=as_user("town1_approver")).get_json()
    assert [m["org_id"] for m in town1["items"]] == [tree["village1"]]
    county = client.get("/api/v1/memberships", headers=as_user("county_approver")).get_json()
    assert {m["org_id"] for m in county["items"]} == {tree["village1"], tree["village3"]}
    sibling = client.get("/api/v1/memberships", headers=as_user("village2_approver")).get_json()
    assert sibling["items"] == []
    outside = client.get(f"/api/v1/memberships?org_id={tree['village3']}",
                         headers=as_user("town1_approver"))
    assert outside.status_code == 403


def test_list_paginates_with_cursor(client, tree, as_user):
    for n in range(5):
        number = valid_id_number(sequence=n + 10)
        apply(client, as_user(f"p{n}"), tree["village1"], id_number=number)
    seen, cursor = [], None
    while True:
        url = "/api/v1/memberships?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=as_user("county_approver")).get_json()
        seen += [m["id"] for m in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5 and seen == sorted(seen)


def test_stale_version_is_409_and_reject_needs_reason(client, as_user, pending):
    url = f"/api/v1/memberships/{pending['id']}/decision"
    headers = as_user("village1_approver")
    no_reason = client.post(url, headers=headers, json={"action": "reject", "version": 1})
    assert no_reason.status_code == 422
    first = client.post(url, headers=headers, json={"action": "approve", "version": 1})
    assert first.status_code == 200
    stale = client.post(url, headers=headers,
                        json={"action": "reject", "reason": "x", "version": 1})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["details"]["status"] == "approved"


def test_decision_is_audited(client, tree, as_user, pending, app):
    client.post(f"/api/v1/memberships/{pending['id']}/decision",
                headers=as_user("village1_approver"), json={"action": "approve", "version": 1})
    trail = client.get(f"/api/v1/orgs/{tree['county']}/audit",
                       headers=as_user("county_admin")).get_json()["items"]
    decision = next(row for row in trail if row["action"] == "membership.approve")
    assert decision["before"] == {"status": "pending", "version": 1}
    assert decision["after"]["status"] == "approved"
    assert decision["actor_id"] == tree["village1_approver"]
    assert decision["request_id"]


def test_encrypted_columns_hold_no_plaintext(app, pending):
    with app.app_context():
        row = db.session.execute(db.text(
            "SELECT id_number, id_number_hash, phone FROM memberships")).one()
    number = valid_id_number()
    assert number not in row.id_number and row.id_number.startswith("v1:")
    assert number not in row.id_number_hash
    assert "13912345678" not in row.phone


def test_reveal_is_audited_and_needs_reason(client, tree, as_user, pending):
    url = f"/api/v1/memberships/{pending['id']}/reveal"
    assert client.post(url, headers=as_user("town1_reviewer"),
                       json={"field": "id_number"}).status_code == 422
    shown = client.post(url, headers=as_user("town1_reviewer"),
                        json={"field": "id_number", "reason": "核对身份"})
    assert shown.status_code == 200
    assert shown.get_json()["value"] == valid_id_number()
    assert client.post(url, headers=as_user("applicant"),
                       json={"field": "id_number", "reason": "x" * 3}).status_code == 404
    assert client.post(url, headers=as_user("village2_approver"),
                       json={"field": "phone", "reason": "x" * 3}).status_code == 404
    trail = client.get(f"/api/v1/orgs/{tree['county']}/audit?action=pii",
                       headers=as_user("county_admin")).get_json()["items"]
    assert [(r["field"], r["reason"], r["actor_id"]) for r in trail] == [
        ("id_number", "核对身份", tree["town1_reviewer"])]


def test_monthly_report_json_and_xlsx(client, tree, as_user, pending):
    client.post(f"/api/v1/memberships/{pending['id']}/decision",
                headers=as_user("village1_approver"), json={"action": "approve", "version": 1})
    from app.core.time import SHANGHAI, utcnow

    month = utcnow().astimezone(SHANGHAI).strftime("%Y-%m")
    url = f"/api/v1/orgs/{tree['county']}/reports/memberships?month={month}"
    report = client.get(url, headers=as_user("county_approver")).get_json()
    assert report["total"] == 1
    assert {r["industry"]: r["count"] for r in report["by_industry"]}["food_delivery"] == 1
    assert report["by_org"] == [{"org_id": tree["village1"], "org_name": "甲村", "count": 1,
                                 "transfers_in": 0, "transfers_out": 0}]
    other = client.get(f"/api/v1/orgs/{tree['town2']}/reports/memberships?month={month}",
                       headers=as_user("town2_approver")).get_json()
    assert other["total"] == 0
    assert client.get(url, headers=as_user("town2_approver")).status_code == 404
    assert client.get(url.replace(month, "2026-13"),
                      headers=as_user("county_approver")).status_code == 422
    xlsx = client.get(url.replace("memberships?", "memberships.xlsx?"),
                      headers=as_user("county_approver"))
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    rows = list(book["按行业"].values)
    assert ("外卖配送", "food_delivery", 1) in rows
    assert rows[-1] == ("合计", "total", 1)


def test_an_invalid_id_number_says_why_in_chinese(client, tree, as_user):
    response = apply(client, as_user("applicant"), tree["village1"], id_number="320922199001010010")
    error = response.get_json()["error"]
    assert error["message"] == "身份证号码有误，请对照身份证核对后重新填写。"
    assert error["details"]["fields"]["id_number"] == [
        "身份证号：最后一位校验码不符，请对照身份证核对号码。"]
    english = apply(client, {**as_user("applicant"), "Accept-Language": "en"}, tree["village1"],
                    id_number="320922199001010010").get_json()["error"]
    assert english["details"]["fields"]["id_number"] == [
        "The last character does not match; check the number against the ID card."]
