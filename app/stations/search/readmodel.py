"""The write side of nearby search: the `station_search` read model.

`refresh_search_row` keeps a station's row in step in the caller's transaction, `add_rating`
moves its rating counters, `rebuild_search` recomputes every row from the stations table (the
`flask gonghui rebuild-search` command, and migrations that change the card's shape).
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.stations import hours
from app.stations.cards import card, card_key
from app.stations.models import Feedback, HoursPattern, Station, StationSearchRow
from app.stations.vocab import services_mask

CELLS_PER_DEGREE = 100
REBUILD_BATCH = 1000


def lat_cell(lat: float) -> int:
    return math.floor(lat * CELLS_PER_DEGREE)


def _hours_digest(opening_hours: dict) -> tuple[bytes, str] | None:
    if hours.known(opening_hours):
        mask = hours.mask_to_bytes(hours.week_mask(opening_hours))
        if mask is None:
            return None
    else:
        mask = hours.UNKNOWN_MASK
    return mask, hashlib.sha256(mask).hexdigest()


def hours_pattern_id(opening_hours: dict) -> int | None:
    """The shared bitmap row for these weekly hours (None when always open; unknown hours
    share the row of UNKNOWN_MASK)."""
    found = _hours_digest(opening_hours)
    if found is None:
        return None
    mask, digest = found
    pattern_id = db.session.scalar(select(HoursPattern.id).where(HoursPattern.digest == digest))
    if pattern_id is not None:
        return pattern_id
    try:
        with db.session.begin_nested():
            pattern = HoursPattern(digest=digest, mask=mask)
            db.session.add(pattern)
        return pattern.id
    except IntegrityError:  # another writer added the same pattern first
        return db.session.scalar(select(HoursPattern.id).where(HoursPattern.digest == digest))


def search_values(station: Any, hours_id: int | None, ratings: tuple[int, int]) -> dict[str, Any]:
    """The read-model row of an active station (any object with the Station attributes);
    `ratings`: (sum, count) of its visible ratings."""
    closed = ",".join(station.opening_hours.get("closed_dates", []) or []) or None
    text = card(station)
    return {"station_id": station.id, "lat_cell": lat_cell(station.lat), "lat": station.lat,
            "lng": station.lng, "services_mask": services_mask(station.services),
            "hours_id": hours_id, "closed_dates": closed, "card": text,
            "card_key": card_key(text), "rating_sum": int(ratings[0] or 0),
            "rating_count": int(ratings[1] or 0)}


def _visible_ratings(station_column):
    """(sum, count) of the visible ratings of the station in `station_column`, as columns."""
    feedback = Feedback.__table__
    visible = ((feedback.c.station_id == station_column) & (feedback.c.status == "visible")
               & feedback.c.superseded_at.is_(None))
    total = (select(func.coalesce(func.sum(feedback.c.rating), 0)).where(visible)
             .correlate_except(feedback).scalar_subquery())
    count = (select(func.count()).select_from(feedback).where(visible)
             .correlate_except(feedback).scalar_subquery())
    return total.label("rating_sum"), count.label("rating_count")


# changes kept in `station_search_changes`: a process further behind loads everything again
KEEP_CHANGES = 10_000
_BUMP = text("INSERT INTO station_search_seq (id, epoch, seq) VALUES (1, :epoch, :count) "
             "ON CONFLICT (id) DO UPDATE SET seq = station_search_seq.seq + excluded.seq "
             "RETURNING seq")
_LOG = text("INSERT INTO station_search_changes (seq, station_id) VALUES (:seq, :station_id)")
_PRUNE = text("DELETE FROM station_search_changes WHERE seq <= :upto")


def log_changes(execute, station_ids: list[int]) -> None:
    """Count these stations' read-model rows as changed, in the writer's transaction
    (`execute`: the session's or a connection's): the counter row stays locked until commit,
    so in-process copies (search.index) see changes in counter order and none after it."""
    if not station_ids:
        return
    seq = execute(_BUMP, {"epoch": secrets.randbits(62), "count": len(station_ids)}).scalar_one()
    first = seq - len(station_ids) + 1
    execute(_LOG, [{"seq": first + n, "station_id": station_id}
                   for n, station_id in enumerate(station_ids)])
    if seq // 100 != (first - 1) // 100:  # prune once per hundred changes, not per write
        execute(_PRUNE, {"upto": seq - KEEP_CHANGES})


def refresh_search_row(station: Station) -> None:
    """Keep the read model in step with the station, in the caller's transaction."""
    log_changes(db.session.execute, [station.id])
    db.session.execute(delete(StationSearchRow).where(StationSearchRow.station_id == station.id))
    if station.status != "active":
        return
    ratings = db.session.execute(select(*_visible_ratings(station.id))).one()
    db.session.add(StationSearchRow(
        **search_values(station, hours_pattern_id(station.opening_hours), tuple(ratings))))


