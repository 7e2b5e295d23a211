"""Coverage planning over HTTP: who may ask, what counts as covering, bad input, CSV upload."""

from __future__ import annotations

import io
import itertools
import math

import pytest

from app.extensions import db
from app.stations.geo import METRES_PER_DEGREE_LAT, gcj02_to_bd09, gcj02_to_wgs84
from app.stations.models import Station

XINING = (36.62, 101.78)
_codes = itertools.count(1)


def url(org_id: int, what: str = "station-coverage") -> str:
    return f"/api/v1/orgs/{org_id}/{what}"


def moved(north_m: float = 0, east_m: float = 0, origin=XINING) -> dict:
    lat = origin[0] + north_m / METRES_PER_DEGREE_LAT
    lng = origin[1] + east_m / (METRES_PER_DEGREE_LAT * math.cos(math.radians(origin[0])))
    return {"lat": lat, "lng": lng}


def add_station(app, org_id: int, at: dict, status: str = "active") -> None:
    with app.app_context():
        db.session.add(Station(
            org_id=org_id, code=f"T{next(_codes):07d}", name="测试驿站",
            kind="outdoor_worker_station", host_type="union", address="测试路1号",
            lat=at["lat"], lng=at["lng"], services=[], opening_hours={"always": True},
            status=status, photos=[]))
        db.session.commit()


def csv_upload(text: str, encoding: str = "utf-8") -> dict:
    return {"file": (io.BytesIO(text.encode(encoding)), "points.csv", "text/csv")}


def post(client, headers, org_id, endpoint, body=None):
    if endpoint == "csv":
        return client.post(url(org_id, "station-coverage.csv"), headers=headers,
                           data=csv_upload(body or "lat,lng\n36.62,101.78\n"),
                           content_type="multipart/form-data")
    if endpoint == "plan":
        body = body or {"points": [moved()], "candidates": [moved()], "k": 1}
        return client.post(url(org_id, "station-plan"), headers=headers, json=body)
    return client.post(url(org_id), headers=headers, json=body or {"points": [moved()]})


MATRIX = [
    (None, 401), ("plain", 404), ("town2_approver", 404), ("village1_approver", 404),
    ("town1_reviewer", 200), ("town1_approver", 200), ("county_approver", 200),
    ("county_admin", 200), ("prov_admin", 200),
]


@pytest.mark.parametrize("endpoint", ["coverage", "csv", "plan"])
@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_only_officers_over_the_org_may_plan(client, tree, as_user, endpoint, who, status):
    response = post(client, as_user(who), tree["town1"], endpoint)
    assert response.status_code == status, response.get_json()
    if status != 200:
        assert set(response.get_json()["error"]) == {"code", "message", "details", "request_id"}


def test_unknown_org_is_404(client, tree, as_user):
    assert post(client, as_user("prov_admin"), 999_999, "coverage").status_code == 404


@pytest.fixture
def stations(app, tree):
    """Active in village1 (inside town1), suspended in town1, active in town2 (outside)."""
    add_station(app, tree["village1"], moved())
    add_station(app, tree["town1"], moved(north_m=5_000), status="suspended")
    add_station(app, tree["town2"], moved(east_m=5_000))
    add_station(app, tree["town1"], moved(north_m=-5_000))


POINTS = [
    {**moved(north_m=300), "weight": 2},  # near the village1 station
    moved(north_m=5_000),                  # at the suspended station
    moved(east_m=5_000),                   # at the station of the sibling town
    {**moved(north_m=-5_999), "weight": 3},  # 999 m from the town1 station
    moved(north_m=-6_010),                 # 1,010 m from it
]


def test_active_stations_of_the_subtree_cover_and_others_do_not(client, as_user, tree, stations):
    response = client.post(url(tree["town1"]), headers=as_user("town1_reviewer"),
                           json={"points": POINTS})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["total"], body["covered"], body["radius_m"]) == (5, 2, 1000)
    assert (body["total_weight"], body["covered_weight"]) == (8, 5)
    assert body["share"] == pytest.approx(5 / 8)
    assert [point["index"] for point in body["uncovered"]] == [1, 2, 4]
    assert body["uncovered"][0] == {"index": 1, **POINTS[1], "weight": 1.0}


