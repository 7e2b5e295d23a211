"""GeoJSON export of an org subtree's stations (GCJ-02, lng/lat order)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.core.roles import OFFICERS
from app.extensions import db
from app.orgs.scope import orgs_under
from app.stations.access import get_org
from app.stations.models import Station


@dataclass
class FeatureCollection:
    """What `GeoJson` dumps: the stations, each as a point feature."""

    features: list[Station] = field(default_factory=list)
    type: str = "FeatureCollection"


def geojson(*, actor_id: int, org_id: int) -> FeatureCollection:
    """The org subtree's stations, any status, by id."""
    org = get_org(actor_id, org_id, roles=OFFICERS)
    stations = db.session.scalars(select(Station).where(Station.org_id.in_(
        orgs_under(org))).order_by(Station.id))
    return FeatureCollection(list(stations))
