"""Racing officers over one station or one feedback against PostgreSQL: exactly one wins."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.stations.cards import card
from app.stations.models import Station, StationSearchRow
from tests.concurrency import race, statuses

pytestmark = pytest.mark.postgres


def test_racing_edits_of_one_version_one_wins_and_the_card_follows(app, as_user, station_id):
    admins = ["county_admin", "prov_admin"] * 5
    responses = race(app, [
        ("patch", f"/api/v1/stations/{station_id}", as_user(who),
         {"name": f"名字{n}", "version": 1}) for n, who in enumerate(admins)])
    counts = statuses(responses)
    assert counts[200] == 1 and counts[409] == len(admins) - 1, counts
    winner = next(r for r in responses if r.status_code == 200).get_json()
    with app.app_context():
        station = db.session.get(Station, station_id)
        row = db.session.scalar(select(StationSearchRow)
                                .where(StationSearchRow.station_id == station_id))
        assert station.name == winner["name"] and station.version == 2
        assert row.card == card(station)


def test_racing_reviews_of_held_feedback_one_wins(app, as_user, held):
    responses = race(app, [
        ("post", f"/api/v1/feedback/{held}/review", as_user("county_admin"),
         {"action": "approve" if n % 2 else "reject", "version": 1}) for n in range(8)])
    counts = statuses(responses)
    assert counts[200] == 1 and counts[409] == 7, counts


def test_racing_ratings_are_all_counted_on_the_card(app, client, as_user, station_id,
                                                    fake_wechat):
    """Twelve workers who checked in rate at once: the read model's counters lose none
    (atomic UPDATE)."""
    from tests.factories.stations import check_in

    ratings = [5, 4, 3, 2, 1, 5, 4, 3, 5, 5, 4, 2]
    users = [f"rater{n}" for n in range(len(ratings))]
    headers = [as_user(user) for user in users]
    for one in headers:
        assert check_in(client, one, app, station_id).status_code == 201
    responses = race(app, [
        ("post", f"/api/v1/stations/{station_id}/feedback", headers[n], {"rating": rating})
        for n, rating in enumerate(ratings)])
    assert statuses(responses)[201] == len(ratings), statuses(responses)
    with app.app_context():
        row = db.session.scalar(select(StationSearchRow)
                                .where(StationSearchRow.station_id == station_id))
        assert (row.rating_sum, row.rating_count) == (sum(ratings), len(ratings))
    card_ = client.get("/api/v1/stations/nearby?lat=36.6171&lng=101.7782").get_json()["items"][0]
    assert card_["rating"] == round(sum(ratings) / len(ratings), 2)
    assert card_["rating_count"] == len(ratings)
