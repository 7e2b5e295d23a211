"""Coverage planning: how much demand open stations cover, and greedy maximum-coverage picks."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from app.core.roles import OFFICERS
from app.errors import Invalid
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import orgs_under
from app.stations.access import get_org
from app.stations.geo import EARTH_RADIUS_M, to_gcj02
from app.stations.models import Station

# A point exactly at the radius counts as covered whatever the floating-point rounding.
RADIUS_TOLERANCE_M = 1e-6
# Point–query pairs whose distance is computed in one numpy pass (bounds working memory).
PAIRS_PER_CHUNK = 1_000_000
# Candidate → covered points lists kept for the greedy (int32: 100 MB at most).
MAX_COVERING_PAIRS = 25_000_000
# Cells are never smaller than this (degrees): keeps cell keys far from int64 overflow.
MIN_CELL_DEG = 1e-5

Point = Mapping[str, float]


class TooDense(ValueError):
    """More candidate–point pairs lie within the radius than the planner keeps in memory."""


@dataclass(frozen=True)
class Coverage:
    total: int
    covered: int
    total_weight: float
    covered_weight: float
    share: float
    uncovered: list[int]  # indices into the demand points, in input order


@dataclass(frozen=True)
class Pick:
    candidate: int  # index into the candidates
    gain: float
    covered_after: float


@dataclass(frozen=True)
class Plan:
    picks: list[Pick]
    total: float
    covered_before: float
    covered_after: float


def _coordinates(points: Sequence[Point]) -> tuple[np.ndarray, np.ndarray]:
    count = len(points)
    lat = np.fromiter((p["lat"] for p in points), dtype=np.float64, count=count)
    lng = np.fromiter((p["lng"] for p in points), dtype=np.float64, count=count)
    return lat, lng


def _weights(points: Sequence[Point]) -> np.ndarray:
    return np.fromiter((p.get("weight", 1.0) for p in points), dtype=np.float64,
                       count=len(points))


def _angular_radius(radius_m: float) -> float:
    return min(math.pi, (radius_m + RADIUS_TOLERANCE_M) / EARTH_RADIUS_M)


def cell_size(radius_m: float, max_abs_lat: float) -> tuple[float, float]:
    """(height, width) in degrees of cells such that everything within the radius of a point
    lies in its own or a neighbouring cell; width is infinite (one column) when the circle
    may reach a pole.

    This is an equirectangular grid scaled for the most poleward latitude: a great circle of
    angular radius δ around latitude φ spans at most δ of latitude and asin(sin δ / cos φ) of
    longitude, which grows with |φ|.
    """
    delta = _angular_radius(radius_m)
    height = max(MIN_CELL_DEG, math.degrees(delta) * (1 + 1e-9))
    cos_ref = math.cos(math.radians(min(90.0, max_abs_lat)))
    if math.sin(delta) >= cos_ref:
        return height, math.inf
    width = math.degrees(math.asin(math.sin(delta) / cos_ref)) * (1 + 1e-9)
    return height, max(MIN_CELL_DEG, width)


class _Grid:
    """Points sorted by (row, col) cell, so the three cells of a row around a query are one
    contiguous slice of the sorted arrays."""

    def __init__(self, lat: np.ndarray, lng: np.ndarray, height: float, width: float) -> None:
        self.height, self.width = height, width
        rows, cols = self._cells(lat, lng)
        self.col_min, self.col_max = int(cols.min()), int(cols.max())
        self.row_span = self.col_max - self.col_min + 3
        keys = rows * self.row_span + (cols - self.col_min + 1)
        self.order = np.argsort(keys, kind="stable")
        self.keys = keys[self.order]
        self.phi = np.radians(lat[self.order])
        self.lam = np.radians(lng[self.order])
        self.cos_phi = np.cos(self.phi)

    def _cells(self, lat: np.ndarray, lng: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows = np.floor(lat / self.height).astype(np.int64)
        if math.isinf(self.width):
            return rows, np.zeros_like(rows)
        return rows, np.floor(lng / self.width).astype(np.int64)

    def ranges(self, lat: np.ndarray, lng: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per query, the [low, high) slices of sorted points in the 3×3 cells around it."""
        rows, cols = self._cells(lat, lng)
        first = np.clip(cols - 1, self.col_min, self.col_max) - self.col_min + 1
        last = np.clip(cols + 1, self.col_min, self.col_max) - self.col_min + 1
        outside = (cols + 1 < self.col_min) | (cols - 1 > self.col_max)
        low = np.empty((len(lat), 3), dtype=np.int64)
        high = np.empty((len(lat), 3), dtype=np.int64)
        for offset, row_delta in enumerate((-1, 0, 1)):
            base = (rows + row_delta) * self.row_span
            low[:, offset] = np.searchsorted(self.keys, base + first, side="left")
            high[:, offset] = np.searchsorted(self.keys, base + last, side="right")
        high[outside] = low[outside]
        return low, high


