"""GET /me: the membership state with its label and org; PATCH /me: nickname and avatar."""

from __future__ import annotations

from tests.factories.members import applied, decide


def me(client, headers) -> dict:
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_me_without_a_membership_says_none(client, as_user):
    assert me(client, as_user("newcomer"))["membership"] == {
        "status": "none", "status_label": "未入会", "id": None, "version": None, "org": None}


def test_me_follows_the_membership_from_pending_to_approved(client, tree, as_user):
    headers = as_user("applicant")
    pending = applied(client, headers, tree["village1"])
    membership = me(client, headers)["membership"]
    assert membership["status"] == "pending" and membership["status_label"] == "入会审核中"
    assert membership["id"] == pending["id"]
    assert membership["org"]["id"] == tree["village1"] and membership["org"]["name"]
    assert decide(client, as_user("village1_approver"), pending).status_code == 200
    membership = me(client, headers)["membership"]
    assert (membership["status"], membership["status_label"]) == ("approved", "已入会")


def test_a_rejected_application_shows_until_a_new_one_is_live(client, tree, as_user):
    headers = as_user("applicant")
    first = applied(client, headers, tree["village1"])
    assert decide(client, as_user("village1_approver"), first, "reject",
                  reason="材料不全").status_code == 200
    assert me(client, headers)["membership"]["status_label"] == "入会申请未通过"
    second = applied(client, headers, tree["village2"], sequence=2)
    membership = me(client, headers)["membership"]
    assert (membership["id"], membership["status"]) == (second["id"], "pending")
    assert membership["org"]["id"] == tree["village2"]


def test_me_shows_only_the_callers_membership(client, tree, as_user):
    applied(client, as_user("applicant"), tree["village1"])
    assert me(client, as_user("someone_else"))["membership"]["status"] == "none"


def test_me_needs_a_login(client):
    assert client.get("/api/v1/me").status_code == 401
