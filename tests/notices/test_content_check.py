"""Objection reasons pass WeChat's content check (msg_sec_check, against the bundled fake
WeChat server over real HTTP) before anything is stored."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories.hardship import in_notice, notice_of


def objections_stored(app) -> int:
    from app.extensions import db
    from app.notices.models import NoticeObjection

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(NoticeObjection))


def test_a_flagged_objection_is_refused_in_chinese_and_nothing_is_stored(
        app, client, as_user, county, fake_wechat):
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    headers = as_user("neighbour")
    before = fake_wechat.call_count("/wxa/msg_sec_check")
    refused = client.post(f"/api/v1/notices/{notice['id']}/objections", headers=headers,
                          json={"reason": "这家人含有违禁词，请核实。"})
    assert refused.status_code == 422, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "content_rejected"
    assert error["message"] == ("异议内容未通过内容安全审核，无法提交。"
                                "请用平实的文字说明您了解的情况。")
    assert error["details"]["fields"]["reason"] == ["原因：未通过内容审核，请修改后再提交"]
    # asked over HTTP (once, or twice when a stale access token is refreshed first)
    assert fake_wechat.call_count("/wxa/msg_sec_check") > before
    assert objections_stored(app) == 0
    after = notice_of(client, county, hardship_file["id"])
    assert (after["phase"], after["open_objections"], after["paused_on"]) == ("running", 0, None)
    queue = client.get("/api/v1/workbench/todos", headers=as_user("village1_approver"))
    assert "notice_objection" not in {i["kind"] for i in queue.get_json()["items"]}
    mine = client.get("/api/v1/me/notice-objections", headers=headers).get_json()
    assert mine["items"] == []


def test_the_words_are_wechats_not_ours(app, client, as_user, county, fake_wechat):
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    headers = as_user("neighbour")
    fake_wechat.set_blocked_words(["商铺"])
    reason = {"reason": "他家在县城有商铺出租，请核实。"}
    refused = client.post(f"/api/v1/notices/{notice['id']}/objections", headers=headers,
                          json=reason)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "content_rejected"
    fake_wechat.set_blocked_words(["违禁词"])
    accepted = client.post(f"/api/v1/notices/{notice['id']}/objections", headers=headers,
                           json=reason)
    assert accepted.status_code == 201, accepted.get_json()
    assert objections_stored(app) == 1


def test_a_text_wechat_sends_to_review_is_accepted_for_the_officer(app, client, as_user, county):
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    lodged = client.post(f"/api/v1/notices/{notice['id']}/objections",
                         headers=as_user("neighbour"),
                         json={"reason": "他家的情况有待审词，请核实。"})
    assert lodged.status_code == 201, lodged.get_json()
    assert notice_of(client, county, hardship_file["id"])["phase"] == "paused"


def test_wechat_not_answering_is_503_and_nothing_is_stored(app, client, as_user, county,
                                                           fake_wechat):
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    headers = as_user("neighbour")
    fake_wechat.inject_fault("busy", count=3)  # the first try and both retries
    response = client.post(f"/api/v1/notices/{notice['id']}/objections", headers=headers,
                           json={"reason": "他家在县城有商铺出租，请核实。"})
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["error"]["code"] == "wechat_unavailable"
    assert objections_stored(app) == 0
    assert notice_of(client, county, hardship_file["id"])["open_objections"] == 0
