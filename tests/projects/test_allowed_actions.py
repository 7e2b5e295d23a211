"""`allowed_actions` per caller and per state: what is listed succeeds when posted as is, and
everything else is refused."""

from __future__ import annotations

import pytest

from app.projects.actions import ACTIONS
from tests.factories.projects import AFTER_DEADLINE, NOON, approve_members, bid_body, user_id

STATES = ["draft", "published", "bidding_closed", "awarded", "in_progress", "under_review",
          "completed", "failed", "cancelled"]
# county_approver decides and manages, county_admin manages, "bidder" wins the bid and leads,
# "member" is an approved member who has not bid, "plain" is any logged-in worker
EXPECTED = {
    "county_approver": {
        "draft": ["edit", "publish", "cancel"], "published": ["cancel"],
        "bidding_closed": ["cancel", "award"],
        "awarded": ["start", "release_tranche", "add_team_member"],
        "in_progress": ["release_tranche", "add_team_member"],
        "under_review": ["release_tranche", "add_team_member", "completed", "failed", "rework"],
    },
    "county_admin": {
        "draft": ["edit", "publish", "cancel"], "published": ["cancel"],
        "bidding_closed": ["cancel"],
        "awarded": ["start", "release_tranche", "add_team_member"],
        "in_progress": ["release_tranche", "add_team_member"],
        "under_review": ["release_tranche", "add_team_member"],
    },
    # the leader: a member of the project's subtree, but the people who work on a project do
    # not answer its survey
    "bidder": {
        "published": ["bid"], "awarded": ["start"],
        "in_progress": ["report", "submit"],
    },
    # an approved member of village1, under the county project: a beneficiary
    "member": {
        "published": ["bid"], "awarded": ["volunteer"],
        "in_progress": ["volunteer", "answer_survey"],
        "under_review": ["answer_survey"], "completed": ["answer_survey"],
    },
    "plain": {},  # not a member: not among the beneficiaries
}


def reach(run, state: str) -> None:
    if state == "bidding_closed":
        run.drive("published")
        run.bid()
        run.clock.move_to(AFTER_DEADLINE)
    else:
        run.drive(state)


def request(run, app, action: str, version: int) -> tuple[str, str, dict]:
    """The one request a screen sends for `action`, with the version it shows."""
    seen = {"version": version}
    bid_id = run.bids["bidder"]["id"] if "bidder" in run.bids else 1
    return {
        "edit": ("PATCH", "", {"title": "改过的标题", **seen}),
        "publish": ("POST", "/publish", seen),
        "cancel": ("POST", "/cancel", {"reason": "撤回", **seen}),
        "bid": ("POST", "/bids", bid_body()),
        "award": ("POST", "/award", {"bid_id": bid_id, **seen}),
        "start": ("POST", "/start", seen),
        "volunteer": ("POST", "/volunteers", {}),
        "report": ("POST", "/reports", {"period": "2026-12", "text": "t", "actuals": []}),
        "release_tranche": ("POST", "/tranches", {"milestone": "首期", "amount_fen": 100}),
        "add_team_member": ("POST", "/team", {"user_id": user_id(app, "plain"),
                                              "role": "instructor"}),
        "submit": ("POST", "/submit", seen),
        "completed": ("POST", "/evaluation", {"score": 90, "outcome": "completed", **seen}),
        "failed": ("POST", "/evaluation", {"score": 30, "outcome": "failed", **seen}),
        "rework": ("POST", "/evaluation", {"score": 60, "outcome": "rework", **seen}),
        "answer_survey": ("POST", "/survey", {"satisfied": True}),
    }[action]


def send(run, app, who: str, action: str):
    method, path, body = request(run, app, action, run.refresh()["version"])
    return run.client.open(f"{run.url}{path}", method=method, headers=run.as_user(who),
                           json=body)


@pytest.fixture
def setup(app, client, as_user, tree):
    approve_members(app, "member", org_id=tree["village1"])
    as_user("plain")  # the worker has an account (the instructor added by add_team_member)


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("state", STATES)
def test_listed_actions_succeed_and_unlisted_ones_are_refused(app, driver, setup, client,
                                                               as_user, who, state):
    expected = EXPECTED[who].get(state, [])
    run = driver()
    reach(run, state)
    shown = client.get(run.url, headers=as_user(who))
    listed = shown.get_json()["allowed_actions"] if shown.status_code == 200 else []
    assert shown.status_code == (404 if state in ("draft", "cancelled") and who in
                                 ("bidder", "member", "plain") else 200)
    assert listed == expected
    listed_in_the_list = client.get("/api/v1/projects", headers=as_user(who)).get_json()
    assert [p["allowed_actions"] for p in listed_in_the_list["items"]
            if p["id"] == run.id] == ([expected] if shown.status_code == 200 else [])
    for action in ACTIONS:
        if action in expected:
            continue
        refused = send(run, app, who, action)
        assert refused.status_code >= 400, (action, refused.get_json())
    for action in expected:
        run.clock.move_to(NOON)
        fresh = driver(approve=False)
        reach(fresh, state)
        done = send(fresh, app, who, action)
        assert done.status_code in (200, 201), (action, done.get_json())


def test_actions_differ_between_callers_on_the_same_project(driver, setup, client, as_user):
    run = driver()
    reach(run, "in_progress")
    seen = {who: client.get(run.url, headers=as_user(who)).get_json()["allowed_actions"]
            for who in ("county_approver", "bidder", "plain")}
    assert len({tuple(actions) for actions in seen.values()}) == 3
    run.submit()
    review = client.get(run.url, headers=as_user("county_approver")).get_json()
    # the outcomes the evaluation endpoint takes, never the machine's complete/fail
    assert {"completed", "failed", "rework"} <= set(review["allowed_actions"])
    assert not {"complete", "fail"} & set(review["allowed_actions"])
