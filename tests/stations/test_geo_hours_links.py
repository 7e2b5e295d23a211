"""Coordinate transforms, opening hours and map links."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from app.core.time import SHANGHAI
from app.stations import geo, hours
from app.stations.links import map_links

# Reference values published with the widely used coordtransform library (Beijing, 116.404E
# 39.915N); our independent implementation must agree within 1 m.
REFERENCE = [
    (geo.bd09_to_gcj02, (39.915, 116.404), (39.90865673957631, 116.39762729119315)),
    (geo.gcj02_to_bd09, (39.915, 116.404), (39.92133699351021, 116.41036949371029)),
    (geo.wgs84_to_gcj02, (39.915, 116.404), (39.91640428150164, 116.41024449916938)),
    (geo.gcj02_to_wgs84, (39.915, 116.404), (39.91359571849836, 116.39775550083061)),
]


@pytest.mark.parametrize(("transform", "given", "expected"), REFERENCE)
def test_transforms_match_reference_points_within_a_metre(transform, given, expected):
    assert geo.haversine_m(*transform(*given), *expected) < 1.0


@pytest.mark.parametrize("point", [(39.9, 116.4), (36.6, 101.78), (39.47, 75.99),
                                   (45.75, 126.63), (22.54, 114.06), (30.33, 112.24)])
def test_round_trips_stay_within_a_tenth_of_a_metre(point):
    assert geo.haversine_m(*geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(*point)), *point) < 0.1
    assert geo.haversine_m(*geo.bd09_to_gcj02(*geo.gcj02_to_bd09(*point)), *point) < 1.0


def test_no_offset_outside_china():
    assert geo.wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)


def test_haversine_known_distance():
    # one degree of latitude is about 111.2 km
    assert geo.haversine_m(30.0, 120.0, 31.0, 120.0) == pytest.approx(111_195, abs=5)


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


NIGHT_SHIFT = {"weekly": {"fri": [["22:00", "06:00"]], "mon": [["08:00", "12:00"],
                                                               ["14:00", "18:00"]]},
               "closed_dates": ["2026-11-30"]}


@pytest.mark.parametrize(("when", "expected"), [
    ("2026-11-27 21:59", False),   # Friday before opening
    ("2026-11-27 22:00", True),    # Friday opening minute
    ("2026-11-28 05:59", True),    # Saturday, after midnight, still Friday's range
    ("2026-11-28 06:00", False),   # closing minute is closed
    ("2026-11-23 12:30", False),   # Monday lunch break
    ("2026-11-23 14:00", True),
    ("2026-11-30 09:00", False),   # a Monday, but a closed date
])
def test_open_now_across_midnight_and_closed_dates(when, expected):
    mask = hours.mask_to_bytes(hours.week_mask(NIGHT_SHIFT))
    closed = ",".join(NIGHT_SHIFT["closed_dates"])
    assert hours.is_open(mask, closed, at(when)) is expected


def test_sunday_night_range_wraps_to_monday_morning():
    mask = hours.mask_to_bytes(hours.week_mask({"weekly": {"sun": [["23:00", "01:00"]]}}))
    assert hours.is_open(mask, None, at("2026-11-30 00:30"))  # Monday 00:30


def test_always_open_and_utc_input():
    assert hours.is_open(None, None, datetime(2026, 11, 25, 3, 0, tzinfo=SHANGHAI))
    mask = hours.mask_to_bytes(hours.week_mask({"weekly": {"wed": [["09:00", "10:00"]]}}))
    utc_0130 = datetime.fromisoformat("2026-11-25T01:30:00+00:00")  # 09:30 in Shanghai
    assert hours.is_open(mask, None, utc_0130)


@pytest.mark.parametrize("bad", [
    {"weekly": {}}, {"weekly": {"mon": [["8:00", "20:00"]]}},
    {"weekly": {"mon": [["08:00", "08:00"]]}}, {"weekly": {"xyz": []}},
    {"weekly": {"mon": [["08:00", "25:00"]]}}, {"always": True, "closed_dates": ["2026-13-01"]},
    {"weekly": {"mon": "all day"}}, {"foo": 1},
])
def test_bad_hours_are_reported(bad):
    assert hours.problems(bad)


def test_links_put_coordinates_in_each_vendors_order():
    links = map_links(lat=36.6171, lng=101.7782, name="西宁驿站", address="城西区")
    amap = parse_qs(urlparse(links["amap"]).query)
    assert amap["position"] == ["101.778200,36.617100"]          # lng,lat
    assert amap["coordinate"] == ["gaode"]
    baidu = parse_qs(urlparse(links["baidu"]).query)
    bd_lat, bd_lng = geo.gcj02_to_bd09(36.6171, 101.7782)
    assert baidu["location"] == [f"{bd_lat:.6f},{bd_lng:.6f}"]   # lat,lng in BD-09
    assert baidu["coord_type"] == ["bd09ll"]
    tencent = unquote(links["tencent"])
    assert "marker=coord:36.617100,101.778200;title:西宁驿站" in tencent  # lat,lng
    assert links["open_location"] == {"latitude": 36.6171, "longitude": 101.7782,
                                      "name": "西宁驿站", "address": "城西区", "scale": 18}


def random_hours(rng: random.Random) -> dict:
    if rng.random() < 0.1:
        return {"always": True, "closed_dates": ["2026-11-25"]}

    def clock(minutes: int) -> str:
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    weekly = {}
    for day in rng.sample(hours.DAYS, rng.randint(1, 7)):
        pairs = []
        for _ in range(rng.randint(1, 2)):
            start, end = rng.sample(range(0, 1441, 15), 2)
            pairs.append([clock(min(start, 1425)), clock(end)])
        weekly[day] = [pair for pair in pairs if pair[0] != pair[1]] or [["08:00", "20:00"]]
    found = {"weekly": weekly}
    if rng.random() < 0.3:
        found["closed_dates"] = ["2026-11-25", "2026-12-01"]
    return found


def test_open_at_equals_the_bitmap_answer():
    rng = random.Random(14)
    start = datetime(2026, 11, 23, tzinfo=SHANGHAI)
    for _ in range(300):
        opening = random_hours(rng)
        assert not hours.problems(opening), opening
        mask = hours.mask_to_bytes(hours.week_mask(opening))
        closed = ",".join(opening.get("closed_dates", []))
        for _ in range(40):
            when = start + timedelta(minutes=rng.randrange(0, 14 * 1440))
            assert hours.open_at(opening, when) == hours.is_open(mask, closed, when), (
                opening, when)


def test_a_name_with_attribute_characters_keeps_the_tencent_marker_syntax():
    links = map_links(lat=36.6171, lng=101.7782, name="驿站;title:假|coord:0,0",
                      address="路:1号;二楼")
    marker = parse_qs(urlparse(links["tencent"]).query)["marker"][0]
    # exactly the three attributes, the name and address kept readable in full-width
    assert marker.split(";") == ["coord:36.617100,101.778200", "title:驿站；title：假｜coord：0,0",
                                 "addr:路：1号；二楼"]
    assert "|" not in marker
    # the other vendors take the name as a plain parameter: unchanged there
    assert parse_qs(urlparse(links["amap"]).query)["name"] == ["驿站;title:假|coord:0,0"]
