"""Who may do what on projects, over the org tree; bad input is a 422 envelope."""

from __future__ import annotations

from datetime import timedelta

from tests.projects.conftest import bid_body, project_body, user_id

CREATE_MATRIX = [
    (None, "county", 401), ("plain", "county", 404), ("town1_approver", "county", 404),
    ("town1_reviewer", "town1", 403), ("county_admin", "county", 201),
    ("county_approver", "village1", 201), ("town1_approver", "village2", 201),
    ("village1_approver", "village2", 404), ("town2_approver", "village1", 404),
    ("prov_admin", "province", 422),
]


def test_create_matrix(client, tree, as_user, clock):
    for who, org, status in CREATE_MATRIX:
        response = client.post("/api/v1/projects", headers=as_user(who),
                               json=project_body(tree[org]))
        assert response.status_code == status, (who, org, response.get_json())
        if status >= 400:
            assert set(response.get_json()["error"]) == {"code", "message", "details",
                                                         "request_id"}


DRAFT_VIEW = [(None, 401), ("plain", 404), ("bidder", 404), ("village2_approver", 404),
              ("town2_approver", 404), ("village1_approver", 200), ("town1_reviewer", 200),
              ("county_admin", 200), ("prov_admin", 200)]


def test_draft_is_seen_only_by_officers_in_scope(driver, client, as_user):
    run = driver(org="village1", officer="village1_approver")
    for who, status in DRAFT_VIEW:
        assert client.get(run.url, headers=as_user(who)).status_code == status, who
        listed = client.get("/api/v1/projects", headers=as_user(who))
        if who is not None:
            ids = [p["id"] for p in listed.get_json()["items"]]
            assert (run.id in ids) == (status == 200), who


def test_published_project_is_seen_by_every_logged_in_user(driver, client, as_user):
    run = driver(org="village1", officer="village1_approver")
    run.publish()
    for who in ("plain", "village2_approver", "town2_approver"):
        assert client.get(run.url, headers=as_user(who)).status_code == 200
    assert client.get(run.url).status_code == 401


AWARD_MATRIX = [(None, 401), ("plain", 404), ("bidder", 404), ("town1_approver", 404),
                ("village1_approver", 404), ("county_admin", 403), ("county_approver", 200)]


def test_only_an_approver_over_the_org_awards(driver):
    """A town officer cannot award a county project; an admin without approver is 403."""
    run = driver()
    run.drive("published")
    run.bid()
    run.clock.shift(timedelta(days=10))
    for who, status in AWARD_MATRIX:  # the one allowed caller comes last
        response = run.post("/award", who, {"bid_id": run.bids["bidder"]["id"],
                                            **run.version()})
        assert response.status_code == status, (who, response.get_json())


def test_tranches_and_team_need_a_managing_officer(driver):
    run = driver(org="town1", officer="town1_approver")
    run.drive("awarded")
    for who, status in [("plain", 404), ("town1_reviewer", 403), ("town2_approver", 404),
                        ("bidder", 404), (None, 401)]:
        tranche = run.post("/tranches", who, {"milestone": "m", "amount_fen": 1})
        assert tranche.status_code == status, who
        team = run.post("/team", who, {"user_id": 1, "role": "instructor"})
        assert team.status_code == status, who


def test_only_the_leader_reports_submits_and_logs_hours(driver, app):
    run = driver(bidders=("leader", "rival"))
    run.drive("in_progress")
    report = {"period": "2026-12", "text": "t", "actuals": []}
    assert run.post("/reports", "rival", report).status_code == 403
    assert run.post("/reports", "county_approver", report).status_code == 403
    assert run.post("/submit", "rival", run.version()).status_code == 403
    assert run.post("/volunteers/1/hours", "rival",
                    {"hours": 1, "worked_on": "2026-12-01"}).status_code == 403


def test_leader_cannot_evaluate_own_project(driver, app):
    """An approver who also won the bid (as a member) may not score their own result."""
    run = driver(bidders=("county_approver",))
    run.drive("under_review")
    response = run.post("/evaluation", "county_approver",
                        {"score": 100, "outcome": "completed", **run.version()})
    assert response.status_code == 403
    assert user_id(app, "county_approver") == run.project["leader_id"]


def test_stats_need_an_officer_over_the_org(client, as_user, tree):
    url = f"/api/v1/orgs/{tree['town1']}/project-stats"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=as_user("plain")).status_code == 404
    assert client.get(url, headers=as_user("town2_approver")).status_code == 404
    assert client.get(url, headers=as_user("town1_reviewer")).status_code == 200


BAD_PROJECT_INPUT = [
    {"budget_fen": -1}, {"budget_fen": "many"}, {"goals": []},
    {"goals": [{"name": "x", "unit": "人", "target": 0}]},
    {"goals": [{"name": "x", "unit": "人", "target": 1}, {"name": "x", "unit": "个", "target": 2}]},
    {"category": "magic"}, {"bid_deadline": "2026-13-01"}, {"bid_deadline": "2026-11-24"},
    {"due_date": "2026-11-29"}, {"title": ""}, {"unexpected": 1}, {"org_id": 0},
]


def test_bad_project_input_is_a_422_envelope(client, tree, as_user, clock):
    for change in BAD_PROJECT_INPUT:
        response = client.post("/api/v1/projects", headers=as_user("county_approver"),
                               json={**project_body(tree["county"]), **change})
        assert response.status_code == 422, (change, response.get_json())
        assert response.get_json()["error"]["code"] == "validation_error"


def test_bad_bid_and_report_input_is_422(driver):
    run = driver()
    run.drive("published")
    for change in ({"requested_fen": -5}, {"team": [{"name": "x"}]}, {"plan": ""},
                   {"actuals": 1}):
        assert run.post("/bids", "bidder", bid_body(**change)).status_code == 422, change
    run.bid()
    run.award()
    run.start()
    for report in ({"period": "2026-12", "text": "t", "actuals": [{"goal": "无此目标",
                                                                  "actual": 1}]},
                   {"period": "", "text": "t", "actuals": []},
                   {"period": "2026-12", "text": "t", "actuals": [{"goal": "转移就业",
                                                                  "actual": -1}]}):
        assert run.post("/reports", "bidder", report).status_code == 422, report


def test_bad_list_filters_are_422(client, as_user, tree):
    for query in ("limit=0", "limit=101", "level=planet", "cursor=%%%", "status=x"):
        response = client.get(f"/api/v1/projects?{query}", headers=as_user("plain"))
        assert response.status_code == 422, query