def add_rating(station_id: int, rating: int, *, count: int = 1) -> None:
    """A rating became visible (`count=-1`, with `-rating`: a visible one stopped counting):
    one atomic counter UPDATE in the caller's transaction (the card stays as it is; nearby
    divides per request)."""
    log_changes(db.session.execute, [station_id])
    db.session.execute(update(StationSearchRow).where(StationSearchRow.station_id == station_id)
                       .values(rating_sum=StationSearchRow.rating_sum + rating,
                               rating_count=StationSearchRow.rating_count + count))


@dataclass
class RebuildCounts:
    stations: int = 0  # stations read
    unchanged: int = 0  # active stations whose row was already right
    added: int = 0  # active stations that had no row
    updated: int = 0  # rows rewritten (stale card, position, services, hours)
    removed: int = 0  # rows of stations that are not active

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


SEARCH_COLUMNS = ("station_id", "lat_cell", "lat", "lng", "services_mask", "hours_id",
                  "closed_dates", "card", "card_key", "rating_sum", "rating_count")


def rebuild_search(connection: Connection, *, batch: int = REBUILD_BATCH,
                   after_batch: Callable[[RebuildCounts], None] | None = None) -> RebuildCounts:
    """Recompute `station_search` from `stations` (cards included), `batch` stations at a
    time in id order; rows already right are left alone, so a second run changes nothing.

    Runs on a plain connection and never commits: the CLI commits after each batch through
    `after_batch`, a migration calls it with `op.get_bind()` inside its own transaction.
    """
    stations, search, patterns = Station.__table__, StationSearchRow.__table__, \
        HoursPattern.__table__
    known = dict(connection.execute(select(patterns.c.digest, patterns.c.id)).all())
    counts = RebuildCounts()
    last_id = 0
    while True:
        rows = connection.execute(
            select(stations.c.id, stations.c.name, stations.c.kind, stations.c.address,
                   stations.c.code, stations.c.lat, stations.c.lng, stations.c.services,
                   stations.c.opening_hours, stations.c.status, stations.c.photos,
                   *_visible_ratings(stations.c.id))
            .where(stations.c.id > last_id).order_by(stations.c.id).limit(batch)).all()
        if not rows:
            return counts
        last_id = rows[-1].id
        ids = [row.id for row in rows]
        current = {row.station_id: tuple(row) for row in connection.execute(
            select(*[search.c[name] for name in SEARCH_COLUMNS])
            .where(search.c.station_id.in_(ids)))}
        stale_ids, fresh = [], []
        for row in rows:
            counts.stations += 1
            had = current.get(row.id)
            if row.status != "active":
                if had is not None:
                    stale_ids.append(row.id)
                    counts.removed += 1
                continue
            values = search_values(row, _pattern_id(connection, known, row.opening_hours),
                                   (row.rating_sum, row.rating_count))
            if had == tuple(values[name] for name in SEARCH_COLUMNS):
                counts.unchanged += 1
                continue
            if had is None:
                counts.added += 1
            else:
                stale_ids.append(row.id)
                counts.updated += 1
            fresh.append(values)
        log_changes(connection.execute, sorted({*stale_ids, *(row["station_id"] for row in fresh)}))
        if stale_ids:
            connection.execute(delete(search).where(search.c.station_id.in_(stale_ids)))
        if fresh:
            connection.execute(insert(search), fresh)
        if after_batch is not None:
            after_batch(counts)


def _pattern_id(connection: Connection, known: dict[str, int], opening_hours: dict) -> int | None:
    found = _hours_digest(opening_hours)
    if found is None:
        return None
    mask, digest = found
    if digest not in known:
        patterns = HoursPattern.__table__
        connection.execute(insert(patterns).values(digest=digest, mask=mask))
        known[digest] = connection.scalar(select(patterns.c.id)
                                          .where(patterns.c.digest == digest))
    return known[digest]


