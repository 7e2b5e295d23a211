"""Nearby search equals a brute-force reference; the HTTP answer has the promised shape."""

from __future__ import annotations

import json
import math
import random
from datetime import datetime

import pytest
from sqlalchemy import select

from app.core.time import SHANGHAI
from app.extensions import db
from app.stations import hours
from app.stations.cards import CardCache, use_card_cache
from app.stations.geo import EARTH_RADIUS_M, haversine_m, wgs84_to_gcj02
from app.stations.models import Station
from app.stations.search import metres, nearby_json
from app.stations.search.index import use_index
from app.stations.stations import update_station
from app.stations.vocab import services_mask
from tests.factories.stations import SERVICE_CODES, make_station, scatter

CITIES = {
    "kashgar": (39.4704, 75.9898),    # far west
    "harbin": (45.8038, 126.5350),    # far north: 0.01° of longitude is only ~780 m
    "xining": (36.6171, 101.7782),
    "shenzhen": (22.5431, 114.0579),
}
NOW = datetime(2026, 11, 25, 23, 30, tzinfo=SHANGHAI)


def brute_force(lat, lng, radius, services, open_now):
    mask = services_mask(services)
    found = []
    for station in db.session.scalars(select(Station).where(Station.status == "active")):
        distance = haversine_m(lat, lng, station.lat, station.lng)
        if distance > radius or services_mask(station.services) & mask != mask:
            continue
        closed = ",".join(station.opening_hours.get("closed_dates", []) or [])
        is_open = hours.is_open(hours.mask_to_bytes(hours.week_mask(station.opening_hours)),
                                closed, NOW)
        if open_now and not is_open:
            continue
        found.append((metres(distance), station.id, is_open))
    return sorted(found)


@pytest.fixture
def city_stations(app_ctx, tree):
    rng = random.Random(20261125)
    for centre in CITIES.values():
        scatter(tree["village1"], rng, centre, 120, 0.03)
    # stations right on 0.01° band borders and 1 km due north/east of Harbin's centre
    lat, lng = CITIES["harbin"]
    make_station(tree["village1"], 45.81, lng, name="band-border")
    make_station(tree["village1"], lat + 995 / 111_195, lng, name="north-995m")
    make_station(tree["village1"], lat, lng + 0.0128, name="east-990m")
    db.session.commit()


@pytest.fixture(params=["index", "configured", "inline", "keys", "tiny-keys",
                        "index-tiny-keys"])
def card_source(request, app_ctx):
    """Where hits and cards come from: the in-process index (search.index; taken while the
    card cache prefers keys, as a warm one does); the SQL path with the app's setting (an
    adaptive cache on PostgreSQL, inline on SQLite), always inline, always keys plus the
    cache, or keys with a two-card cache that evicts all the time (on both backends); the
    index with that tiny cache."""
    kept = use_card_cache(None)  # the configured one, to compare with and put back
    use_card_cache({"configured": kept, "inline": None, "keys": CardCache(1000, min_hit_rate=0),
                    "tiny-keys": CardCache(2, min_hit_rate=0),
                    "index": CardCache(1000, min_hit_rate=0),
                    "index-tiny-keys": CardCache(2, min_hit_rate=0)}[request.param])
    kept_mode = use_index("eager" if request.param.startswith("index") else "off")
    yield request.param
    use_card_cache(kept)
    use_index(kept_mode)


def test_nearby_equals_brute_force_on_random_queries(city_stations, card_source):
    rng = random.Random(7)
    queries = [(CITIES["harbin"], 1000, [], False), ((45.81, CITIES["harbin"][1]), 1000, [],
                                                      False)]
    for _ in range(60):
        centre = rng.choice(list(CITIES.values()))
        point = (centre[0] + rng.uniform(-0.035, 0.035), centre[1] + rng.uniform(-0.035, 0.035))
        queries.append((point, rng.choice([200, 1000, 2500, 5000]),
                        rng.sample(SERVICE_CODES[:6], rng.randint(0, 2)), rng.random() < 0.3))
    for (lat, lng), radius, services, open_now in queries:
        body = json.loads(nearby_json(lat=lat, lng=lng, radius_m=radius, limit=50,
                                      services=services, open_now=open_now, now=NOW))
        expected = brute_force(lat, lng, radius, services, open_now)[:50]
        got = [(item["distance_m"], item["id"], item["open_now"]) for item in body["items"]]
        assert got == expected, (lat, lng, radius, services, open_now)


def test_stations_one_km_north_and_east_of_harbin_are_found(city_stations):
    lat, lng = CITIES["harbin"]
    body = json.loads(nearby_json(lat=lat, lng=lng, radius_m=1000, limit=50, services=[],
                                  open_now=False, now=NOW))
    names = {item["name"] for item in body["items"]}
    assert {"north-995m", "east-990m"} <= names


