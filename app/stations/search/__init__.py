"""Nearby search on the `station_search` read model: indexed, raw SQL, JSON built by splicing.

- `readmodel`: the write side (rows kept in step in the writer's transaction, rebuild);
- `query`: what a request asks beyond its parsed arguments (language);
- `sql`: the one indexed range query per search, SQLite and PostgreSQL;
- `ranking`: exact distance and open-now tests, order, each hit's JSON from its card;
- `nearby`: the search itself (hits, cards, the nearest station outside the radius).
"""

from app.stations.search.nearby import FALLBACK_RADII_M, nearby_json, ring_radii
from app.stations.search.query import wants_english
from app.stations.search.ranking import metres
from app.stations.search.readmodel import (
    RebuildCounts,
    add_rating,
    hours_pattern_id,
    lat_cell,
    rebuild_search,
    refresh_search_row,
    search_values,
)
from app.stations.search.sql import candidates_sql, ring_sql

__all__ = ["FALLBACK_RADII_M", "RebuildCounts", "add_rating", "candidates_sql",
           "hours_pattern_id", "lat_cell", "metres", "nearby_json", "rebuild_search",
           "refresh_search_row", "ring_radii", "ring_sql", "search_values", "wants_english"]
