"""Loaders of the stations domain: load or refuse, always `(actor_id, <thing>_id, …)`.

`get_station` without roles applies the visibility rule (active stations for everybody, the
others only for officers over the station's org); with roles it asks for one of them over
the station's org (404 for callers with no role there, 403 for the wrong role). Either way a
caller who may not know the station exists gets 404.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import authorize, get_org_or_404, has_role_over
from app.stations.models import Feedback, Station


def get_station(actor_id: int | None, station_id: int, *,
                roles: Iterable[str] | None = None) -> Station:
    station = db.session.get(Station, station_id)
    if station is None:
        raise NotFound("No such station.")
    if roles is not None:
        authorize(actor_id, station.org, roles)
    elif station.status != "active" and not has_role_over(actor_id, station.org):
        raise NotFound("No such station.")
    return station


def get_org(actor_id: int | None, org_id: int, *, roles: Iterable[str]) -> Org:
    """The org whose stations the caller works on, when they hold one of `roles` over it."""
    org = get_org_or_404(org_id)
    authorize(actor_id, org, roles)
    return org


def get_feedback(actor_id: int | None, feedback_id: int, *, roles: Iterable[str]) -> Feedback:
    """Feedback for an officer holding one of `roles` over its station's org."""
    feedback = db.session.get(Feedback, feedback_id)
    if feedback is None:
        raise NotFound("No such feedback.")
    authorize(actor_id, feedback.station.org, roles)
    return feedback