def _near_antimeridian(lng_min: float, lng_max: float, width: float) -> bool:
    return lng_min - width <= -180 or lng_max + width >= 180


def _grid_for(lat: np.ndarray, lng: np.ndarray, query_lat: np.ndarray, query_lng: np.ndarray,
              radius_m: float) -> _Grid:
    max_abs_lat = float(max(np.abs(lat).max(), np.abs(query_lat).max()))
    height, width = cell_size(radius_m, max_abs_lat)
    # Longitude is not wrapped at ±180°: near it, fall back to one column (rows still cut).
    if _near_antimeridian(min(lng.min(), query_lng.min()), max(lng.max(), query_lng.max()), width):
        width = math.inf
    return _Grid(lat, lng, height, width)


def _pairs_within(grid: _Grid, query_lat: np.ndarray, query_lng: np.ndarray,
                  radius_m: float) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(query index, sorted point position) of every pair within the radius, query-major,
    in chunks of at most PAIRS_PER_CHUNK candidate pairs (plus one segment)."""
    low, high = grid.ranges(query_lat, query_lng)
    lengths = (high - low).ravel()
    keep = lengths > 0
    starts, lengths = low.ravel()[keep], lengths[keep]
    owners = np.repeat(np.arange(len(query_lat)), 3)[keep]
    if not len(lengths):
        return
    ends = np.cumsum(lengths)
    q_phi = np.radians(query_lat)
    q_lam = np.radians(query_lng)
    q_cos = np.cos(q_phi)
    h_max = math.sin(_angular_radius(radius_m) / 2) ** 2
    first = 0
    while first < len(lengths):
        done = ends[first - 1] if first else 0
        last = max(first + 1, int(np.searchsorted(ends, done + PAIRS_PER_CHUNK, side="right")))
        part = lengths[first:last]
        offsets = np.cumsum(part) - part
        positions = np.arange(int(part.sum())) + np.repeat(starts[first:last] - offsets, part)
        queries = np.repeat(owners[first:last], part)
        # haversine: h = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2); d ≤ r ⇔ h ≤ sin²(r / 2R)
        d_phi = np.sin((grid.phi[positions] - q_phi[queries]) * 0.5)
        d_lam = np.sin((grid.lam[positions] - q_lam[queries]) * 0.5)
        h = d_phi * d_phi + grid.cos_phi[positions] * q_cos[queries] * (d_lam * d_lam)
        inside = h <= h_max
        yield queries[inside], positions[inside]
        first = last


def _covered_mask(lat: np.ndarray, lng: np.ndarray, stations: Sequence[Point],
                  radius_m: float) -> np.ndarray:
    covered = np.zeros(len(lat), dtype=bool)
    if not len(lat) or not len(stations):
        return covered
    s_lat, s_lng = _coordinates(stations)
    grid = _grid_for(lat, lng, s_lat, s_lng, radius_m)
    covered_sorted = np.zeros(len(lat), dtype=bool)
    for _, positions in _pairs_within(grid, s_lat, s_lng, radius_m):
        covered_sorted[positions] = True
    covered[grid.order] = covered_sorted
    return covered


def coverage(demand_points: Sequence[Point], stations: Sequence[Point],
             radius_m: float) -> Coverage:
    """Which demand points (weight default 1) lie within `radius_m` of some station;
    share = covered weight / total weight (0 when there is no weight at all)."""
    lat, lng = _coordinates(demand_points)
    weights = _weights(demand_points)
    covered = _covered_mask(lat, lng, stations, radius_m)
    total_weight = float(weights.sum())
    covered_weight = float(weights[covered].sum())
    return Coverage(
        total=len(demand_points), covered=int(covered.sum()), total_weight=total_weight,
        covered_weight=covered_weight,
        share=covered_weight / total_weight if total_weight > 0 else 0.0,
        uncovered=np.flatnonzero(~covered).tolist(),
    )


@dataclass(frozen=True)
class CoveringSets:
    """For each candidate, the positions (into `weights`) of the demand it covers (CSR)."""

    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray


def covering_sets(lat: np.ndarray, lng: np.ndarray, weights: np.ndarray,
                  candidates: Sequence[Point], radius_m: float) -> CoveringSets:
    count = len(candidates)
    if not len(lat) or not count:
        return CoveringSets(np.zeros(count + 1, dtype=np.int64), np.zeros(0, dtype=np.int32),
                            weights)
    c_lat, c_lng = _coordinates(candidates)
    grid = _grid_for(lat, lng, c_lat, c_lng, radius_m)
    per_candidate = np.zeros(count, dtype=np.int64)
    chunks, kept = [], 0
    for queries, positions in _pairs_within(grid, c_lat, c_lng, radius_m):
        kept += len(positions)
        if kept > MAX_COVERING_PAIRS:
            raise TooDense(f"more than {MAX_COVERING_PAIRS:,} candidate–point pairs lie within "
                           "the radius")
        per_candidate += np.bincount(queries, minlength=count)
        chunks.append(positions.astype(np.int32))
    indptr = np.concatenate(([0], np.cumsum(per_candidate)))
    indices = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
    return CoveringSets(indptr, indices, weights[grid.order])


def lazy_greedy(sets: CoveringSets, k: int) -> list[tuple[int, float]]:
    """(candidate, marginal gain) in pick order: each pick adds the most uncovered weight,
    ties to the lowest index; stops early when nothing adds anything.

    Lazy: gains only shrink as demand gets covered, so a heap of stale gains is a heap of
    upper bounds; a candidate whose gain is fresh for this round and tops the heap wins.
    """
    remaining = sets.weights.copy()

    def gain(candidate: int) -> float:
        members = sets.indices[sets.indptr[candidate]:sets.indptr[candidate + 1]]
        return float(remaining[members].sum())

    count = len(sets.indptr) - 1
    heap = [(-value, candidate) for candidate in range(count) if (value := gain(candidate)) > 0]
    heapq.heapify(heap)
    evaluated_in = [0] * count
    picks: list[tuple[int, float]] = []
    while heap and len(picks) < k:
        negative_gain, candidate = heap[0]
        if evaluated_in[candidate] == len(picks):
            heapq.heappop(heap)
            remaining[sets.indices[sets.indptr[candidate]:sets.indptr[candidate + 1]]] = 0
            picks.append((candidate, -negative_gain))
            continue
        value = gain(candidate)
        evaluated_in[candidate] = len(picks)
        if value > 0:
            heapq.heapreplace(heap, (-value, candidate))
        else:
            heapq.heappop(heap)
    return picks


def plan(demand_points: Sequence[Point], candidates: Sequence[Point], k: int, radius_m: float,
         existing_stations: Sequence[Point] = ()) -> Plan:
    """The k candidates that together cover the most demand weight not already within
    `radius_m` of an existing station (greedy maximum coverage), in pick order."""
    lat, lng = _coordinates(demand_points)
    weights = _weights(demand_points)
    covered = _covered_mask(lat, lng, existing_stations, radius_m)
    total = float(weights.sum())
    before = float(weights[covered].sum())
    live = ~covered & (weights > 0)
    sets = covering_sets(lat[live], lng[live], weights[live], candidates, radius_m)
    picks, after = [], before
    for candidate, gain in lazy_greedy(sets, k):
        after += gain
        picks.append(Pick(candidate=candidate, gain=gain, covered_after=after))
    return Plan(picks=picks, total=total, covered_before=before, covered_after=after)


def _in_gcj02(points: Sequence[Point], coord: str) -> Sequence[Point]:
    if coord == "gcj02":
        return points
    converted = []
    for point in points:
        lat, lng = to_gcj02(point["lat"], point["lng"], coord)
        converted.append({**point, "lat": lat, "lng": lng})
    return converted


def _open_stations_near(org: Org, points: Sequence[Point], radius_m: float) -> list[dict]:
    """Active stations of the org's subtree inside the box any demand point could reach."""
    if not points:
        return []
    lat, lng = _coordinates(points)
    max_abs_lat = float(np.abs(lat).max())
    height, width = cell_size(radius_m, max_abs_lat)
    in_org = orgs_under(org)
    query = select(Station.lat, Station.lng).where(
        Station.org_id.in_(in_org), Station.status == "active",
        Station.lat.between(float(lat.min()) - height, float(lat.max()) + height))
    if not _near_antimeridian(float(lng.min()), float(lng.max()), width):
        query = query.where(Station.lng.between(float(lng.min()) - width,
                                                float(lng.max()) + width))
    return [{"lat": s_lat, "lng": s_lng} for s_lat, s_lng in db.session.execute(query)]


