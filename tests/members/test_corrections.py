"""A member's name or ID number is corrected only through an officer's review with a
document; other details they correct themselves (test_transfers.py)."""

from __future__ import annotations

import pytest

from tests.factories.aid import upload
from tests.factories.cards import approved_member
from tests.helpers import valid_id_number


@pytest.fixture
def member(client, tree, as_user) -> dict:
    return approved_member(client, as_user, tree["village1"])


@pytest.fixture
def document(client, as_user) -> int:
    response = upload(client, as_user("applicant"))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def ask(client, headers, document: int, field: str = "real_name", value: str = "张珊"):
    return client.post("/api/v1/me/membership/corrections", headers=headers,
                       json={"field": field, "value": value, "document_file_id": document})


def decide(client, headers, correction: dict, action: str = "approve", **extra):
    return client.post(f"/api/v1/membership-corrections/{correction['id']}/decision",
                       headers=headers,
                       json={"action": action, "version": correction["version"], **extra})


def test_name_change_waits_for_review_then_applies(client, as_user, member, document):
    asked = ask(client, as_user("applicant"), document)
    assert asked.status_code == 201, asked.get_json()
    correction = asked.get_json()
    assert correction["status"] == "pending" and correction["new_value"] == "张珊"
    assert correction["document_name"] == "证件.png"  # what the reviewer is shown
    assert correction["field_label"] == "真实姓名"
    shown = client.get(f"/api/v1/membership-corrections/{correction['id']}",
                       headers=as_user("village1_approver")).get_json()
    assert shown["document_name"] == "证件.png"
    unchanged = client.get(f"/api/v1/memberships/{member['id']}", headers=as_user("applicant"))
    assert unchanged.get_json()["real_name"] == "张三"
    items = client.get("/api/v1/workbench/todos",
                       headers=as_user("village1_approver")).get_json()["items"]
    assert [i["title"] for i in items if i["kind"] == "membership_correction"] == [
        "会员信息更正：张三"]
    # the reviewing officer may open the document
    assert client.get(f"/api/v1/files/{document}",
                      headers=as_user("village1_approver")).status_code == 200
    assert client.get(f"/api/v1/files/{document}",
                      headers=as_user("village2_approver")).status_code == 404
    decided = decide(client, as_user("village1_approver"), correction)
    assert decided.status_code == 200, decided.get_json()
    changed = client.get(f"/api/v1/memberships/{member['id']}", headers=as_user("applicant"))
    assert changed.get_json()["real_name"] == "张珊"


def test_id_number_change_is_masked_and_guarded(client, tree, as_user, member, document):
    other = approved_member(client, as_user, tree["village2"], who="other", sequence=3,
                            approver="village2_approver")
    assert other["status"] == "approved"
    taken = ask(client, as_user("applicant"), document, "id_number", valid_id_number(sequence=3))
    assert taken.status_code == 201, taken.get_json()
    assert "*" in taken.get_json()["new_value"]
    refused = decide(client, as_user("village1_approver"), taken.get_json())
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "already_member"
    rejected = decide(client, as_user("village1_approver"), taken.get_json(), "reject",
                      reason="身份证号属于他人")
    assert rejected.status_code == 200
    fresh = ask(client, as_user("applicant"), document, "id_number", valid_id_number(sequence=8))
    assert decide(client, as_user("town1_approver"), fresh.get_json()).status_code == 200
    revealed = client.post(f"/api/v1/memberships/{member['id']}/reveal",
                           headers=as_user("village1_approver"),
                           json={"field": "id_number", "reason": "核对更正结果"})
    assert revealed.get_json()["value"] == valid_id_number(sequence=8)


def test_bad_requests(client, as_user, member, document):
    headers = as_user("applicant")
    assert ask(client, headers, document, "id_number", "12345").status_code == 422
    assert ask(client, headers, document, "real_name", "张三").status_code == 422  # no change
    assert ask(client, headers, 999999).status_code == 422  # not an own upload
    assert ask(client, headers, document, "phone", "13800000000").status_code == 422
    assert ask(client, as_user("plain"), document).status_code == 404
    assert ask(client, headers, document).status_code == 201
    again = ask(client, headers, document, value="张姗")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "correction_pending"


DECIDE = [(None, 401), ("plain", 404), ("village2_approver", 404), ("applicant", 403),
          ("town1_reviewer", 403), ("village1_approver", 200), ("county_approver", 200)]


@pytest.mark.parametrize(("who", "status"), DECIDE)
def test_decision_matrix(client, as_user, member, document, who, status):
    correction = ask(client, as_user("applicant"), document).get_json()
    assert decide(client, as_user(who), correction).status_code == status


def test_withdrawal_by_the_member_only(client, as_user, member, document):
    correction = ask(client, as_user("applicant"), document).get_json()
    url = f"/api/v1/membership-corrections/{correction['id']}/withdraw"
    assert client.post(url, headers=as_user("village1_approver"),
                       json={"version": 1}).status_code == 403
    assert client.post(url, headers=as_user("other"), json={"version": 1}).status_code == 404
    done = client.post(url, headers=as_user("applicant"), json={"version": 1})
    assert done.status_code == 200 and done.get_json()["status"] == "withdrawn"
