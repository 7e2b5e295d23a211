"""Account cancellation: blocked by open applications, otherwise erased on the shown date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from app.core.crypto import keyring
from app.extensions import db
from tests.concurrency import race, statuses
from tests.factories.privacy import aid_body, apply_membership, post_aid, request_deletion
from tests.helpers import give_consents, valid_id_number


def test_an_open_aid_application_blocks_deletion_and_is_named(world, program):
    give_consents(world.client, world.as_user("applicant"), "aid")
    draft = post_aid(world, "applicant", aid_body(program["id"], world.tree["village1"]))
    decision = request_deletion(world.client, world.as_user("applicant"))
    assert decision["status"] == "blocked" and decision["erase_at"] is None
    assert decision["reasons"] == [{"kind": "aid_application", "id": draft.get_json()["id"],
                                    "status": "draft"}]
    shown = world.client.get("/api/v1/me/deletion-request", headers=world.as_user("applicant"))
    assert shown.status_code == 200 and shown.get_json()["status"] == "blocked"
    assert world.client.get("/api/v1/me", headers=world.as_user("applicant")).status_code == 200


def test_a_pending_membership_blocks_deletion(client, tree, as_user):
    give_consents(client, as_user("applicant"), "membership")
    pending = apply_membership(client, as_user("applicant"), tree["village1"]).get_json()
    decision = request_deletion(client, as_user("applicant"))
    assert decision["reasons"] == [{"kind": "membership", "id": pending["id"],
                                    "status": "pending"}]


def closed_history(world, program) -> dict:
    """A rejected membership and a withdrawn aid application with two certificates."""
    client, headers = world.client, world.as_user("applicant")
    give_consents(client, headers, "membership")
    membership = apply_membership(client, headers, world.tree["village1"],
                                  phone="13912345678").get_json()
    rejected = client.post(f"/api/v1/memberships/{membership['id']}/decision",
                           headers=world.as_user("village1_approver"),
                           json={"action": "reject", "reason": "材料不全", "version": 1})
    assert rejected.status_code == 200
    draft = world.draft(program["id"]).get_json()
    withdrawn = client.post(f"/api/v1/aid/applications/{draft['id']}/withdraw", headers=headers,
                            json={"version": draft["version"]})
    assert withdrawn.status_code == 200
    return {"membership": membership, "application": draft}


def raw(sql: str, **params):
    return db.session.execute(text(sql), params).one()


def test_deletion_without_open_applications_erases_at_once_and_ends_logins(
        app, world, program, file_storage):
    history = closed_history(world, program)
    headers = world.as_user("applicant")
    stored = list(file_storage.rglob("*.png"))
    assert len(stored) == 2
    decision = request_deletion(world.client, headers)
    assert decision["status"] == "done" and decision["reasons"] == []
    assert decision["erase_at"] == decision["erased_at"]
    assert world.client.get("/api/v1/me", headers=headers).status_code == 401
    assert world.client.get("/api/v1/me/deletion-request", headers=headers).status_code == 401
    with app.app_context():
        user = raw("SELECT phone, phone_hash, nickname, openid FROM users WHERE id = :id",
                   id=world.tree.ids.get("applicant") or history["membership"]["user_id"])
        assert user.phone is None and user.phone_hash is None
        assert user.nickname == "已注销用户" and user.openid.startswith("erased-")
        member = raw("SELECT real_name, id_number, id_number_hash, phone FROM memberships")
        assert member.real_name == "已注销用户" and member.phone is None
        assert keyring().decrypt(member.id_number) == ""
        application = raw("SELECT beneficiary_name, beneficiary_id_number, bank_account, "
                          "bank_holder, school FROM aid_applications")
        assert application.beneficiary_name == application.bank_holder == "已注销用户"
        assert keyring().decrypt(application.beneficiary_id_number) == ""
        assert keyring().decrypt(application.bank_account) == ""
        assert application.school is None
        assert raw("SELECT count(*) AS n FROM files").n == 0
        sessions = raw("SELECT count(*) AS n FROM login_sessions WHERE user_id = :id AND "
                       "revoked_at IS NULL", id=history["membership"]["user_id"])
        assert sessions.n == 0
    assert list(file_storage.rglob("*.png")) == []
    # the same WeChat account logs in to a new, empty account
    fresh = world.client.post("/api/v1/auth/wx-login", json={"code": "mock:applicant"})
    assert fresh.get_json()["user"]["id"] != history["membership"]["user_id"]


def test_with_a_retention_period_the_user_sees_the_date(app, client, tree, as_user,
                                                         monkeypatch):
    monkeypatch.setitem(app.config["RETENTION_DAYS"], "deleted_accounts", 30)
    decision = request_deletion(client, as_user("applicant"))
    assert decision["status"] == "scheduled" and decision["erased_at"] is None
    from datetime import datetime
    requested = datetime.fromisoformat(decision["requested_at"])
    assert datetime.fromisoformat(decision["erase_at"]) - requested == timedelta(days=30)
    again = request_deletion(client, as_user("applicant"))
    assert again["id"] == decision["id"]
    assert client.get("/api/v1/me", headers=as_user("applicant")).status_code == 200


def test_no_request_yet_is_404(client, as_user):
    assert client.get("/api/v1/me/deletion-request",
                      headers=as_user("applicant")).status_code == 404


def test_id_numbers_of_the_erased_member_do_not_block_them_joining_again(client, tree, as_user):
    give_consents(client, as_user("applicant"), "membership")
    number = valid_id_number(sequence=3)
    membership = apply_membership(client, as_user("applicant"), tree["village1"], 3).get_json()
    client.post(f"/api/v1/memberships/{membership['id']}/decision",
                headers=as_user("village1_approver"),
                json={"action": "approve", "version": 1})
    assert request_deletion(client, as_user("applicant"))["status"] == "done"
    fresh = client.post("/api/v1/auth/wx-login", json={"code": "mock:applicant"}).get_json()
    headers = {"Authorization": f"Bearer {fresh['access_token']}"}
    give_consents(client, headers, "membership")
    again = client.post("/api/v1/memberships", headers=headers, json={
        "org_id": tree["village1"], "real_name": "张三", "id_number": number,
        "employer": "美团", "occupation": "骑手", "industry": "food_delivery"})
    assert again.status_code == 201


@pytest.mark.postgres
@pytest.mark.parametrize("waiting_days", [0, 30])
def test_simultaneous_deletion_requests_make_one_decision(app, client, as_user, monkeypatch,
                                                          waiting_days):
    monkeypatch.setitem(app.config["RETENTION_DAYS"], "deleted_accounts", waiting_days)
    headers = as_user("applicant")
    responses = race(app, [("post", "/api/v1/me/deletion-request", headers, None)] * 8)
    assert statuses(responses) == {201: 8}
    assert len({response.get_json()["id"] for response in responses}) == 1
    with app.app_context():
        rows = db.session.execute(text(
            "SELECT status FROM privacy_deletion_requests")).scalars().all()
    assert rows == ["done" if waiting_days == 0 else "scheduled"]
