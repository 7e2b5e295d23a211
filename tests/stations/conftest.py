"""Fixtures of the stations tests: a station of village1, feedback held for review."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories.stations import check_in, make_station


@pytest.fixture
def station_id(app, client, tree) -> int:
    """An active station of village1 (version 1)."""
    with app.app_context():
        station = make_station(tree["village1"], 36.6171, 101.7782)
        db.session.commit()
        return station.id


@pytest.fixture
def held(app, client, as_user, station_id, fake_wechat) -> int:
    """Feedback on `station_id` the content check held for review (version 1)."""
    check_in(client, as_user("plain"), app, station_id)
    response = client.post(f"/api/v1/stations/{station_id}/feedback", headers=as_user("plain"),
                           json={"rating": 2, "text": "待审词"})
    assert response.get_json()["status"] == "in_review"
    return response.get_json()["id"]