def test_the_county_counts_the_stations_of_both_towns(client, as_user, tree, stations):
    body = client.post(url(tree["county"]), headers=as_user("county_admin"),
                       json={"points": POINTS, "radius_m": 1020}).get_json()
    assert [point["index"] for point in body["uncovered"]] == [1]


@pytest.mark.parametrize(("coord", "convert"), [
    ("wgs84", gcj02_to_wgs84), ("bd09", gcj02_to_bd09), ("gcj02", lambda lat, lng: (lat, lng))])
def test_points_are_converted_from_their_coordinate_system(client, app, as_user, tree, coord,
                                                         convert):
    add_station(app, tree["town1"], moved())
    lat, lng = convert(*XINING)
    body = {"points": [{"lat": lat, "lng": lng}], "coord": coord, "radius_m": 50}
    covered = client.post(url(tree["town1"]), headers=as_user("town1_approver"), json=body)
    assert covered.get_json()["covered"] == 1
    if coord != "gcj02":  # the same numbers read as GCJ-02 lie hundreds of metres away
        body["coord"] = "gcj02"
        missed = client.post(url(tree["town1"]), headers=as_user("town1_approver"), json=body)
        assert missed.get_json()["uncovered"] == [{"index": 0, "lat": lat, "lng": lng,
                                                   "weight": 1.0}]


def test_plan_picks_what_existing_stations_miss(client, app, as_user, tree):
    add_station(app, tree["village2"], moved())                        # covers cluster A
    add_station(app, tree["town1"], moved(east_m=8_000), "suspended")  # does not cover C
    points = ([moved(north_m=n) for n in (0, 100, 200, 300)]           # A: weight 4
              + [{**moved(east_m=4_000, north_m=n), "weight": 2.5} for n in (0, 50)]  # B: 5
              + [moved(east_m=8_000, north_m=n) for n in (0, 100, 200)])  # C: 3
    candidates = [
        {"id": "a", "name": "甲", **moved(north_m=150)},
        {"id": "c", **moved(east_m=8_000, north_m=100)},
        {"name": "far", **moved(east_m=40_000)},
        {"id": "b", **moved(east_m=4_000)},
        {"id": "c-again", **moved(east_m=8_000, north_m=100)},
    ]
    response = client.post(url(tree["town1"], "station-plan"), headers=as_user("town1_approver"),
                           json={"points": points, "candidates": candidates, "k": 5})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["total"], body["covered_before"], body["covered_after"]) == (12, 4, 12)
    assert [(p["candidate"]["index"], p["gain"], p["covered_after"]) for p in body["picks"]] == [
        (3, 5, 9), (1, 3, 12)]
    assert body["picks"][0]["candidate"] == {"index": 3, "id": "b", **candidates[3]}


def test_k_limits_the_picks(client, as_user, tree):
    points = [moved(east_m=e) for e in (0, 5_000, 10_000)]
    body = client.post(url(tree["town1"], "station-plan"), headers=as_user("town1_approver"),
                       json={"points": points, "candidates": points, "k": 2}).get_json()
    assert [p["candidate"]["index"] for p in body["picks"]] == [0, 1]


def many(count: int) -> list[dict]:
    return [{"lat": 36.6, "lng": 101.7}] * count