def destination(lat, lng, distance_m, bearing_deg):
    """The point `distance_m` from (lat, lng) along `bearing_deg` on the sphere."""
    delta = distance_m / EARTH_RADIUS_M
    theta, p1, l1 = math.radians(bearing_deg), math.radians(lat), math.radians(lng)
    p2 = math.asin(math.sin(p1) * math.cos(delta)
                   + math.cos(p1) * math.sin(delta) * math.cos(theta))
    l2 = l1 + math.atan2(math.sin(theta) * math.sin(delta) * math.cos(p1),
                         math.cos(delta) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


@pytest.fixture(params=["index", "sql"])
def path(request, app_ctx):
    """The in-process index (with a card cache that prefers keys) or the SQL path (cards as
    the app is configured)."""
    kept = use_index("eager" if request.param == "index" else "off")
    kept_cache = use_card_cache(CardCache(1000, min_hit_rate=0) if request.param == "index"
                                else None)
    if request.param == "sql":
        use_card_cache(kept_cache)
    yield request.param
    use_index(kept)
    use_card_cache(kept_cache)


@pytest.mark.parametrize("centre", [CITIES["harbin"], (52.97, 122.53), CITIES["shenzhen"]],
                         ids=["harbin", "mohe", "shenzhen"])
@pytest.mark.parametrize("radius", [1000, 5000, 50_000])
def test_a_ring_on_the_radius_edge_is_cut_exactly(app_ctx, tree, centre, radius, path):
    """The SQL prefilter (flat circle) must never drop a station the exact test keeps: a ring
    of stations just inside the edge at every 10° of bearing is found, one just outside is not."""
    lat, lng = centre
    for bearing in range(0, 360, 10):
        make_station(tree["village1"], *destination(lat, lng, radius - 2, bearing),
                     name=f"in-{bearing}")
        make_station(tree["village1"], *destination(lat, lng, radius + 2, bearing + 5),
                     name=f"out-{bearing}")
    db.session.commit()
    body = json.loads(nearby_json(lat=lat, lng=lng, radius_m=radius, limit=50, services=[],
                                  open_now=False, now=NOW))
    got = sorted((item["distance_m"], item["id"]) for item in body["items"])
    expected = [(metres, station_id) for metres, station_id, _ in
                brute_force(lat, lng, radius, [], False)]
    assert got == expected
    assert {item["name"] for item in body["items"]} == {f"in-{b}" for b in range(0, 360, 10)}


def test_a_changed_station_is_never_shown_from_a_stale_cached_card(app_ctx, tree, card_source):
    lat, lng = CITIES["xining"]
    station = make_station(tree["village1"], lat, lng, name="旧名字")
    db.session.commit()

    def names():
        body = json.loads(nearby_json(lat=lat, lng=lng, radius_m=500, limit=5, services=[],
                                      open_now=False, now=NOW))
        return [item["name"] for item in body["items"]]

    assert names() == ["旧名字"]  # read once: now cached where there is a cache
    update_station(actor_id=tree.ids["county_admin"], station_id=station.id,
                   changes={"name": "新名字"})
    assert names() == ["新名字"]
    update_station(actor_id=tree.ids["county_admin"], station_id=station.id,
                   changes={"status": "suspended"})
    assert names() == []


def test_nearest_outside_when_nothing_in_radius(city_stations, card_source):
    lat, lng = CITIES["xining"]
    far = (lat + 0.1, lng)  # ~11 km north of the cluster
    body = json.loads(nearby_json(lat=far[0], lng=far[1], radius_m=1000, limit=20, services=[],
                                  open_now=False, now=NOW))
    assert body["items"] == []
    expected = brute_force(far[0], far[1], 50_000, [], False)[0]
    assert body["nearest_outside"]["id"] == expected[1]
    # nothing within 50 km of Lhasa: the nearest station is named all the same
    lhasa = (29.65, 91.13)
    body = json.loads(nearby_json(lat=lhasa[0], lng=lhasa[1], radius_m=1000, limit=20,
                                  services=[], open_now=False, now=NOW))
    assert body["nearest_outside"]["id"] == brute_force(*lhasa, 1e8, [], False)[0][1]


def _nearest(lat, lng, services=(), open_now=False):
    body = json.loads(nearby_json(lat=lat, lng=lng, radius_m=1000, limit=20,
                                  services=list(services), open_now=open_now, now=NOW))
    assert body["items"] == []
    return body["nearest_outside"]


def test_nearest_outside_whatever_the_distance(app_ctx, tree, card_source):
    """Stations only more than 1000 km away (and across the antimeridian, near a pole)."""
    rng = random.Random(7)
    for centre in (CITIES["kashgar"], CITIES["harbin"], CITIES["shenzhen"]):
        scatter(tree["village1"], rng, centre, 30, 0.05)
    make_station(tree["village1"], -17.8, 179.95, name="fiji-east")
    make_station(tree["village1"], -16.0, -179.5, name="across-the-antimeridian")
    make_station(tree["village1"], 78.2, 15.6, name="svalbard",
                 services=["wifi"], opening_hours={"always": True})
    db.session.commit()
    beijing = (39.9042, 116.4074)
    for point in (beijing, (-17.8, -179.9), (89.9, -100.0), (-60.0, -60.0), (0.0, 0.0)):
        expected = brute_force(*point, 1e8, [], False)[0]
        nearest = _nearest(*point)
        assert (nearest["distance_m"], nearest["id"]) == expected[:2], point
    assert _nearest(*beijing)["distance_m"] > 1_000_000
    # the filters hold whatever the distance; nothing matching at all is null
    assert _nearest(*beijing, services=["wifi"])["id"] == \
        brute_force(*beijing, 1e8, ["wifi"], False)[0][1]
    assert _nearest(*beijing, open_now=True)["id"] == \
        brute_force(*beijing, 1e8, [], True)[0][1]
    unmatched = {code for code in SERVICE_CODES} - {
        code for s in db.session.scalars(select(Station)) for code in s.services}
    if unmatched:
        assert _nearest(*beijing, services=sorted(unmatched)[:1]) is None


def test_no_active_station_anywhere_is_null(app_ctx, tree):
    make_station(tree["village1"], 39.9, 116.4, status="suspended")
    db.session.commit()
    assert _nearest(30.0, 90.0) is None


@pytest.mark.sqlite_only
def test_the_nearest_search_reads_lat_cell_ranges_only(app_ctx):
    """Each ring of the search is one range of the (lat_cell, lng) index, never a scan, on
    every ring up to the one covering the whole globe (SQLite's plan; PostgreSQL's uses the
    same index by the same predicate)."""
    from app.core.fastread import reader
    from app.stations.search import ring_radii, ring_sql

    fast = reader()
    radii = ring_radii(1000)
    assert radii[0] > 50_000 and radii[-1] >= math.pi * EARTH_RADIUS_M
    assert all(b == min(2 * a, radii[-1]) for a, b in zip(radii, radii[1:], strict=False))
    for lat, lng in ((39.9, 116.4), (-17.8, 179.9), (89.9, 0.0)):
        for radius in radii:
            sql, params = ring_sql(fast, lat, lng, radius, services_mask(["wifi"]))
            cursor = fast.cursor()
            plan = " ".join(str(row[-1]) for row in
                            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
            assert "SEARCH station_search USING PRIMARY KEY (lat_cell>? AND lat_cell<?)" \
                in plan, plan


def test_http_nearby_shape_and_wgs84_input(client, city_stations):
    lat, lng = CITIES["xining"]
    response = client.get(f"/api/v1/stations/nearby?lat={lat}&lng={lng}&radius=3000&limit=5")
    assert response.status_code == 200
    body = response.get_json()
    assert body["radius_m"] == 3000 and len(body["items"]) == 5
    item = body["items"][0]
    assert set(item) == {"id", "name", "kind", "address", "code", "distance_m",
                         "walk_minutes", "open_now", "hours_known", "today_hours", "services",
                         "rating", "rating_count", "thumbnail_url", "open_location"}
    assert item["walk_minutes"] == -(-item["distance_m"] // 80)
    assert set(item["open_location"]) == {"latitude", "longitude", "name", "address", "scale"}
    distances = [i["distance_m"] for i in body["items"]]
    assert distances == sorted(distances)
    # the same place given in WGS-84 finds the same stations
    w_lat, w_lng = lat, lng
    for _ in range(5):  # invert GCJ-02 numerically for the test
        g_lat, g_lng = wgs84_to_gcj02(w_lat, w_lng)
        w_lat, w_lng = w_lat - (g_lat - lat), w_lng - (g_lng - lng)
    wgs = client.get(f"/api/v1/stations/nearby?lat={w_lat}&lng={w_lng}&coord=wgs84"
                     "&radius=3000&limit=5").get_json()
    assert [i["id"] for i in wgs["items"]] == [i["id"] for i in body["items"]]


@pytest.mark.parametrize("query", [
    "lat=91&lng=100", "lat=abc&lng=100", "lat=NaN&lng=100", "lat=30&lng=181",
    "lat=30&lng=100&coord=utm", "lat=30&lng=100&services=spa", "lat=30&lng=100&radius=5001",
    "lat=30&lng=100&limit=51", "lng=100", "lat=30&lng=100&open_now=maybe",
    "lat=30&lng=inf",
])
def test_bad_nearby_input_is_422(client, query):
    response = client.get(f"/api/v1/stations/nearby?{query}")
    assert response.status_code == 422, query
    assert response.get_json()["error"]["code"] == "validation_error"


def test_services_vocabulary_has_labels(client):
    items = client.get("/api/v1/stations/services").get_json()["items"]
    assert {"code": "nursing_room", "label": "母婴室"} in items
    assert len(items) == 23


def test_request_log_rounds_coordinates(client, caplog):
    caplog.set_level("INFO", logger="gonghui.request")
    client.get("/api/v1/stations/nearby?lat=36.617123&lng=101.778234")
    logged = [r for r in caplog.records if r.name == "gonghui.request"][-1]
    assert logged.fields["query"]["lat"] == "36.62"
    assert "36.617123" not in json.dumps(logged.fields)
