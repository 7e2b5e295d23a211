"""Rights cases: submission with consent, deadlines in working days, the handling steps,
follow-up, rating, reopening, audited reads, escalation of overdue cases."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditRecord
from app.core.time import SHANGHAI
from app.extensions import db
from tests.factories.rights import act, case_body, escalate, submitted_case
from tests.helpers import TREE_OFFICERS, assert_todo_counts_exact


def queue(client, headers, kind: str) -> list[dict]:
    items = client.get("/api/v1/workbench/todos", headers=headers).get_json()["items"]
    return [item for item in items if item["kind"] == kind]


def test_deadlines_skip_the_weekend_and_the_holiday(client, as_user, holidays, member):
    case = submitted_case(client, as_user("applicant"))
    # Friday + 1 working day: not Saturday, Sunday nor the holiday Monday → Tuesday
    assert case["accept_due"] == "2026-12-08"
    # + 15: the 调休 Saturday 12 December counts, so Friday 25 December
    assert case["resolve_due"] == "2026-12-25"
    assert case["status"] == "submitted" and case["overdue"] is False


def test_without_a_calendar_only_the_weekend_is_skipped(client, as_user, member):
    case = submitted_case(client, as_user("applicant"))
    assert (case["accept_due"], case["resolve_due"]) == ("2026-12-07", "2026-12-25")


def test_org_settings_change_the_deadlines_of_new_cases(client, tree, as_user, member):
    url = f"/api/v1/orgs/{tree['town1']}/rights-settings"
    assert client.put(url, headers=as_user("town1_approver"),
                      json={"accept_days": 2, "resolve_days": 10}).status_code == 403
    set_ = client.put(url, headers=as_user("county_admin"),
                      json={"accept_days": 2, "resolve_days": 10})
    assert set_.status_code == 200, set_.get_json()
    inherited = client.get(f"/api/v1/orgs/{tree['village1']}/rights-settings",
                           headers=as_user("village1_approver")).get_json()
    assert inherited["accept_days"] == 2 and inherited["inherited_from"]["name"] == "一镇"
    case = submitted_case(client, as_user("applicant"))
    assert (case["accept_due"], case["resolve_due"]) == ("2026-12-08", "2026-12-18")
    for bad in ({"accept_days": 0, "resolve_days": 10}, {"accept_days": 2},
                {"accept_days": "2", "resolve_days": 10},
                {"accept_days": 2, "resolve_days": 121}):
        assert client.put(url, headers=as_user("county_admin"), json=bad).status_code == 422


def test_the_whole_way_to_a_closed_case(client, as_user, member, friday):
    headers = as_user("applicant")
    case = submitted_case(client, headers)
    assert [i["title"] for i in queue(client, as_user("village1_approver"), "rights_case")] \
        == ["维权求助：欠薪"]
    officer = as_user("village1_approver")
    accepted = act(client, officer, case, "accept")
    assert accepted.status_code == 200, accepted.get_json()
    case = accepted.get_json()
    assert case["status"] == "accepted" and case["assigned_to"] is not None
    assert queue(client, officer, "rights_case") == []
    for kind in ("mediation", "labour_inspectorate"):
        response = act(client, officer, case, "steps", kind=kind, note="约谈站点负责人")
        assert response.status_code == 200, response.get_json()
        case = response.get_json()
    assert case["status"] == "in_progress"
    resolved = act(client, officer, case, "resolve", outcome="调解成功，站点已支付工资",
                   amount_recovered_fen=900000)
    assert resolved.status_code == 200, resolved.get_json()
    case = resolved.get_json()
    early = act(client, headers, case, "close", rating=5)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "follow_up_missing"
    followed = act(client, officer, case, "follow-up", called_on="2026-12-04",
                   caller_name="李干事", member_said="工资已到账，满意")
    assert followed.status_code == 200, followed.get_json()
    case = followed.get_json()
    assert case["status"] == "resolved" and case["followed_up_at"]
    closed = act(client, headers, case, "close", rating=5, comment="谢谢工会")
    assert closed.status_code == 200, closed.get_json()
    case = closed.get_json()
    assert case["status"] == "closed" and case["rating"] == 5
    actions = [event["action"] for event in case["history"]]
    assert actions == ["submit", "accept", "step", "step", "resolve", "follow_up", "close"]
    follow_up = case["history"][5]
    assert (follow_up["called_on"], follow_up["caller_name"], follow_up["note"]) == (
        "2026-12-04", "李干事", "工资已到账，满意")
    titles = [m["title"] for m in client.get("/api/v1/me/messages",
                                              headers=headers).get_json()["items"]]
    for title in ("维权求助已受理", "维权求助有新进展", "维权求助已办结", "维权求助已结案"):
        assert title in titles


def test_reopen_within_seven_days_only(client, as_user, member, friday):
    headers, officer = as_user("applicant"), as_user("village1_approver")
    case = act(client, officer, submitted_case(client, headers), "accept").get_json()
    case = act(client, officer, case, "resolve", outcome="已协调").get_json()
    reopened = act(client, headers, case, "reopen", reason="工资还没到账")
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "in_progress"
    case = act(client, officer, reopened.get_json(), "resolve", outcome="再次协调").get_json()
    friday.shift(timedelta(days=7, minutes=1))
    late = act(client, as_user("applicant"), case, "reopen", reason="还是没到账")
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "reopen_window_passed"


def test_wrong_moves_are_409_and_amounts_only_for_wage_arrears(client, as_user, member):
    headers, officer = as_user("applicant"), as_user("village1_approver")
    case = submitted_case(client, headers, category="dismissal", amount_claimed_fen=None)
    early = act(client, officer, case, "resolve", outcome="已处理")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "invalid_transition"
    case = act(client, officer, case, "accept").get_json()
    wrong = act(client, officer, case, "resolve", outcome="已处理", amount_recovered_fen=100)
    assert wrong.status_code == 422
    stale = act(client, officer, {**case, "version": case["version"] - 1}, "steps",
                kind="note", note="记录")
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    future = act(client, officer, case, "follow-up", called_on="2030-01-01",
                 caller_name="李", member_said="好")
    assert future.status_code == 409  # not resolved yet
    case = act(client, officer, case, "resolve", outcome="已处理").get_json()
    future = act(client, officer, case, "follow-up", called_on="2030-01-01",
                 caller_name="李", member_said="好")
    assert future.status_code == 422
    assert "called_on" in future.get_json()["error"]["details"]["fields"]


def test_consent_and_membership_are_needed(client, tree, as_user, member):
    refused = client.post("/api/v1/rights-cases", headers=as_user("applicant"), json=case_body())
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "consent_required"
    stranger = client.post("/api/v1/rights-cases", headers=as_user("plain"), json=case_body())
    assert stranger.status_code == 404
    assert stranger.get_json()["error"]["code"] == "not_a_member"


@pytest.mark.parametrize("bad", [
    {"category": "tax"}, {"what_happened": "短"}, {"what_happened": "x" * 4001},
    {"contact_method": "fax"}, {"contact_phone": "12345"}, {"amount_claimed_fen": -1},
    {"amount_claimed_fen": 1.5}, {"documents": [1] * 11}, {"employer": ""},
    {"what_wanted": "要\u0000钱"}, {"extra": 1},
])
def test_bad_bodies_are_422(client, as_user, member, bad):
    response = client.post("/api/v1/rights-cases", headers=as_user("applicant"),
                           json=case_body(**bad))
    assert response.status_code == 422, response.get_json()


def test_phone_contact_needs_a_phone_and_files_must_be_ones_own(client, as_user, member):
    from tests.helpers import give_consents

    headers = as_user("applicant")
    give_consents(client, headers, "rights")
    no_phone = client.post("/api/v1/rights-cases", headers=headers,
                           json=case_body(contact_phone=None))
    assert no_phone.status_code == 422
    assert "contact_phone" in no_phone.get_json()["error"]["details"]["fields"]
    foreign = client.post("/api/v1/rights-cases", headers=headers,
                          json=case_body(documents=[424242]))
    assert foreign.status_code == 422
    assert "documents" in foreign.get_json()["error"]["details"]["fields"]


def test_officer_reads_are_audited_and_the_phone_masked(app, client, as_user, member):
    case = submitted_case(client, as_user("applicant"))
    own = client.get(f"/api/v1/rights-cases/{case['id']}", headers=as_user("applicant"))
    assert own.get_json()["contact_phone"] == "1******5678"
    read = client.get(f"/api/v1/rights-cases/{case['id']}", headers=as_user("town1_reviewer"))
    assert read.status_code == 200 and read.get_json()["what_happened"].startswith("站点拖欠")
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.action == "rights_case.read", AuditRecord.target_id == str(case["id"])))
    assert rows == 1  # the member's own read is not an officer's access


def test_overdue_case_escalates_exactly_once(app, client, tree, as_user, holidays, member,
                                             friday):
    case = submitted_case(client, as_user("applicant"))
    town = as_user("town1_approver")
    assert queue(client, town, "rights_overdue") == []
    assert queue(client, town, "rights_case") == []  # routed to the village itself
    friday.move_to(datetime(2026, 12, 8, 23, 59, tzinfo=SHANGHAI))  # the due day: in time
    assert escalate(app) == []
    friday.move_to(datetime(2026, 12, 9, 8, 0, tzinfo=SHANGHAI))
    assert escalate(app) == [case["id"]]
    assert escalate(app) == []  # once
    assert_todo_counts_exact(app, [tree[name] for name in TREE_OFFICERS])  # badges follow
    town = as_user("town1_approver")
    (item,) = queue(client, town, "rights_overdue")
    assert item["title"].startswith("【逾期】") and "逾期未受理" in item["summary"]
    assert queue(client, as_user("county_approver"), "rights_overdue") == []  # exact org
    seen = client.get(f"/api/v1/rights-cases/{case['id']}", headers=town).get_json()
    assert seen["overdue"] is True and seen["escalated"] is True
    assert seen["escalated_to_org"]["name"] == "一镇"
    assert [e["action"] for e in seen["history"]] == ["submit", "escalate"]
    overdue = client.get("/api/v1/rights-cases?overdue=true", headers=town).get_json()
    assert [c["id"] for c in overdue["items"]] == [case["id"]]
    told = [m["title"] for m in client.get("/api/v1/me/messages",
                                            headers=as_user("applicant")).get_json()["items"]]
    assert told.count("维权求助已督办") == 1
    # still overdue for resolution later: not escalated a second time
    friday.move_to(datetime(2027, 1, 20, 8, 0, tzinfo=SHANGHAI))
    assert escalate(app) == []
