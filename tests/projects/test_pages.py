"""Every project list is a real keyset page, and a page costs the same statements at any length."""

from __future__ import annotations

import pytest

from tests.factories.projects import approve_members, user_id
from tests.helpers import recorded_statements


def walk(client, headers, url: str, limit: int) -> list[list[int]]:
    """The ids of every page of `url`, following next_cursor to the end."""
    pages, cursor = [], None
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(url + query, headers=headers)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


@pytest.fixture
def running(app, driver, as_user):
    """A project in progress with 3 bids, a team of 4, 3 reports and 3 tranches."""
    run = driver(bidders=("leader", "second", "third"))
    run.drive("in_progress")
    run.ok("/team", "county_approver", {"user_id": user_id(app, "town1_reviewer"),
                                        "role": "instructor"})
    approve_members(app, "helper1", "helper2", org_id=run.project["org"]["id"])
    for name in ("helper1", "helper2"):
        run.ok("/volunteers", name, {"duty": "宣传"})
    for month in ("2026-12", "2027-01", "2027-02"):
        run.ok("/reports", "leader", {"period": month, "text": "进展", "actuals": []})
        run.ok("/tranches", "county_approver", {"milestone": month, "amount_fen": 100_00})
    return run


@pytest.mark.parametrize(("path", "count"), [
    ("/bids", 3), ("/team", 4), ("/reports", 3), ("/tranches", 3),
])
def test_sub_lists_page_with_a_cursor_oldest_first(running, client, as_user, path, count):
    pages = walk(client, as_user("county_approver"), running.url + path, limit=2)
    ids = [item for page in pages for item in page]
    assert [len(page) for page in pages] == [2, count - 2]
    assert ids == sorted(ids) and len(set(ids)) == count


def test_project_list_pages_newest_first(driver, client, as_user):
    made = [driver(bidders=()).id for _ in range(3)]
    pages = walk(client, as_user("county_approver"), "/api/v1/projects", limit=2)
    assert pages == [made[::-1][:2], made[::-1][2:]]


def test_a_page_costs_the_same_statements_at_any_length(app, driver, client, as_user):
    """No N+1: the project list and the team list run as many statements for 1 row as for 3."""
    def cost(url: str) -> int:
        headers = as_user("county_approver")  # logs in again after the clock moved
        with recorded_statements(app) as seen:
            assert client.get(url, headers=headers).status_code == 200
        return len(seen)

    first = driver()
    one_project = cost("/api/v1/projects")
    driver(bidders=())
    driver(bidders=())
    assert cost("/api/v1/projects") == one_project
    first.drive("awarded")
    one_member = cost(f"{first.url}/team")
    approve_members(app, "helper1", "helper2", org_id=first.project["org"]["id"])
    for name in ("helper1", "helper2"):
        first.ok("/volunteers", name, {})
    assert cost(f"{first.url}/team") == one_member
