"""Coverage and greedy planning equal a brute-force haversine reference on random data."""

from __future__ import annotations

import math
import random

import pytest

from app.stations.geo import METRES_PER_DEGREE_LAT, haversine_m
from app.stations.planning import coverage as cov

CITIES = {  # (lat, lng): a middle, a far-west and a far-north city, and two awkward places
    "xining": (36.62, 101.78),
    "kashgar": (39.47, 75.99),
    "harbin": (45.80, 126.53),
    "antimeridian": (-16.5, 179.99),
    "near_pole": (89.97, 20.0),
}


def within(point, site, radius_m) -> bool:
    distance = haversine_m(point["lat"], point["lng"], site["lat"], site["lng"])
    return distance <= radius_m + cov.RADIUS_TOLERANCE_M


def reference_coverage(points, stations, radius_m):
    return [any(within(p, s, radius_m) for s in stations) for p in points]


def reference_plan(points, candidates, k, radius_m, existing=()):
    """Plain greedy: every round, every candidate; ties go to the lowest index."""
    left = [p for p in points if not any(within(p, s, radius_m) for s in existing)]
    picks = []
    while len(picks) < k:
        gains = [sum(p.get("weight", 1.0) for p in left if within(p, c, radius_m))
                 for c in candidates]
        best = max(range(len(candidates)), key=lambda i: (gains[i], -i), default=None)
        if best is None or gains[best] <= 0:
            break
        picks.append((best, gains[best]))
        left = [p for p in left if not within(p, candidates[best], radius_m)]
    return picks


def scatter(rng, centre, count, spread_m, weights=False):
    lat0, lng0 = centre
    scale_lng = METRES_PER_DEGREE_LAT * max(0.02, math.cos(math.radians(lat0)))
    points = []
    for _ in range(count):
        lat = max(-90.0, min(90.0, lat0 + rng.gauss(0, spread_m) / METRES_PER_DEGREE_LAT))
        lng = lng0 + rng.gauss(0, spread_m) / scale_lng
        lng = (lng + 180) % 360 - 180
        point = {"lat": lat, "lng": lng}
        if weights:
            point["weight"] = rng.choice([0, 0.5, 1, 2, 2.5, 7])
        points.append(point)
    return points


def destination(site, bearing_deg, distance_m):
    """The point `distance_m` from `site` along `bearing_deg` (spherical)."""
    delta = distance_m / 6_371_008.8
    phi, lam, theta = map(math.radians, (site["lat"], site["lng"], bearing_deg))
    phi2 = math.asin(math.sin(phi) * math.cos(delta)
                     + math.cos(phi) * math.sin(delta) * math.cos(theta))
    lam2 = lam + math.atan2(math.sin(theta) * math.sin(delta) * math.cos(phi),
                            math.cos(delta) - math.sin(phi) * math.sin(phi2))
    return {"lat": math.degrees(phi2), "lng": (math.degrees(lam2) + 180) % 360 - 180}


@pytest.mark.parametrize("city", sorted(CITIES))
@pytest.mark.parametrize("seed", range(3))
def test_coverage_equals_brute_force(city, seed):
    rng = random.Random(f"{city}-{seed}")
    radius = rng.choice([50, 300, 1000, 5000])
    points = scatter(rng, CITIES[city], 400, radius * 3, weights=seed > 0)
    stations = scatter(rng, CITIES[city], 25, radius * 3)
    expected = reference_coverage(points, stations, radius)
    result = cov.coverage(points, stations, radius)
    assert result.uncovered == [i for i, hit in enumerate(expected) if not hit]
    assert result.covered == sum(expected)
    assert result.total == len(points)
    weights = [p.get("weight", 1.0) for p in points]
    assert result.total_weight == pytest.approx(sum(weights))
    assert result.covered_weight == pytest.approx(
        sum(w for w, hit in zip(weights, expected, strict=True) if hit))
    assert result.share == pytest.approx(result.covered_weight / result.total_weight)


@pytest.mark.parametrize("city", sorted(CITIES))
def test_points_exactly_at_the_radius_are_covered_and_just_beyond_are_not(city):
    rng = random.Random(city)
    lat, lng = CITIES[city]
    station = {"lat": lat, "lng": lng}
    for bearing in [0, 45, 90, 135, 180, 225, 270, 315] + [rng.uniform(0, 360) for _ in range(8)]:
        point = destination(station, bearing, rng.choice([60, 1000, 4999]))
        exact = haversine_m(lat, lng, point["lat"], point["lng"])
        assert cov.coverage([point], [station], exact).covered == 1, bearing
        assert cov.coverage([point], [station], exact - 1e-3).covered == 0, bearing


def test_points_on_cell_borders_match_brute_force():
    """Demand on the grid lines of the cells the radius implies, stations one radius away."""
    radius = 1000
    height, width = cov.cell_size(radius, 46.0)
    rng = random.Random(7)
    points = [{"lat": row * height, "lng": col * width}
              for row in range(int(45.7 / height), int(45.7 / height) + 6)
              for col in range(int(126.5 / width), int(126.5 / width) + 6)]
    stations = [destination(rng.choice(points), rng.uniform(0, 360), radius) for _ in range(20)]
    stations += [dict(p) for p in points[::7]]
    expected = reference_coverage(points, stations, radius)
    result = cov.coverage(points, stations, radius)
    assert result.uncovered == [i for i, hit in enumerate(expected) if not hit]


