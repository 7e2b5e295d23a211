"""Bids: members only, one live bid each, edit and withdraw until the award, Shanghai deadline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.factories.projects import approve_members, bid_body


@pytest.fixture
def published(driver):
    run = driver(bidders=("bidder", "rival"))
    run.drive("published")
    return run


def test_non_member_cannot_bid(published):
    response = published.post("/bids", "plain", bid_body())
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "members_only"


def test_pending_member_cannot_bid(app, published):
    from app.extensions import db
    from app.members.models import Membership

    with app.app_context():
        membership = db.session.query(Membership).first()
        membership.status = "pending"
        db.session.commit()
    assert published.post("/bids", "bidder", bid_body()).status_code == 403


def test_one_live_bid_per_member_and_rebid_after_withdraw(published):
    first = published.ok("/bids", "bidder", bid_body())
    again = published.post("/bids", "bidder", bid_body())
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "bid_exists"
    withdrawn = published.ok(f"/bids/{first['id']}/withdraw", "bidder",
                             {"version": first["version"]})
    assert withdrawn["status"] == "withdrawn"
    assert published.post("/bids", "bidder", bid_body()).status_code == 201


@pytest.mark.parametrize("again", ["withdraw", "edit"])
def test_a_withdrawn_bid_says_it_is_withdrawn_not_stale(published, client, as_user, again):
    bid = published.ok("/bids", "bidder", bid_body())
    withdrawn = published.ok(f"/bids/{bid['id']}/withdraw", "bidder", {"version": 1})
    url = f"{published.url}/bids/{bid['id']}"
    body = {"version": withdrawn["version"]}
    headers = {**as_user("bidder"), "Accept-Language": "en"}  # the English wording is checked
    response = (client.post(f"{url}/withdraw", headers=headers, json=body)
                if again == "withdraw" else
                client.patch(url, headers=headers, json={"plan": "新", **body}))
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["details"] == {"status": "withdrawn", "action": again, "allowed": []}
    assert error["message"].startswith("This bid is withdrawn;")


def test_bidder_edits_with_version(published, client, as_user):
    bid = published.ok("/bids", "bidder", bid_body())
    url = f"{published.url}/bids/{bid['id']}"
    edited = client.patch(url, headers=as_user("bidder"),
                          json={"requested_fen": 5_000_00, "version": bid["version"]})
    assert edited.status_code == 200 and edited.get_json()["requested_fen"] == 5_000_00
    stale = client.patch(url, headers=as_user("bidder"),
                         json={"plan": "新方案", "version": bid["version"]})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "stale_version"
    assert stale.get_json()["error"]["details"] == {"status": "submitted", "version": 2}
    assert client.patch(url, headers=as_user("rival"),
                        json={"plan": "抢", "version": 2}).status_code == 404


def test_requested_amount_above_budget_is_422(published):
    response = published.post("/bids", "bidder", bid_body(requested_fen=10_000_01))
    assert response.status_code == 422
    assert "requested_fen" in response.get_json()["error"]["details"]["fields"]


@pytest.mark.parametrize(("shanghai_time", "status"), [
    (datetime(2026, 11, 30, 23, 59), 201),   # 23:59 on the deadline day in Shanghai
    (datetime(2026, 12, 1, 0, 0), 409),      # midnight: closed
    (datetime(2026, 12, 1, 0, 1), 409),
])
def test_bid_deadline_is_a_shanghai_day(published, clock, shanghai_time, status):
    from app.core.time import SHANGHAI

    clock.move_to(shanghai_time.replace(tzinfo=SHANGHAI).astimezone(UTC))
    response = published.post("/bids", "bidder", bid_body())
    assert response.status_code == status, response.get_json()
    if status == 409:
        assert response.get_json()["error"]["code"] == "bidding_closed"


def test_award_waits_for_the_deadline(published):
    bid = published.ok("/bids", "bidder", bid_body())
    early = published.post("/award", "county_approver",
                           {"bid_id": bid["id"], **published.version()})
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "bidding_open"
    # the time in the details reads as the project shows it: Asia/Shanghai, +08:00
    assert early.get_json()["error"]["details"] == {
        "bids_close_at": "2026-12-01T00:00:00+08:00"}
    assert published.project["bids_close_at"] == "2026-12-01T00:00:00+08:00"


def test_withdrawn_bid_cannot_win_and_losers_are_marked(published, client, as_user):
    mine = published.ok("/bids", "bidder", bid_body())
    theirs = published.ok("/bids", "rival", bid_body())
    published.ok(f"/bids/{theirs['id']}/withdraw", "rival", {"version": 1})
    published.clock.move_to(datetime(2026, 12, 2, tzinfo=UTC))
    refused = published.post("/award", "county_approver",
                             {"bid_id": theirs["id"], **published.version()})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "bid_not_live"
    published.ok("/award", "county_approver", {"bid_id": mine["id"], **published.version()})
    late = published.post(f"/bids/{mine['id']}/withdraw", "bidder", {"version": 2})
    assert late.status_code == 409


def test_bidder_sees_only_own_bids_and_officers_see_all(published, client, as_user, app, tree):
    approve_members(app, "third", org_id=tree["village2"])
    for name in ("bidder", "rival"):
        published.ok("/bids", name, bid_body())
    url = f"{published.url}/bids"
    own = client.get(url, headers=as_user("bidder")).get_json()["items"]
    assert len(own) == 1 and own[0]["plan"] == "组建工作专班"
    assert client.get(url, headers=as_user("third")).get_json()["items"] == []
    assert len(client.get(url, headers=as_user("town1_approver")).get_json()["items"]) == 0
    assert len(client.get(url, headers=as_user("county_approver")).get_json()["items"]) == 2
    assert len(client.get(url, headers=as_user("prov_admin")).get_json()["items"]) == 2