BAD_COVERAGE = [
    ({"points": []}, "points"),
    ({}, "points"),
    ({"points": many(200_001)}, "points"),
    ({"points": [{"lat": 91, "lng": 101}]}, "points"),
    ({"points": [{"lat": 36, "lng": -181}]}, "points"),
    ({"points": [{"lat": 36, "lng": 101, "weight": -1}]}, "points"),
    ({"points": [{"lat": "north", "lng": 101}]}, "points"),
    ({"points": [{"lat": 36, "lng": 101, "name": "x"}]}, "points"),
    ({"points": [{"lat": 36, "lng": 101}], "radius_m": 49}, "radius_m"),
    ({"points": [{"lat": 36, "lng": 101}], "radius_m": 5001}, "radius_m"),
    ({"points": [{"lat": 36, "lng": 101}], "coord": "utm"}, "coord"),
    ({"points": [{"lat": 36, "lng": 101}], "colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("body", "field"), BAD_COVERAGE)
def test_bad_coverage_requests_are_422(client, as_user, tree, body, field):
    response = client.post(url(tree["town1"]), headers=as_user("town1_approver"), json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["details"]["fields"]


def test_bad_points_are_reported_by_index(client, as_user, tree):
    points = [moved(), {"lat": 91, "lng": 101}, moved(), {"lng": 101, "weight": True}]
    response = client.post(url(tree["town1"]), headers=as_user("town1_approver"),
                           json={"points": points})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["details"]["fields"]["points"]) == {"1", "3"}


PLAN_BASE = {"points": [moved()], "candidates": [moved()], "k": 1}
BAD_PLAN = [
    ({"k": 0}, "k"), ({"k": 51}, "k"), ({"candidates": []}, "candidates"),
    ({"candidates": many(5_001)}, "candidates"),
    ({"candidates": [{"lat": 36, "lng": 101, "id": "x" * 65}]}, "candidates"),
    ({"radius_m": 10}, "radius_m"), ({"points": many(200_001)}, "points"),
]


@pytest.mark.parametrize(("change", "field"), BAD_PLAN)
def test_bad_plan_requests_are_422(client, as_user, tree, change, field):
    response = client.post(url(tree["town1"], "station-plan"), headers=as_user("town1_approver"),
                           json={**PLAN_BASE, **change})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["details"]["fields"]


def upload(client, as_user, tree, text, encoding="utf-8", query=""):
    return client.post(url(tree["town1"], f"station-coverage.csv{query}"),
                       headers=as_user("town1_approver"), data=csv_upload(text, encoding),
                       content_type="multipart/form-data")


def test_csv_upload_equals_the_json_request(client, app, as_user, tree, stations):
    rows = "".join(f"站{i},{p['lng']},{p['lat']},{p.get('weight', '')}\n"
                   for i, p in enumerate(POINTS))
    text = "\ufeffName,LNG,lat,weight\n\n" + rows
    from_csv = upload(client, as_user, tree, text, encoding="gb18030", query="?radius_m=1000")
    assert from_csv.status_code == 200, from_csv.get_json()
    from_json = client.post(url(tree["town1"]), headers=as_user("town1_approver"),
                            json={"points": POINTS}).get_json()
    assert from_csv.get_json() == from_json


def test_bad_csv_rows_are_listed_by_line_and_field(client, as_user, tree):
    text = "lat,lng,weight\n36.6,101.7,1\nabc,101.7,\n\n36.6,181,\n36.6,101.7,-2\n36.6,101.7\n"
    response = upload(client, as_user, tree, text)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert [(row["row"], sorted(row["fields"])) for row in error["details"]["rows"]] == [
        (3, ["lat"]), (5, ["lng"]), (6, ["weight"])]


@pytest.mark.parametrize(("text", "query"), [
    ("x,y\n1,2\n", ""), ("lat,lng\n", ""), ("lat,lng\n" + "36.6,101.7\n" * 200_001, ""),
    ("lat,lng\n36.6,101.7\n", "?radius_m=6000"), ("lat,lng\n36.6,101.7\n", "?coord=utm"),
])
def test_bad_csv_files_are_422(client, as_user, tree, text, query):
    response = upload(client, as_user, tree, text, query=query)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"


def test_csv_endpoint_without_a_file_is_422(client, as_user, tree):
    response = client.post(url(tree["town1"], "station-coverage.csv"),
                           headers=as_user("town1_approver"), data={},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "file" in response.get_json()["error"]["details"]["fields"]


def test_openapi_documents_both_coverage_inputs_and_the_plan(client):
    spec = client.get("/api/openapi.json").get_json()
    paths = spec["paths"]
    json_body = paths["/api/v1/orgs/{org_id}/station-coverage"]["post"]["requestBody"]
    assert "application/json" in json_body["content"]
    upload_op = paths["/api/v1/orgs/{org_id}/station-coverage.csv"]["post"]
    assert "multipart/form-data" in upload_op["requestBody"]["content"]
    assert {p["name"] for p in upload_op["parameters"] if p["in"] == "query"} >= {
        "coord", "radius_m"}
    for path in ("station-coverage", "station-coverage.csv", "station-plan"):
        responses = paths[f"/api/v1/orgs/{{org_id}}/{path}"]["post"]["responses"]
        assert {"200", "401", "404", "422"} <= set(responses)
