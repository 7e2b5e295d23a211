"""Nearby cards for a list screen: today's hours as text, services with labels, rating,
thumbnail and wx.openLocation; web map links only in the station's detail."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.core.time import SHANGHAI
from app.extensions import db
from app.stations import hours
from app.stations.search import add_rating
from tests.factories.stations import make_station

XINING = (36.6171, 101.7782)
MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=SHANGHAI)
WEEKDAYS = {"weekly": {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}}
NEARBY = f"/api/v1/stations/nearby?lat={XINING[0]}&lng={XINING[1]}"


def one_card(client, query="", **headers):
    body = client.get(NEARBY + query, headers=headers).get_json()
    [item] = body["items"]
    return item


@pytest.fixture
def place(app, tree):
    def make(**overrides):
        with app.app_context():
            station = make_station(tree["village1"], *XINING, **overrides)
            db.session.commit()
            return station.id
    return make


@pytest.mark.parametrize(("opening_hours", "zh", "en"), [
    (WEEKDAYS, "今天 08:00–20:00", "Today 08:00–20:00"),
    ({"always": True}, "今天 24 小时营业", "Open 24 hours today"),
    ({}, "营业时间未知", "Opening hours unknown"),
    ({"always": True, "closed_dates": ["2026-11-30"]}, "今天休息", "Closed today"),
    ({"weekly": {"sat": [["09:00", "12:00"]]}}, "今天休息", "Closed today"),
    ({"weekly": {"mon": [["22:00", "06:00"]], "tue": [["09:00", "12:00"]]}},
     "今天 22:00–次日06:00", "Today 22:00–06:00 next day"),
])
def test_today_hours_as_text_in_both_languages(client, place, clock, opening_hours, zh, en):
    clock.move_to(MONDAY_NOON)
    place(opening_hours=opening_hours)
    assert one_card(client)["today_hours"] == zh
    assert one_card(client, **{"Accept-Language": "en"})["today_hours"] == en
    assert one_card(client, **{"Accept-Language": "zh-CN,zh;q=0.9"})["today_hours"] == zh


def test_open_now_is_null_when_the_hours_are_unknown(client, place, clock):
    clock.move_to(MONDAY_NOON)
    place(opening_hours={})
    card = one_card(client)
    assert card["open_now"] is None and card["hours_known"] is False


def test_services_come_with_labels_in_the_request_language(client, place):
    place(services=["wifi", "toilet"])
    assert one_card(client)["services"] == [{"code": "toilet", "label": "卫生间"},
                                            {"code": "wifi", "label": "无线网络"}]
    english = one_card(client, **{"Accept-Language": "en-US"})["services"]
    assert english == [{"code": "toilet", "label": "Toilet"}, {"code": "wifi", "label": "Wi-Fi"}]


@pytest.mark.parametrize("query", ["&services=wifi,toilet", "&services=wifi&services=toilet",
                                   "&services=wifi&services=toilet&radius=1000"])
def test_services_filter_in_both_spellings(client, place, query):
    wanted = place(services=["wifi", "toilet"])
    place(services=["wifi"])
    body = client.get(NEARBY + query).get_json()
    assert [item["id"] for item in body["items"]] == [wanted]


def test_services_filter_repeated_through_the_schema_too(client, place):
    """A query the fast parser leaves to the schema (`open_now=True` is valid but not one of
    its canonical spellings), so NearbyQuery's ListParam reads the repeated key."""
    wanted = place(services=["wifi", "toilet"])
    place(services=["wifi"])
    body = client.get(NEARBY + "&open_now=True&services=wifi&services=toilet").get_json()
    assert [item["id"] for item in body["items"]] == [wanted]


def test_rating_follows_visible_feedback_without_rewriting_the_card(app, client, place,
                                                                    fake_wechat, as_user):
    from tests.factories.stations import check_in

    station_id = place()
    card = one_card(client)
    assert card["rating"] is None and card["rating_count"] == 0
    for who, rating in (("rater-a", 5), ("rater-b", 4), ("rater-c", 4), ("rater-a", 3)):
        assert check_in(client, as_user(who), app, station_id).status_code in (200, 201)
        response = client.post(f"/api/v1/stations/{station_id}/feedback",
                               headers=as_user(who), json={"rating": rating})
        assert response.status_code == 201, response.get_json()
    card = one_card(client)  # rater-a's 3 replaced their 5: one rating per person counts
    assert card["rating"] == 3.67 and card["rating_count"] == 3
    detail = client.get(f"/api/v1/stations/{station_id}").get_json()
    assert detail["rating"] == card["rating"]


def test_held_feedback_counts_once_published(app, client, station_id, held, as_user):
    assert one_card(client)["rating_count"] == 0
    response = client.post(f"/api/v1/feedback/{held}/review", headers=as_user("county_admin"),
                           json={"action": "approve", "version": 1})
    assert response.status_code == 200, response.get_json()
    card = one_card(client)
    assert card["rating_count"] == 1 and card["rating"] == 2.0


def test_rebuild_recounts_the_ratings(app, place, fake_wechat):
    from app.stations.models import StationSearchRow
    from app.stations.search import rebuild_search

    station_id = place()
    with app.app_context():
        add_rating(station_id, 5)  # a counter moved without a visible feedback row
        db.session.commit()
        counts = rebuild_search(db.session.connection())
        db.session.commit()
        row = db.session.get(StationSearchRow, {"station_id": station_id, "lat_cell": 3661,
                                                "lng": XINING[1]})
        assert counts.updated == 1 and (row.rating_sum, row.rating_count) == (0, 0)


def test_open_location_and_no_thumbnail_without_photos(client, place):
    place(name="西宁驿站", address="城中区1号")
    card = one_card(client)
    assert card["thumbnail_url"] is None
    assert card["open_location"] == {"latitude": XINING[0], "longitude": XINING[1],
                                     "name": "西宁驿站", "address": "城中区1号", "scale": 18}
    assert "links" not in card and "location" not in card


def test_web_map_links_are_in_the_detail(client, place):
    station_id = place()
    links = client.get(f"/api/v1/stations/{station_id}").get_json()["links"]
    assert {"amap", "baidu", "tencent", "open_location"} <= set(links)


def test_day_ranges_of_a_week_bitmap():
    mask = hours.mask_to_bytes(hours.week_mask(
        {"weekly": {"sun": [["20:00", "02:00"]], "mon": [["08:00", "12:00"],
                                                         ["13:00", "17:30"]]}}))
    assert hours.day_ranges(mask, 0) == [(0, 120, False), (480, 720, False), (780, 1050, False)]
    assert hours.day_ranges(mask, 6) == [(1200, 120, True)]
    assert hours.day_ranges(mask, 3) == []
    always_week = hours.mask_to_bytes(hours.week_mask(
        {"weekly": {day: [["00:00", "24:00"]] for day in hours.DAYS}}))
    assert hours.today_text(always_week, False, 2) == "今天 24 小时营业"
