"""The caller's own lists: GET /me/bids, GET /me/projects, and `my_bid` on a project."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from app.auth.models import User
from app.extensions import db
from tests.factories.aid import png_bytes, upload
from tests.factories.projects import NOON, approve_members, bid_body
from tests.helpers import recorded_statements


def items(client, headers, url: str) -> list[dict]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"items", "next_cursor"}
    return body["items"]


def walk(client, headers, url: str, limit: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url + query, headers=headers).get_json()
        pages.append([item.get("id", item.get("team_member_id")) for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


@pytest.mark.parametrize("url", ["/api/v1/me/bids", "/api/v1/me/projects"])
def test_my_lists_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"]


def test_my_bids_show_the_project_title_and_state_with_labels(driver, client, as_user):
    run = driver(bidders=("bidder", "rival"))
    run.drive("published")
    run.bid()
    (mine,) = items(client, as_user("bidder"), "/api/v1/me/bids")
    assert mine["id"] == run.bids["bidder"]["id"]
    assert mine["status"] == "submitted" and mine["status_label"] == "已提交"
    assert mine["project"]["id"] == run.id
    assert mine["project"]["title"] == run.project["title"]
    assert (mine["project"]["status"], mine["project"]["status_label"]) == ("published",
                                                                            "投标中")
    assert mine["project"]["org"]["name"]
    run.award()
    (won,) = items(client, as_user("bidder"), "/api/v1/me/bids")
    (lost,) = items(client, as_user("rival"), "/api/v1/me/bids")
    assert (won["status_label"], won["project"]["status_label"]) == ("已中选", "已揭榜")
    assert lost["status_label"] == "未中选"


def test_nobody_sees_anothers_bids(driver, client, as_user):
    run = driver(bidders=("bidder",))
    run.drive("published")
    run.bid()
    for other in ("county_approver", "stranger"):
        assert items(client, as_user(other), "/api/v1/me/bids") == []


def test_my_bids_page_newest_first(app, driver, client, as_user, tree):
    made = []
    for n in range(3):
        run = driver(bidders=("bidder",), approve=n == 0)
        run.publish()
        made.append(run.ok("/bids", "bidder", bid_body())["id"])
    assert walk(client, as_user("bidder"), "/api/v1/me/bids", 2) == [made[::-1][:2],
                                                                      made[::-1][2:]]


def test_my_projects_show_my_role_and_hours(app, driver, client, as_user):
    run = driver(bidders=("leader",))
    run.drive("in_progress")
    approve_members(app, "helper", "idle", org_id=run.project["org"]["id"])
    place = run.ok("/volunteers", "helper", {"duty": "宣传"})
    run.ok(f"/volunteers/{place['id']}/hours", "leader",
           {"hours": 2.5, "worked_on": "2026-11-30"})
    (led,) = items(client, as_user("leader"), "/api/v1/me/projects")
    assert (led["role"], led["role_label"]) == ("leader", "揭榜人")
    assert led["project"]["id"] == run.id and led["project"]["status_label"] == "实施中"
    (helped,) = items(client, as_user("helper"), "/api/v1/me/projects")
    assert helped == {**helped, "team_member_id": place["id"], "role": "volunteer",
                      "role_label": "志愿者", "duty": "宣传", "hours": 2.5}
    assert items(client, as_user("idle"), "/api/v1/me/projects") == []
    assert items(client, as_user("county_approver"), "/api/v1/me/projects") == []


def test_my_lists_cost_the_same_statements_for_one_row_and_for_many(app, driver, client,
                                                                     as_user, clock):
    def cost(url: str, who: str) -> int:
        headers = as_user(who)
        client.get("/api/v1/me", headers=headers)
        with recorded_statements(app) as seen:
            assert client.get(url, headers=headers).status_code == 200
        return len(seen)

    first = driver(bidders=("leader",))
    first.drive("in_progress")
    approve_members(app, "helper", org_id=first.project["org"]["id"])
    first.ok("/volunteers", "helper", {})
    one = (cost("/api/v1/me/bids", "leader"), cost("/api/v1/me/projects", "helper"))
    for _ in range(3):
        clock.move_to(NOON)  # the last award moved the clock past the deadline
        run = driver(bidders=("leader",), approve=False)
        run.drive("in_progress")
        run.ok("/volunteers", "helper", {})
    assert (cost("/api/v1/me/bids", "leader"), cost("/api/v1/me/projects", "helper")) == one
    assert one[0] <= 3 and one[1] <= 3  # the login's session + user, then the page
    pages = walk(client, as_user("helper"), "/api/v1/me/projects", 3)
    ids = [item for page in pages for item in page]
    assert [len(page) for page in pages] == [3, 1] and ids == sorted(ids, reverse=True)


def test_project_detail_says_whether_i_have_bid(driver, client, as_user):
    run = driver(bidders=("bidder", "other"))
    run.drive("published")
    detail = client.get(run.url, headers=as_user("bidder")).get_json()
    assert detail["my_bid"] is None
    bid = run.ok("/bids", "bidder", bid_body())
    detail = client.get(run.url, headers=as_user("bidder")).get_json()
    assert detail["my_bid"] == {"id": bid["id"], "status": "submitted", "status_label": "已提交",
                                "version": bid["version"]}
    assert client.get(run.url, headers=as_user("other")).get_json()["my_bid"] is None
    listed = client.get("/api/v1/projects", headers=as_user("bidder")).get_json()["items"]
    assert next(p for p in listed if p["id"] == run.id)["my_bid"]["id"] == bid["id"]
    withdrawn = run.ok(f"/bids/{bid['id']}/withdraw", "bidder", {"version": bid["version"]})
    assert withdrawn["status"] == "withdrawn"
    assert client.get(run.url, headers=as_user("bidder")).get_json()["my_bid"] is None


def test_team_and_bid_lists_never_show_a_null_name(app, driver, client, as_user, tmp_path,
                                                   monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", str(tmp_path / "files"))
    run = driver(bidders=("leader", "second"))
    run.drive("published")
    leader = as_user("leader")
    picture = upload(client, leader, png_bytes(size=(32, 32))).get_json()["id"]
    set_up = client.patch("/api/v1/me", headers=leader,
                          json={"nickname": "乔梅花", "avatar_file_id": picture}).get_json()
    approve_members(app, "helper", org_id=run.project["org"]["id"])
    with app.app_context():  # two users who never set a nickname
        db.session.execute(update(User).where(User.openid.in_(("mock-second", "mock-helper")))
                           .values(nickname=None))
        db.session.commit()
    run.bid()
    run.award()
    bids = items(client, as_user("county_approver"), f"{run.url}/bids")
    by_bidder = {bid["bidder_id"]: bid for bid in bids}
    assert by_bidder[set_up["id"]]["bidder_name"] == "乔梅花"
    assert by_bidder[set_up["id"]]["bidder_avatar_url"] == set_up["avatar_url"]
    (other,) = [bid for bid in bids if bid["bidder_id"] != set_up["id"]]
    assert re.fullmatch(r"微信用户\d{4}", other["bidder_name"])
    assert other["bidder_avatar_url"] is None
    run.ok("/volunteers", "helper", {})
    team = items(client, as_user("helper"), f"{run.url}/team")
    names = {member["role"]: member for member in team}
    assert names["leader"]["display_name"] == "乔梅花"
    assert names["leader"]["avatar_url"] == set_up["avatar_url"]
    assert names["volunteer"]["nickname"] is None
    assert re.fullmatch(r"微信用户\d{4}", names["volunteer"]["display_name"])
    # the picture is what a teammate's <image src> loads, without a token
    assert client.get(names["leader"]["avatar_url"]).status_code == 200
