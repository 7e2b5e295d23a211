"""The officers' station list: a real keyset page, a constant number of statements."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories.stations import check_in, make_station
from tests.helpers import recorded_statements

WEEKDAYS = {"weekly": {"mon": [["08:00", "20:00"]]}}


def add_stations(app, org_id: int, count: int, **overrides) -> None:
    with app.app_context():
        for n in range(count):
            make_station(org_id, 36.6 + n * 0.0001, 101.77, name=f"站{n}", **overrides)
        db.session.commit()


def statements_of(app, call) -> tuple[int, object]:
    with recorded_statements(app) as seen:
        response = call()
    return len(seen), response


def test_a_page_costs_the_same_statements_for_10_and_100_rows(app, client, tree, as_user):
    headers = as_user("county_admin")
    url = f"/api/v1/orgs/{tree['county']}/stations?limit=100"
    counts = {}
    for rows in (10, 100):
        add_stations(app, tree["village1"], rows - sum(counts), opening_hours=WEEKDAYS)
        client.get(url, headers=headers)  # warm: the login's own statements are not counted
        counts[rows], response = statements_of(app, lambda: client.get(url, headers=headers))
        assert len(response.get_json()["items"]) == rows
    assert counts[10] == counts[100]


def test_pages_follow_the_cursor_and_ratings_match_the_detail(app, client, tree, as_user):
    add_stations(app, tree["village1"], 5)
    headers = as_user("county_admin")
    url = f"/api/v1/orgs/{tree['town1']}/stations?limit=2"
    first = client.get(url, headers=headers).get_json()["items"][0]
    check_in(client, as_user("plain"), app, first["id"])
    client.post(f"/api/v1/stations/{first['id']}/feedback", headers=as_user("plain"),
                json={"rating": 4})
    seen, cursor = [], None
    while True:
        body = client.get(url + (f"&cursor={cursor}" if cursor else ""), headers=headers)
        assert body.status_code == 200
        page = body.get_json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [item["id"] for item in seen] == sorted(item["id"] for item in seen)
    assert len(seen) == 5
    detail = client.get(f"/api/v1/stations/{first['id']}", headers=headers).get_json()
    listed = next(item for item in seen if item["id"] == first["id"])
    assert listed == detail
    assert (listed["rating"], listed["rating_count"]) == (4.0, 1)


@pytest.mark.parametrize("cursor", ["nonsense", "WyJ4Il0", "e30"])
def test_a_mangled_cursor_is_422(client, tree, as_user, cursor):
    response = client.get(f"/api/v1/orgs/{tree['county']}/stations?cursor={cursor}",
                          headers=as_user("county_admin"))
    assert response.status_code == 422
