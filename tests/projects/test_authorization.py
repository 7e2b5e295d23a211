"""Who may do what on projects, over the org tree; bad input is a 422 envelope."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories.projects import bid_body, project_body, user_id


@pytest.mark.parametrize(("who", "org", "status"), [
    (None, "county", 401), ("plain", "county", 404), ("town1_approver", "county", 404),
    ("town1_reviewer", "town1", 403), ("county_admin", "county", 201),
    ("county_approver", "village1", 201), ("town1_approver", "village2", 201),
    ("village1_approver", "village2", 404), ("town2_approver", "village1", 404),
    ("prov_admin", "province", 422),
])
def test_who_creates_a_project_where(client, tree, as_user, clock, who, org, status):
    response = client.post("/api/v1/projects", headers=as_user(who),
                           json=project_body(tree[org]))
    assert response.status_code == status, response.get_json()
    if status >= 400:
        assert set(response.get_json()["error"]) == {"code", "message", "details",
                                                     "request_id"}


@pytest.fixture
def village_draft(driver):
    return driver(org="village1", officer="village1_approver")


@pytest.mark.parametrize(("who", "status"), [
    (None, 401), ("plain", 404), ("bidder", 404), ("village2_approver", 404),
    ("town2_approver", 404), ("village1_approver", 200), ("town1_reviewer", 200),
    ("county_admin", 200), ("prov_admin", 200),
])
def test_draft_is_seen_only_by_officers_in_scope(village_draft, client, as_user, who, status):
    assert client.get(village_draft.url, headers=as_user(who)).status_code == status
    listed = client.get("/api/v1/projects", headers=as_user(who))
    if who is not None:
        ids = [p["id"] for p in listed.get_json()["items"]]
        assert (village_draft.id in ids) == (status == 200)


@pytest.mark.parametrize(("who", "status"), [
    (None, 401), ("plain", 200), ("village2_approver", 200), ("town2_approver", 200),
])
def test_published_project_is_seen_by_every_logged_in_user(village_draft, client, as_user,
                                                           who, status):
    village_draft.publish()
    assert client.get(village_draft.url, headers=as_user(who)).status_code == status


@pytest.mark.parametrize(("who", "status", "code"), [
    (None, 401, "unauthorized"), ("plain", 403, "only_approvers_of_org"),
    ("bidder", 403, "only_approvers_of_org"), ("town1_approver", 403, "only_approvers_of_org"),
    ("village1_approver", 403, "only_approvers_of_org"),
    ("county_admin", 403, "only_approvers_of_org"), ("county_approver", 200, None),
])
def test_only_an_approver_over_the_org_awards(driver, who, status, code):
    """Everyone sees a published project: who may not award it is told why (403 with the
    reason), never that it does not exist."""
    run = driver()
    run.drive("published")
    run.bid()
    run.clock.shift(timedelta(days=10))
    response = run.post("/award", who, {"bid_id": run.bids["bidder"]["id"], **run.version()})
    assert response.status_code == status, response.get_json()
    if code is not None:
        assert response.get_json()["error"]["code"] == code


@pytest.mark.parametrize(("who", "status"), [
    ("plain", 404), ("bidder", 404), ("town2_approver", 404), ("town1_reviewer", 403),
    ("county_admin", 200),
])
def test_a_draft_stays_404_for_whoever_may_not_see_it(driver, who, status):
    """404 is kept for what the caller may not see at all: a draft outside their grants."""
    run = driver(org="town1", officer="town1_approver")
    response = run.post("/cancel", who, {"reason": "撤回", **run.version()})
    assert response.status_code == status, response.get_json()
    if status == 403:
        assert response.get_json()["error"]["code"] == "only_managers_of_org"


@pytest.mark.parametrize(("who", "status", "code"), [
    ("plain", 403, "only_managers_of_org"), ("town1_reviewer", 403, "only_managers_of_org"),
    ("town2_approver", 403, "only_managers_of_org"), ("bidder", 403, "only_managers_of_org"),
    (None, 401, "unauthorized"),
])
def test_tranches_and_team_need_a_managing_officer(driver, who, status, code):
    run = driver(org="town1", officer="town1_approver")
    run.drive("awarded")
    for path, body in (("/tranches", {"milestone": "m", "amount_fen": 1}),
                       ("/team", {"user_id": 1, "role": "instructor"})):
        response = run.post(path, who, body)
        assert response.status_code == status
        assert response.get_json()["error"]["code"] == code


REPORT = {"period": "2026-12", "text": "t", "actuals": []}


@pytest.mark.parametrize(("who", "path", "body"), [
    ("rival", "/reports", REPORT),
    ("county_approver", "/reports", REPORT),
    ("rival", "/submit", None),
    ("rival", "/volunteers/1/hours", {"hours": 1, "worked_on": "2026-12-01"}),
])
def test_only_the_leader_reports_submits_and_logs_hours(driver, who, path, body):
    run = driver(bidders=("leader", "rival"))
    run.drive("in_progress")
    response = run.post(path, who, body or run.version())
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "leader_only"


@pytest.mark.parametrize(("who", "status", "code"), [
    ("rival", 403, "only_leader_or_managers"), ("plain", 403, "only_leader_or_managers"),
    ("county_approver", 200, None), ("leader", 200, None),
])
def test_the_leader_or_a_manager_starts(driver, who, status, code):
    run = driver(bidders=("leader", "rival"))
    run.drive("awarded")
    response = run.post("/start", who, run.version())
    assert response.status_code == status, response.get_json()
    if code is not None:
        assert response.get_json()["error"]["code"] == code


def test_leader_cannot_evaluate_own_project(driver, app):
    """An approver who also won the bid (as a member) may not score their own result."""
    run = driver(bidders=("county_approver",))
    run.drive("under_review")
    response = run.post("/evaluation", "county_approver",
                        {"score": 100, "outcome": "completed", **run.version()})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "own_project"
    assert user_id(app, "county_approver") == run.project["leader_id"]


@pytest.mark.parametrize(("who", "status"), [
    (None, 401), ("plain", 404), ("town2_approver", 404), ("town1_reviewer", 200),
])
def test_stats_need_an_officer_over_the_org(client, as_user, tree, who, status):
    url = f"/api/v1/orgs/{tree['town1']}/project-stats"
    assert client.get(url, headers=as_user(who)).status_code == status


@pytest.mark.parametrize("change", [
    {"budget_fen": -1}, {"budget_fen": "many"}, {"budget_fen": 10**12 + 1}, {"goals": []},
    {"goals": [{"name": "x", "unit": "人", "target": 0}]},
    {"goals": [{"name": "x", "unit": "人", "target": 1}, {"name": "x", "unit": "个", "target": 2}]},
    {"category": "magic"}, {"bid_deadline": "2026-13-01"}, {"bid_deadline": "2026-11-24"},
    {"due_date": "2026-11-29"}, {"title": ""}, {"title": "a\x07b"}, {"unexpected": 1},
    {"org_id": 0},
])
def test_bad_project_input_is_a_422_envelope(client, tree, as_user, clock, change):
    response = client.post("/api/v1/projects", headers=as_user("county_approver"),
                           json={**project_body(tree["county"]), **change})
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize("change", [
    {"requested_fen": -5}, {"requested_fen": "5"}, {"team": [{"name": "x"}]}, {"plan": ""},
    {"actuals": 1},
])
def test_bad_bid_input_is_422(driver, change):
    run = driver()
    run.drive("published")
    assert run.post("/bids", "bidder", bid_body(**change)).status_code == 422


@pytest.mark.parametrize("report", [
    {"period": "2026-12", "text": "t", "actuals": [{"goal": "无此目标", "actual": 1}]},
    {"period": "", "text": "t", "actuals": []},
    {"period": "2026-12", "text": "t", "actuals": [{"goal": "转移就业", "actual": -1}]},
])
def test_bad_report_input_is_422(driver, report):
    run = driver()
    run.drive("in_progress")
    assert run.post("/reports", "bidder", report).status_code == 422


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "level=planet", "cursor=%%%",
                                   "status=x"])
def test_bad_list_filters_are_422(client, as_user, query):
    response = client.get(f"/api/v1/projects?{query}", headers=as_user("plain"))
    assert response.status_code == 422
