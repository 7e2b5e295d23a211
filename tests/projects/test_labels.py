"""Projects show labels next to codes, and their messages name states by label, not code."""

from __future__ import annotations

import pytest

from tests.factories.projects import bid_body

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def published(driver):
    run = driver()
    run.drive("published")
    return run


def test_not_running_names_the_status_by_its_label(published, client, as_user):
    refused = published.post("/tranches", "county_approver", {"milestone": "m", "amount_fen": 1})
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "project_not_running"
    assert error["message"] == "项目当前为“投标中”，不能进行此操作。"
    assert error["details"]["status"] == "published"  # details keep the code
    english = client.post(f"{published.url}/tranches", json={"milestone": "m", "amount_fen": 1},
                          headers={**as_user("county_approver"), **ENGLISH})
    assert english.get_json()["error"]["message"] == \
        "Not possible while the project is open for bids."


def test_an_invalid_transition_names_states_and_actions_by_label(published, client, as_user):
    bid = published.ok("/bids", "bidder", bid_body())
    published.ok(f"/bids/{bid['id']}/withdraw", "bidder", {"version": 1})
    again = published.post(f"/bids/{bid['id']}/withdraw", "bidder", {"version": 2})
    error = again.get_json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["message"] == "当前揭榜方案状态为“已撤回”，不能执行“撤回”，目前没有可执行的操作。"
    assert error["details"] == {"status": "withdrawn", "action": "withdraw", "allowed": []}


def test_a_project_shows_labels_next_to_its_codes(published, client, as_user):
    project = client.get(published.url, headers=as_user("plain")).get_json()
    assert (project["status"], project["status_label"]) == ("published", "投标中")
    assert (project["category"], project["category_label"]) == ("employment", "就业创业")
    assert project["org"]["level_label"] == "县级"
    english = client.get(published.url, headers={**as_user("plain"), **ENGLISH}).get_json()
    assert english["status_label"] == "Open for bids"
    assert english["category_label"] == "Employment and business"


def test_a_bid_shows_its_status_label(published, client, as_user):
    bid = published.ok("/bids", "bidder", bid_body())
    assert (bid["status"], bid["status_label"]) == ("submitted", "已提交")
