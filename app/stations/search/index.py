"""An in-process copy of the read model's search columns, per process, for nearby search.

What it holds: per 0.01° latitude band, the stations sorted by longitude as flat arrays
(position, services, hours pattern, card key, rating counters; ~64 bytes a station, ~70 MB
for 1,000,000), never the cards (those come from the card cache or one read by id). A search
reads the same index box as the SQL (`sql.box`) and applies the same exact tests as
`ranking.find_hits`, so it gives the same answers.

Freshness: every write to the read model bumps `station_search_seq` and logs the station in
`station_search_changes` in its own transaction (`readmodel.log_changes`); the counter row
stays locked until commit, so changes commit in counter order. Each search reads that one
row (a primary-key read): unchanged → search here; moved on → read the logged stations' rows
and apply them, then search. So a search that starts after a write has returned, in any
process on any host, sees it. On PostgreSQL the read travels while the search runs on the
index as it stood (`searched`): its answer stands when the counter says the index was in
step, else the search runs again after the catch-up. A new epoch, a gap in the log
(pruned) or too many changes → load everything again; until an index is loaded (in a
background thread, NEARBY_INDEX = "background"), searches take the SQL path.
"""

from __future__ import annotations

import logging
import math
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import TypeVar

from flask import current_app

from app.core.fastread import reader
from app.stations.geo import EARTH_RADIUS_M
from app.stations.search.ranking import Hit, metres, rank_key
from app.stations.search.sql import PREFILTER_SLACK, box, pattern_mask, run

log = logging.getLogger(__name__)
T = TypeVar("T")

COLUMNS = ("station_id, lat_cell, lat, lng, services_mask, hours_id, closed_dates, card_key, "
           "rating_sum, rating_count")
LOAD_CHUNK = 50_000
# the index's own latitude bands, finer than the table's 0.01° lat_cell: a 1 km search reads
# ~8 bands, each cut to the circle's chord, so few rows outside the circle get the exact test
BANDS_PER_DEGREE = 400
_EDGE = 1e-9  # degrees: rounding may put a row this far past its band's nominal edges
MAX_APPLY = 2_000  # logged changes applied in place; more: load everything again
FRESHNESS = "SELECT epoch, seq FROM station_search_seq WHERE id = 1"  # one row, read per search
NO_CELL = -(2**31)  # cell_of: station not in the index
NO_HOURS = -1  # hours: always open (hours_id NULL)
_RADIANS = math.pi / 180.0  # as ranking.find_hits: the same operations in the same order
_DIAMETER_M = 2 * EARTH_RADIUS_M


class Band:
    """One latitude band's stations in longitude order, as parallel arrays. Never changed
    once published: a change copies the band and swaps it in, so a search running meanwhile
    reads a whole old band or a whole new one."""

    __slots__ = ("lng", "lat", "ids", "masks", "hours", "keys", "sums", "counts")

    def __init__(self, source: Band | None = None) -> None:
        for name, code in (("lng", "d"), ("lat", "d"), ("ids", "q"), ("masks", "q"),
                           ("hours", "q"), ("keys", "q"), ("sums", "q"), ("counts", "q")):
            setattr(self, name, array(code) if source is None
                    else array(code, getattr(source, name)))

    def append(self, row) -> None:
        station_id, _, lat, lng, mask, hours_id, _, key, rating_sum, rating_count = row
        self.lng.append(lng)
        self.lat.append(lat)
        self.ids.append(station_id)
        self.masks.append(mask)
        self.hours.append(NO_HOURS if hours_id is None else hours_id)
        self.keys.append(key)
        self.sums.append(rating_sum)
        self.counts.append(rating_count)

    def insert(self, row) -> None:
        station_id, _, lat, lng, mask, hours_id, _, key, rating_sum, rating_count = row
        at = bisect_right(self.lng, lng)
        for column, value in ((self.lng, lng), (self.lat, lat), (self.ids, station_id),
                              (self.masks, mask),
                              (self.hours, NO_HOURS if hours_id is None else hours_id),
                              (self.keys, key), (self.sums, rating_sum),
                              (self.counts, rating_count)):
            column.insert(at, value)

    def remove(self, station_id: int) -> None:
        at = self.ids.index(station_id)
        for name in self.__slots__:
            del getattr(self, name)[at]


