"""Station rows for tests, created through the service so the search index is maintained."""

from __future__ import annotations

import random

from app.extensions import db
from app.orgs.models import Org
from app.stations.stations import build_station
from app.stations.vocab import SERVICES

SERVICE_CODES = list(SERVICES)
HOURS_CHOICES = [
    {"always": True},
    {"weekly": {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}},
    {"weekly": {day: [["22:00", "06:00"]] for day in ("mon", "tue", "wed", "thu", "fri",
                                                       "sat", "sun")}},
    {"always": True, "closed_dates": ["2026-11-25"]},
]


def station_data(org_id: int, lat: float, lng: float, **overrides) -> dict:
    data = {
        "org_id": org_id, "name": "测试驿站", "kind": "outdoor_worker_station",
        "host_type": "union", "address": "测试路1号",
        "location": {"lat": lat, "lng": lng, "coord": "gcj02"},
        "services": ["drinking_water", "toilet"], "opening_hours": {"always": True},
    }
    data.update(overrides)
    return data


def make_station(org_id: int, lat: float, lng: float, **overrides):
    org = db.session.get(Org, org_id)
    return build_station(org=org, data=station_data(org_id, lat, lng, **overrides))


def scatter(org_id: int, rng: random.Random, centre: tuple[float, float], count: int,
            spread_deg: float) -> None:
    for index in range(count):
        make_station(
            org_id, centre[0] + rng.uniform(-spread_deg, spread_deg),
            centre[1] + rng.uniform(-spread_deg, spread_deg),
            name=f"站{index}",
            services=rng.sample(SERVICE_CODES, rng.randint(0, 5)),
            opening_hours=rng.choice(HOURS_CHOICES),
            status=rng.choice(["active"] * 8 + ["suspended", "closed", "planned"]),
        )


def sign_scene(app, station_id: int) -> str:
    """The `scene` of the station's printed mini-program code (what a real scan sends)."""
    from app.stations.activity.checkins import sign_scene as scene_of
    from app.stations.models import Station
    with app.app_context():
        return scene_of(db.session.get(Station, station_id))


def check_in(client, headers, app, station_id: int):
    """A check-in with the station's sign, as the check-in page sends it after a scan."""
    return client.post(f"/api/v1/stations/{station_id}/checkins", headers=headers,
                       json={"scene": sign_scene(app, station_id)})
