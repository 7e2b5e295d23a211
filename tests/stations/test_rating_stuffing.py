"""Rating stuffing (issue 16 item 5): a rating needs a check-in at the station in the last
RATING_CHECKIN_DAYS days, and counts once per user per station (a new one replaces the old)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.stations.models import Feedback
from tests.factories.projects import user_id
from tests.factories.stations import check_in


def rate(client, headers, station_id, rating, text=None):
    return client.post(f"/api/v1/stations/{station_id}/feedback", headers=headers,
                       json={"rating": rating, "text": text})


def figures(client, station_id):
    detail = client.get(f"/api/v1/stations/{station_id}").get_json()
    return detail["rating"], detail["rating_count"]


def test_no_checkin_no_rating(app, client, as_user, station_id, fake_wechat):
    response = rate(client, as_user("plain"), station_id, 1)
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "checkin_required" and error["details"] == {"days": 7}
    assert "签到" in error["message"] and "7" in error["message"]
    assert figures(client, station_id) == (None, 0)


def test_checkin_elsewhere_does_not_count(app, client, as_user, station_id, tree):
    from tests.factories.stations import make_station
    with app.app_context():
        other = make_station(tree["village1"], 36.62, 101.78).id
        db.session.commit()
    check_in(client, as_user("plain"), app, other)
    assert rate(client, as_user("plain"), station_id, 1).status_code == 403


def test_checkin_older_than_the_window_does_not_count(app, client, as_user, station_id, clock):
    check_in(client, as_user("plain"), app, station_id)
    clock.shift(timedelta(days=6, hours=23))
    assert rate(client, as_user("plain"), station_id, 4).status_code == 201
    clock.shift(timedelta(hours=2))
    response = rate(client, as_user("plain"), station_id, 1)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == \
        "checkin_required"


def test_the_window_is_configured(app, client, as_user, station_id, clock):
    app.config["RATING_CHECKIN_DAYS"] = 1
    check_in(client, as_user("plain"), app, station_id)
    clock.shift(timedelta(days=2))
    response = rate(client, as_user("plain"), station_id, 3)
    assert response.get_json()["error"]["details"] == {"days": 1}


def test_ten_one_star_ratings_count_once(app, client, as_user, station_id):
    check_in(client, as_user("worker2"), app, station_id)
    assert rate(client, as_user("worker2"), station_id, 5).status_code == 201
    check_in(client, as_user("plain"), app, station_id)
    for _ in range(10):
        assert rate(client, as_user("plain"), station_id, 1).status_code == 201
    assert figures(client, station_id) == (3.0, 2)
    # a new rating replaces the old one
    assert rate(client, as_user("plain"), station_id, 4).status_code == 201
    assert figures(client, station_id) == (4.5, 2)
    with app.app_context():
        current = db.session.scalar(select(func.count()).select_from(Feedback).where(
            Feedback.superseded_at.is_(None)))
    assert current == 2


def test_the_database_holds_one_current_rating(app, client, as_user, station_id):
    check_in(client, as_user("plain"), app, station_id)
    assert rate(client, as_user("plain"), station_id, 2).status_code == 201
    plain = user_id(app, "plain")
    with app.app_context():
        db.session.add(Feedback(station_id=station_id, user_id=plain, rating=1,
                                status="visible", version=1))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
