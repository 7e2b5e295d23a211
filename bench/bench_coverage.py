"""Coverage planning benchmark: grid + lazy greedy against baselines measured in the same run.

    /tmp/venv/bin/python bench/bench_coverage.py [--runs 7]

Problem: 100,000 demand points × 2,000 candidate sites clustered around Xining, k = 20,
radius 1,000 m, 50 existing stations. Figures:
- `plan()` end to end (dict → arrays, existing coverage, grid, candidate sets, lazy greedy);
- its two phases: candidate sets (grid + haversine on nearby pairs) and lazy selection;
- baseline A, selection only: plain (non-lazy) greedy on the same candidate sets, every
  candidate re-scored each round with one vectorised bincount;
- baseline B, whole plan: naive numpy all-pairs greedy (dense candidate × point haversine
  matrix, no grid, no laziness) on 10,000 points — a 10× smaller problem, because the full
  matrix would need 1.6 GB — scaled ×10 (its cost is linear in the number of points).
Both baselines pick the same candidates as `plan()` (checked).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time

import numpy as np

from app.stations.geo import EARTH_RADIUS_M, METRES_PER_DEGREE_LAT
from app.stations.planning import coverage as cov

CENTRE = (36.62, 101.78)  # Xining
POINTS, CANDIDATES, K, RADIUS_M, EXISTING = 100_000, 2_000, 20, 1_000, 50


def clustered(rng: random.Random, count: int, clusters: list[tuple[float, float, float]],
              background: float) -> list[dict]:
    """Gaussian clusters (lat, lng, σ metres) plus a uniform share over a 40 km box."""
    scale_lng = METRES_PER_DEGREE_LAT * math.cos(math.radians(CENTRE[0]))
    points = []
    for _ in range(count):
        if rng.random() < background:
            north, east = rng.uniform(-20_000, 20_000), rng.uniform(-20_000, 20_000)
            lat, lng = CENTRE
        else:
            lat, lng, sigma = rng.choice(clusters)
            north, east = rng.gauss(0, sigma), rng.gauss(0, sigma)
        points.append({"lat": lat + north / METRES_PER_DEGREE_LAT, "lng": lng + east / scale_lng,
                       "weight": rng.choice((1, 1, 1, 2, 3))})
    return points


def problem(points: int, seed: int = 1) -> tuple[list[dict], list[dict], list[dict]]:
    rng = random.Random(seed)
    scale_lng = METRES_PER_DEGREE_LAT * math.cos(math.radians(CENTRE[0]))
    clusters = [(CENTRE[0] + rng.gauss(0, 6_000) / METRES_PER_DEGREE_LAT,
                 CENTRE[1] + rng.gauss(0, 6_000) / scale_lng, rng.uniform(300, 1_500))
                for _ in range(60)]
    return (clustered(rng, points, clusters, 0.2), clustered(rng, CANDIDATES, clusters, 0.3),
            clustered(rng, EXISTING, clusters, 0.0))


def plain_greedy(sets: cov.CoveringSets, k: int) -> list[tuple[int, float]]:
    owners = np.repeat(np.arange(len(sets.indptr) - 1), np.diff(sets.indptr))
    remaining = sets.weights.copy()
    picks = []
    for _ in range(k):
        gains = np.bincount(owners, weights=remaining[sets.indices],
                            minlength=len(sets.indptr) - 1)
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        remaining[sets.indices[sets.indptr[best]:sets.indptr[best + 1]]] = 0
        picks.append((best, float(gains[best])))
    return picks


def naive_plan(points: list[dict], candidates: list[dict], existing: list[dict]) -> list[int]:
    """Dense all-pairs haversine matrices, then greedy by matrix–vector products."""
    def within(sites: list[dict], lat: np.ndarray, lng: np.ndarray) -> np.ndarray:
        s_lat = np.radians([s["lat"] for s in sites])[:, None]
        s_lng = np.radians([s["lng"] for s in sites])[:, None]
        h = (np.sin((lat - s_lat) / 2) ** 2
             + np.cos(lat) * np.cos(s_lat) * np.sin((lng - s_lng) / 2) ** 2)
        return h <= math.sin((RADIUS_M + cov.RADIUS_TOLERANCE_M) / EARTH_RADIUS_M / 2) ** 2

    lat = np.radians([p["lat"] for p in points])[None, :]
    lng = np.radians([p["lng"] for p in points])[None, :]
    remaining = np.array([p["weight"] for p in points], dtype=np.float64)
    remaining[within(existing, lat, lng).any(axis=0)] = 0
    matrix = within(candidates, lat, lng).astype(np.float64)
    picks = []
    for _ in range(K):
        gains = matrix @ remaining
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        remaining[matrix[best] > 0] = 0
        picks.append(best)
    return picks


def timed(func, runs: int) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def summary(name: str, seconds: list[float], scale: float = 1.0) -> float:
    ordered = sorted(s * scale for s in seconds)
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]
    median = statistics.median(ordered)
    print(f"{name:<58} median {median * 1e3:9.1f} ms   p99 {p99 * 1e3:9.1f} ms")
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    points, candidates, existing = problem(POINTS)
    print(f"{POINTS:,} points × {CANDIDATES:,} candidates, k={K}, radius {RADIUS_M} m, "
          f"{EXISTING} existing stations; {runs} runs (p99 of so few runs is the slowest)")

    plan_seconds, result = timed(lambda: cov.plan(points, candidates, K, RADIUS_M, existing), runs)
    plan_median = summary("plan() end to end", plan_seconds)

    lat, lng = (np.array([p[key] for p in points]) for key in ("lat", "lng"))
    weights = np.array([p["weight"] for p in points], dtype=np.float64)
    live = ~cov._covered_mask(lat, lng, existing, RADIUS_M)
    sets_seconds, sets = timed(lambda: cov.covering_sets(
        lat[live], lng[live], weights[live], candidates, RADIUS_M), runs)
    summary("  phase: candidate sets (grid + nearby haversine)", sets_seconds)
    lazy_seconds, lazy = timed(lambda: cov.lazy_greedy(sets, K), runs)
    lazy_median = summary("  phase: lazy greedy selection", lazy_seconds)
    plain_seconds, plain = timed(lambda: plain_greedy(sets, K), runs)
    plain_median = summary("baseline A: plain greedy selection, same sets", plain_seconds)
    assert [c for c, _ in plain] == [c for c, _ in lazy] == [p.candidate for p in result.picks]

    small = problem(POINTS // 10)
    naive_seconds, naive = timed(lambda: naive_plan(*small), max(3, runs // 2))
    naive_median = summary("baseline B: naive all-pairs greedy, 10k points, ×10", naive_seconds,
                           scale=10)
    assert naive == [p.candidate for p in cov.plan(*small[:2], K, RADIUS_M, small[2]).picks]

    print(f"pairs within radius: {len(sets.indices):,}; covered {result.covered_before:,.0f} → "
          f"{result.covered_after:,.0f} of {result.total:,.0f} weight")
    print(f"lazy vs plain selection: {plain_median / lazy_median:6.1f}× faster")
    print(f"plan() vs naive all-pairs (scaled): {naive_median / plan_median:6.1f}× faster")


if __name__ == "__main__":
    main()