class StationIndex:
    """The index of one database at (epoch, seq) of its change counter."""

    def __init__(self, epoch: int | None, seq: int) -> None:
        self.epoch, self.seq = epoch, seq
        # the bands by cell and each station's closed dates (few stations have any), as one
        # value: a change builds new ones and swaps the pair in one assignment
        self.view: tuple[dict[int, Band], dict[int, str]] = ({}, {})
        self.cell_of = array("i")  # by station id
        self.lock = threading.Lock()
        self.size = 0

    # --- building and keeping in step ---------------------------------------------------

    def _cell(self, station_id: int) -> int:
        return self.cell_of[station_id] if station_id < len(self.cell_of) else NO_CELL

    def _place(self, station_id: int, cell: int) -> None:
        if station_id >= len(self.cell_of):
            grow = max(station_id + 1 - len(self.cell_of), len(self.cell_of) // 4, 1024)
            self.cell_of.extend(array("i", [NO_CELL]) * grow)
        self.cell_of[station_id] = cell

    def add_loaded(self, row) -> None:
        """A row of the initial load (rows come in (lat_cell, lng, station_id) order, so each
        band fills in longitude order; `finish` checks)."""
        station_id, cell, closed = row[0], band_of(row[2]), row[6]
        bands, closed_of = self.view  # not searched yet: filled in place
        band = bands.get(cell)
        if band is None:
            band = bands[cell] = Band()
        band.append(row)
        self._place(station_id, cell)
        if closed:
            closed_of[station_id] = closed
        self.size += 1

    def apply(self, station_ids: list[int], rows: list) -> None:
        """The current rows of these stations (absent: no longer active), copy-on-write."""
        old_bands, old_closed = self.view
        fresh: dict[int, Band] = {}
        closed_of = dict(old_closed)

        def band_copy(cell: int) -> Band:
            band = fresh.get(cell)
            if band is None:
                old = old_bands.get(cell)
                band = fresh[cell] = Band(old) if old is not None else Band()
            return band

        for station_id in station_ids:
            cell = self._cell(station_id)
            if cell != NO_CELL:
                band_copy(cell).remove(station_id)
                self.cell_of[station_id] = NO_CELL
                closed_of.pop(station_id, None)
                self.size -= 1
        for row in rows:
            station_id, cell, closed = row[0], band_of(row[2]), row[6]
            band_copy(cell).insert(row)
            self._place(station_id, cell)
            if closed:
                closed_of[station_id] = closed
            self.size += 1
        bands = dict(old_bands)
        for cell, band in fresh.items():
            if band.ids:
                bands[cell] = band
            else:
                bands.pop(cell, None)
        # one swap: a search holds one whole state (a moved station is never in two bands
        # of it, or in none; its closed dates go with it), at least as new as `seq` before
        self.view = (bands, closed_of)

    def finish(self) -> None:
        """After the load: a band whose rows are not in longitude order (a row whose 0.01°
        cell and 0.0025° band disagree at an edge by rounding) is sorted."""
        bands = self.view[0]
        for cell, band in bands.items():
            lngs = band.lng
            if any(a > b for a, b in zip(lngs, lngs[1:], strict=False)):
                order = sorted(range(len(lngs)), key=lngs.__getitem__)
                fresh = Band()
                for name in Band.__slots__:
                    column = getattr(band, name)
                    getattr(fresh, name).extend(column[i] for i in order)
                bands[cell] = fresh

    def sync(self, fast) -> bool:
        """Bring the index up to the database's counter; False when it cannot be (a new
        epoch, changes pruned or too many): load a new one."""
        epoch, seq = fast.integers(FRESHNESS) or (None, 0)
        if epoch == self.epoch and seq == self.seq:
            return True
        with self.lock:
            if epoch != self.epoch or seq < self.seq:
                return False
            if seq == self.seq:  # another thread applied it meanwhile
                return True
            mark = fast.placeholder
            changes = run(fast, f"SELECT seq, station_id FROM station_search_changes "
                                f"WHERE seq > {mark} ORDER BY seq LIMIT {MAX_APPLY + 1}",
                          [self.seq])
            if (not changes or len(changes) > MAX_APPLY or changes[0][0] != self.seq + 1
                    or changes[-1][0] - changes[0][0] + 1 != len(changes)):
                return False
            ids = sorted({station_id for _, station_id in changes})
            rows = run(fast, f"SELECT {COLUMNS} FROM station_search WHERE station_id IN "
                             f"({','.join([mark] * len(ids))})", ids)
            self.apply(ids, rows)
            self.seq = changes[-1][0]
        return True

    # --- searching ------------------------------------------------------------------------

    def find_hits(self, fast, lat, lng, radius_m, mask, open_now_only, moment,
                  limit: int) -> list[Hit]:
        """ranking.find_hits over the index, first `limit` only, without cards (keys)."""
        _, lng_lo, lng_hi, squeeze, d_lat = box(lat, lng, radius_m)
        # each band's rows are cut to where the SQL's flat-circle prefilter (sql._box) can
        # hold: that keeps every station the exact test keeps, as it does for the SQL
        reach = (d_lat * PREFILTER_SLACK) ** 2
        p1 = lat * _RADIANS
        cos_p1 = math.cos(p1)
        sin, cos, asin, sqrt = math.sin, math.cos, math.asin, math.sqrt
        bands, closed_of = self.view
        inside = []
        for cell in range(band_of(lat - d_lat) - 1, band_of(lat + d_lat) + 2):
            band = bands.get(cell)
            if band is None:
                continue
            south, north = cell / BANDS_PER_DEGREE - _EDGE, (cell + 1) / BANDS_PER_DEGREE + _EDGE
            gap = south - lat if south > lat else lat - north if lat > north else 0.0
            if gap * gap > reach:
                continue
            half = sqrt(reach - gap * gap) / squeeze * (1 + 1e-9) + 1e-12
            lngs = band.lng
            lo = bisect_left(lngs, max(lng_lo, lng - half))
            hi = bisect_right(lngs, min(lng_hi, lng + half))
            lats, masks, ids = band.lat, band.masks, band.ids
            for i in range(lo, hi):
                if mask and masks[i] & mask != mask:
                    continue
                p2 = lats[i] * _RADIANS
                h = (sin((p2 - p1) / 2) ** 2
                     + cos_p1 * cos(p2) * sin((lngs[i] - lng) * _RADIANS / 2) ** 2)
                distance = _DIAMETER_M * asin(min(1.0, sqrt(h)))
                if distance <= radius_m:
                    inside.append((metres(distance), ids[i], band, i))
        inside.sort(key=rank_key)
        hits: list[Hit] = []
        today = moment.date
        for distance, station_id, band, i in inside:
            hours_id = band.hours[i]
            hours_id = None if hours_id == NO_HOURS else hours_id
            closed = closed_of.get(station_id) if closed_of else None
            if hours_id is None and not closed:
                is_open, closed_today = True, False
            else:
                is_open = moment.is_open(
                    None if hours_id is None else pattern_mask(fast, hours_id), closed)
                if open_now_only and not is_open:
                    continue
                closed_today = bool(closed) and today in closed
            hits.append(Hit(distance, station_id, is_open, None, band.keys[i], band.masks[i],
                            hours_id, closed_today, band.sums[i], band.counts[i]))
            if len(hits) == limit:
                break
        return hits


def band_of(lat: float) -> int:
    return math.floor(lat * BANDS_PER_DEGREE)


def load(fast) -> StationIndex:
    """The whole read model as of one snapshot, read on a connection of its own."""
    pg = fast.dialect == "postgresql"
    mark = fast.placeholder
    conn = fast.engine.raw_connection()
    try:
        cursor = conn.cursor()
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if pg else "BEGIN")
        cursor.execute(FRESHNESS)
        found = cursor.fetchone()
        index = StationIndex(*(found or (None, 0)))
        order = f" ORDER BY lat_cell, lng, station_id LIMIT {LOAD_CHUNK}"
        cursor.execute(f"SELECT {COLUMNS} FROM station_search{order}")
        while True:
            rows = cursor.fetchall()
            for row in rows:
                index.add_loaded(row)
            if len(rows) < LOAD_CHUNK:
                index.finish()
                break
            last = rows[-1]
            cursor.execute(f"SELECT {COLUMNS} FROM station_search WHERE "
                           f"(lat_cell, lng, station_id) > ({mark}, {mark}, {mark}){order}",
                           (last[1], last[3], last[0]))
        cursor.execute("COMMIT")
        cursor.close()
    finally:
        conn.close()
    return index