@dataclass(frozen=True)
class OrgCoverage:
    """What `CoverageOut` dumps; `uncovered` holds the input points as plain JSON values."""

    radius_m: float
    total: int
    covered: int
    total_weight: float
    covered_weight: float
    share: float
    uncovered: list[dict]


@dataclass(frozen=True)
class OrgPick:
    candidate: dict  # the candidate as given, with its input index
    gain: float
    covered_after: float


@dataclass(frozen=True)
class OrgPlan:
    radius_m: float
    total: float
    covered_before: float
    covered_after: float
    picks: list[OrgPick]


def coverage_for_org(*, actor_id: int, org_id: int, points: Sequence[Point], coord: str,
                     radius_m: float) -> OrgCoverage:
    """How much of the demand the open stations of the org's subtree already cover."""
    org = get_org(actor_id, org_id, roles=OFFICERS)
    demand = _in_gcj02(points, coord)
    result = coverage(demand, _open_stations_near(org, demand, radius_m), radius_m)
    return OrgCoverage(
        radius_m=radius_m, total=result.total, covered=result.covered,
        total_weight=result.total_weight, covered_weight=result.covered_weight,
        share=result.share,
        uncovered=[{"index": index, **points[index]} for index in result.uncovered])


def plan_for_org(*, actor_id: int, org_id: int, points: Sequence[Point],
                 candidates: Sequence[Point], k: int, radius_m: float, coord: str) -> OrgPlan:
    """The k candidate sites that best cover the demand the org's open stations miss."""
    org = get_org(actor_id, org_id, roles=OFFICERS)
    demand = _in_gcj02(points, coord)
    existing = _open_stations_near(org, demand, radius_m)
    try:
        result = plan(demand, _in_gcj02(candidates, coord), k, radius_m, existing)
    except TooDense as exc:
        raise Invalid("Too many candidate–point pairs within the radius (%(reason)s); use a "
                      "smaller radius, fewer points or fewer candidates.",
                      params={"reason": str(exc)}, code="too_dense",
                      details={"max_pairs": MAX_COVERING_PAIRS}) from exc
    return OrgPlan(
        radius_m=radius_m, total=result.total, covered_before=result.covered_before,
        covered_after=result.covered_after,
        picks=[OrgPick(candidate={"index": pick.candidate, **candidates[pick.candidate]},
                       gain=pick.gain, covered_after=pick.covered_after)
               for pick in result.picks])
