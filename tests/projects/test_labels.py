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