KEY = "station_index"  # in the fast reader's `domain` slot


class Holder:
    """This process's index of one database and how it is (re)loaded: `mode` "eager" loads
    in the request that needs it (tests), "background" in a thread while requests take the
    SQL path, "off" never."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.index: StationIndex | None = None
        self.loading = False
        self.lock = threading.Lock()

    def ready(self, fast) -> StationIndex | None:
        """The index, in step with the database; None: take the SQL path."""
        index = self.index
        if index is not None:
            if index.sync(fast):
                return index
            with self.lock:
                if self.index is index:
                    self.index = None
        if self.mode == "eager":
            index = load(fast)
            if not index.sync(fast):  # changed meanwhile: the next request loads again
                return None
            self.index = index
            return index
        if self.mode == "background":
            self._start(fast)
        return None

    def _start(self, fast) -> None:
        with self.lock:
            if self.loading:
                return
            self.loading = True

        def work() -> None:
            try:
                self.index = load(fast)
                log.info("nearby index loaded: %d stations", self.index.size)
            except Exception:  # the SQL path keeps answering; the next search tries again
                log.exception("nearby index load failed")
            finally:
                self.loading = False

        threading.Thread(target=work, name="nearby-index", daemon=True).start()


def _holder(fast) -> Holder:
    holder = fast.domain.get(KEY)
    if holder is None:
        holder = fast.domain[KEY] = Holder(current_app.config.get("NEARBY_INDEX", "off"))
    return holder


def station_index(fast) -> StationIndex | None:
    """This process's index, in step with the database (None: take the SQL path), as
    NEARBY_INDEX says ("background", "eager" or "off")."""
    holder = _holder(fast)
    if holder.mode == "off":
        return None
    return holder.ready(fast)


def searched(fast, search: Callable[[StationIndex], T]) -> T | None:
    """`search(index)` on this process's index in step with the database; None: take the
    SQL path (as `station_index`).

    On PostgreSQL the freshness read is sent first and the search runs on the index while
    the read travels (the round trip, ~0.1 ms here, is as long as the search): when the
    counter it brings is where the index stood before the search (nearly always), that
    answer stands — the same guarantee as reading first, since the search saw at least that
    state. Else the index catches up (`ready`) and the search runs again."""
    holder = _holder(fast)
    index = holder.index if holder.mode != "off" else None
    if index is None or fast.dialect != "postgresql":
        index = station_index(fast)
        return None if index is None else search(index)
    stood = (index.epoch, index.seq)
    counter = fast.send_integers(FRESHNESS)
    found = search(index)
    if (counter() or (None, 0)) == stood:
        return found
    index = holder.ready(fast)
    return None if index is None else search(index)


def use_index(mode: str) -> str:
    """Put a fresh holder in `mode` in place of the app's; returns the mode it replaced
    (benchmarks and tests compare the paths with it)."""
    fast = reader()
    previous = fast.domain.get(KEY)
    fast.domain[KEY] = Holder(mode)
    return previous.mode if previous is not None else current_app.config.get("NEARBY_INDEX",
                                                                               "off")