@pytest.mark.parametrize("lat", [0.3, 25.9, 39.47, 45.8, 53.4, -33.9])
@pytest.mark.parametrize("radius", [50, 1000, 5000])
def test_a_radius_from_a_cell_corner_is_still_found(lat, radius):
    """A station in a corner of its cell reaches one full radius into the next cells."""
    height = cov.cell_size(radius, 0)[0]  # heights do not depend on latitude
    row = math.floor(lat / height)
    top, bottom = (row + 1) * height - 1e-12, row * height
    # widths do: the grid sizes them for the most poleward point, here the station
    top_width, bottom_width = (cov.cell_size(radius, abs(top))[1],
                               cov.cell_size(radius, abs(bottom))[1])
    right = (math.floor(120.3 / top_width) + 1) * top_width - 1e-12
    left = math.floor(120.3 / bottom_width) * bottom_width
    corners = [({"lat": top, "lng": right}, (0, 90)), ({"lat": bottom, "lng": left}, (180, 270))]
    for station, bearings in corners:
        for bearing in bearings:
            point = destination(station, bearing, radius)
            exact = haversine_m(station["lat"], station["lng"], point["lat"], point["lng"])
            assert cov.coverage([point], [station], exact).covered == 1, (station, bearing)


def test_empty_inputs():
    nobody = cov.coverage([], [{"lat": 30, "lng": 120}], 1000)
    assert (nobody.total, nobody.covered, nobody.share, nobody.uncovered) == (0, 0, 0.0, [])
    no_station = cov.coverage([{"lat": 30, "lng": 120}], [], 1000)
    assert (no_station.covered, no_station.share, no_station.uncovered) == (0, 0.0, [0])
    assert cov.plan([], [{"lat": 30, "lng": 120}], 5, 1000).picks == []
    empty = cov.plan([{"lat": 30, "lng": 120, "weight": 3}], [], 5, 1000)
    assert (empty.picks, empty.total, empty.covered_before, empty.covered_after) == (
        [], 3.0, 0.0, 0.0)


def test_zero_weight_demand_counts_in_points_but_not_in_share():
    points = [{"lat": 30, "lng": 120, "weight": 0}, {"lat": 31, "lng": 121, "weight": 4}]
    result = cov.coverage(points, [{"lat": 30, "lng": 120}], 1000)
    assert (result.covered, result.covered_weight, result.share) == (1, 0.0, 0.0)
    assert cov.coverage(points[:1], points[:1], 1000).share == 0.0


@pytest.mark.parametrize("city", ["xining", "kashgar", "harbin", "antimeridian", "near_pole"])
@pytest.mark.parametrize("seed", range(3))
def test_plan_equals_plain_greedy(city, seed):
    rng = random.Random(f"plan-{city}-{seed}")
    radius = rng.choice([200, 1000, 3000])
    points = scatter(rng, CITIES[city], 300, radius * 4, weights=seed == 2)
    candidates = scatter(rng, CITIES[city], 40, radius * 4)
    candidates += [dict(candidates[3]), dict(candidates[5])]  # duplicates tie: lower index wins
    existing = scatter(rng, CITIES[city], 5, radius * 4)
    k = rng.choice([3, 8, 20])
    expected = reference_plan(points, candidates, k, radius, existing)
    result = cov.plan(points, candidates, k, radius, existing)
    assert [(p.candidate, p.gain) for p in result.picks] == expected
    before = sum(p.get("weight", 1.0) for p in points
                 if any(within(p, s, radius) for s in existing))
    assert result.covered_before == pytest.approx(before)
    running = before
    for pick in result.picks:
        running += pick.gain
        assert pick.covered_after == pytest.approx(running)
    assert result.covered_after == pytest.approx(running)


def test_plan_stops_when_no_candidate_adds_anything():
    points = [{"lat": 30.0, "lng": 120.0}, {"lat": 30.5, "lng": 120.5, "weight": 2}]
    candidates = [{"lat": 30.0, "lng": 120.0}, {"lat": 30.0, "lng": 120.0001},
                  {"lat": 30.5, "lng": 120.5}, {"lat": 10.0, "lng": 100.0}]
    result = cov.plan(points, candidates, 50, 1000)
    assert [(p.candidate, p.gain, p.covered_after) for p in result.picks] == [
        (2, 2.0, 2.0), (0, 1.0, 3.0)]
    assert (result.total, result.covered_before, result.covered_after) == (3.0, 0.0, 3.0)


def test_existing_stations_leave_nothing_to_gain():
    points = [{"lat": 30.0, "lng": 120.0}]
    result = cov.plan(points, [{"lat": 30.0, "lng": 120.0}], 3, 500, [{"lat": 30.001, "lng": 120}])
    assert (result.picks, result.covered_before, result.covered_after) == ([], 1.0, 1.0)


def test_k_zero_picks_nothing():
    assert cov.plan([{"lat": 1, "lng": 1}], [{"lat": 1, "lng": 1}], 0, 100).picks == []


def test_small_chunks_give_the_same_answers(monkeypatch):
    rng = random.Random(11)
    points = scatter(rng, CITIES["xining"], 500, 2000, weights=True)
    candidates = scatter(rng, CITIES["xining"], 60, 2000)
    whole = cov.plan(points, candidates, 10, 700)
    whole_coverage = cov.coverage(points, candidates[:9], 700)
    monkeypatch.setattr(cov, "PAIRS_PER_CHUNK", 7)
    assert cov.plan(points, candidates, 10, 700) == whole
    assert cov.coverage(points, candidates[:9], 700) == whole_coverage


def test_too_dense_is_refused(monkeypatch):
    monkeypatch.setattr(cov, "MAX_COVERING_PAIRS", 50)
    points = [{"lat": 30.0, "lng": 120.0}] * 30
    with pytest.raises(cov.TooDense):
        cov.plan(points, [{"lat": 30.0, "lng": 120.0}] * 2, 1, 100)
