"""One user's racing ratings of one station against PostgreSQL: one current rating remains."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.stations.models import Feedback
from tests.concurrency import race, statuses
from tests.factories.stations import check_in

pytestmark = pytest.mark.postgres


def test_racing_ratings_of_one_user_leave_one_that_counts(app, client, as_user, station_id):
    check_in(client, as_user("plain"), app, station_id)
    responses = race(app, [
        ("post", f"/api/v1/stations/{station_id}/feedback", as_user("plain"),
         {"rating": 1 + n % 5}) for n in range(8)])
    counts = statuses(responses)
    assert counts[201] >= 1 and counts[201] + counts[409] == 8, counts
    with app.app_context():
        current = db.session.scalars(select(Feedback.rating).where(
            Feedback.station_id == station_id, Feedback.superseded_at.is_(None))).all()
        total = db.session.scalar(select(func.count()).select_from(Feedback))
    assert len(current) == 1 and total == counts[201]
    detail = client.get(f"/api/v1/stations/{station_id}").get_json()
    assert detail["rating_count"] == 1 and detail["rating"] == current[0]
