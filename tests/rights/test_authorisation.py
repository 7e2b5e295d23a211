"""Who may reach each rights endpoint: the member, another member, a sibling village's
officer, the org above before and after an escalation."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.core.time import SHANGHAI
from tests.factories.rights import act, escalate, submitted_case

READ = [
    (None, 401), ("plain", 404), ("neighbour", 404), ("village2_approver", 404),
    ("town2_approver", 404), ("applicant", 200), ("village1_approver", 200),
    ("town1_reviewer", 200), ("town1_approver", 200), ("county_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), READ)
def test_read_matrix(client, as_user, member, who, status):
    case = submitted_case(client, as_user("applicant"))
    response = client.get(f"/api/v1/rights-cases/{case['id']}", headers=as_user(who))
    assert response.status_code == status, response.get_json()


@pytest.mark.parametrize(("who", "status"), READ)
def test_officer_list_matrix(client, as_user, member, who, status):
    case = submitted_case(client, as_user("applicant"))
    response = client.get("/api/v1/rights-cases", headers=as_user(who))
    if who is None:
        assert response.status_code == 401
        return
    ids = [c["id"] for c in response.get_json()["items"]]
    # the member sees their own cases at /me/rights-cases, not in the officers' list
    assert ids == ([case["id"]] if status == 200 and who != "applicant" else [])


def test_only_the_member_lists_their_own(client, as_user, member):
    case = submitted_case(client, as_user("applicant"))
    mine = client.get("/api/v1/me/rights-cases", headers=as_user("applicant")).get_json()
    assert [c["id"] for c in mine["items"]] == [case["id"]]
    assert client.get("/api/v1/me/rights-cases",
                      headers=as_user("neighbour")).get_json()["items"] == []


HANDLE = [  # accept: approvers over the member's org; other officers 403, others 404
    (None, 401), ("plain", 404), ("neighbour", 404), ("village2_approver", 404),
    ("town2_approver", 404), ("applicant", 403), ("town1_reviewer", 403),
    ("county_admin", 403), ("village1_approver", 200), ("town1_approver", 200),
    ("county_approver", 200),
]


@pytest.mark.parametrize(("who", "status"), HANDLE)
def test_accept_matrix(client, as_user, member, who, status):
    case = submitted_case(client, as_user("applicant"))
    response = act(client, as_user(who), case, "accept")
    assert response.status_code == status, response.get_json()


MEMBER_ONLY = [(None, 401), ("neighbour", 404), ("village2_approver", 404),
               ("village1_approver", 403), ("county_admin", 403)]


@pytest.mark.parametrize(("who", "status"), MEMBER_ONLY)
def test_close_and_reopen_are_the_members(client, as_user, member, who, status):
    officer = as_user("village1_approver")
    case = act(client, officer, submitted_case(client, as_user("applicant")), "accept").get_json()
    case = act(client, officer, case, "resolve", outcome="已协调").get_json()
    assert act(client, as_user(who), case, "reopen", reason="没到账").status_code == status
    assert act(client, as_user(who), case, "close", rating=3).status_code == status


def test_the_org_above_before_and_after_escalation(app, client, as_user, holidays, member,
                                                   friday):
    """Before: the town sees the case (its subtree) but it is not in its queue; after the
    escalation it is, marked overdue, and the town's approver may act on it; the county
    (two above) gets no to-do; a sibling village and another member still see nothing."""
    case = submitted_case(client, as_user("applicant"))

    def town_queue():
        items = client.get("/api/v1/workbench/todos",
                           headers=as_user("town1_approver")).get_json()["items"]
        return [item["kind"] for item in items if item["id"] == case["id"]]

    assert town_queue() == []
    friday.move_to(datetime(2026, 12, 9, 9, 0, tzinfo=SHANGHAI))
    assert escalate(app) == [case["id"]]
    assert town_queue() == ["rights_overdue"]
    for who, status in (("village2_approver", 404), ("neighbour", 404), ("town2_approver", 404),
                        ("town1_approver", 200), ("county_approver", 200)):
        response = client.get(f"/api/v1/rights-cases/{case['id']}", headers=as_user(who))
        assert response.status_code == status, who
    county = client.get("/api/v1/workbench/todos",
                        headers=as_user("county_approver")).get_json()["items"]
    assert [i for i in county if i["kind"] == "rights_overdue"] == []
    fresh = client.get(f"/api/v1/rights-cases/{case['id']}",
                       headers=as_user("town1_approver")).get_json()
    accepted = act(client, as_user("town1_approver"), fresh, "accept")
    assert accepted.status_code == 200, accepted.get_json()
    resolved = act(client, as_user("town1_approver"), accepted.get_json(), "resolve",
                   outcome="督办后已解决", amount_recovered_fen=500000)
    assert resolved.status_code == 200
    assert town_queue() == []  # the overdue to-do closes with the resolution


SETTINGS = [(None, 401), ("plain", 403), ("village1_approver", 403), ("town1_reviewer", 200)]


@pytest.mark.parametrize(("who", "status"), SETTINGS)
def test_settings_read_matrix(client, tree, as_user, who, status):
    response = client.get(f"/api/v1/orgs/{tree['town1']}/rights-settings",
                          headers=as_user(who))
    assert response.status_code == status


STATS = [(None, 401), ("plain", 403), ("village1_approver", 403), ("town2_approver", 403),
         ("town1_reviewer", 200), ("county_admin", 200)]


@pytest.mark.parametrize("suffix", ["", ".xlsx"])
@pytest.mark.parametrize(("who", "status"), STATS)
def test_stats_matrix(client, tree, as_user, who, status, suffix):
    response = client.get(f"/api/v1/orgs/{tree['town1']}/rights-stats{suffix}?year=2026",
                          headers=as_user(who))
    assert response.status_code == status


@pytest.mark.parametrize("action", ["steps", "resolve", "follow-up"])
@pytest.mark.parametrize(("who", "status"), [
    ("neighbour", 404), ("village2_approver", 404), ("applicant", 403),
    ("town1_reviewer", 403), ("county_admin", 403)])
def test_handler_actions_matrix(client, as_user, member, action, who, status):
    officer = as_user("village1_approver")
    case = act(client, officer, submitted_case(client, as_user("applicant")), "accept").get_json()
    if action == "follow-up":
        case = act(client, officer, case, "resolve", outcome="已协调").get_json()
    body = {"steps": {"kind": "note", "note": "记录"}, "resolve": {"outcome": "已协调"},
            "follow-up": {"called_on": "2026-12-04", "caller_name": "李",
                          "member_said": "好"}}[action]
    response = act(client, as_user(who), case, action, **body)
    assert response.status_code == status, response.get_json()


@pytest.mark.parametrize(("who", "status"), [
    (None, 401), ("plain", 403), ("village1_approver", 403), ("town1_approver", 403),
    ("town2_approver", 403), ("county_admin", 200)])
def test_settings_write_matrix(client, tree, as_user, who, status):
    response = client.put(f"/api/v1/orgs/{tree['town1']}/rights-settings", headers=as_user(who),
                          json={"accept_days": 2, "resolve_days": 20})
    assert response.status_code == status


def test_unknown_case_is_404(client, as_user):
    assert client.get("/api/v1/rights-cases/987654",
                      headers=as_user("county_admin")).status_code == 404
    assert client.post("/api/v1/rights-cases/987654/accept", headers=as_user("county_approver"),
                       json={"version": 1}).status_code == 404
