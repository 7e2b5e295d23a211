"""Who may do what with a station of village1 (inside town1, inside the county)."""

from __future__ import annotations

import io

import pytest

from app.extensions import db
from tests.factories.stations import make_station

# the role groups the rules name, as outcomes for the tree's people
NOBODY_LOGGED_IN = {None: 401}
OUTSIDERS = {"plain": 404, "village2_approver": 404, "town2_approver": 404}
OFFICERS_OK = {**NOBODY_LOGGED_IN, **OUTSIDERS, "village1_approver": 200, "town1_reviewer": 200,
               "county_approver": 200, "county_admin": 200, "prov_admin": 200}
ADMINS_OK = {**NOBODY_LOGGED_IN, **OUTSIDERS, "village1_approver": 403, "town1_reviewer": 403,
             "county_approver": 403, "county_admin": 200, "prov_admin": 200}
VISIBLE_TO_OFFICERS = {**OFFICERS_OK, None: 404}


def csv_file() -> dict:
    payload = ("name,kind,host_type,address,lat,lng\n"
               "新站,love_station,bank,路9号,36.61,101.77\n").encode()
    return {"file": (io.BytesIO(payload), "stations.csv")}


# name → (method, path of (ids), json body or None, form data factory or None, outcomes)
ENDPOINTS = {
    "detail of a suspended station": (
        "get", "/api/v1/stations/{suspended}", None, None, VISIBLE_TO_OFFICERS),
    "list of the org's stations": (
        "get", "/api/v1/orgs/{village1}/stations", None, None, OFFICERS_OK),
    "visits": (
        "get", "/api/v1/stations/{station}/visits?from=2026-01-01&to=2026-01-31", None, None,
        OFFICERS_OK),
    "GeoJSON export": ("get", "/api/v1/orgs/{village1}/stations.geojson", None, None,
                       OFFICERS_OK),
    "edit": ("patch", "/api/v1/stations/{station}", {"name": "改名"}, None, ADMINS_OK),
    "qrcode": ("get", "/api/v1/stations/{station}/qrcode", None, None, ADMINS_OK),
    "import (dry run)": ("post", "/api/v1/orgs/{village1}/stations/import?dry_run=true", None,
                         csv_file, ADMINS_OK),
    "feedback review": ("post", "/api/v1/feedback/{held}/review",
                        {"action": "approve", "version": 1}, None, ADMINS_OK),
    "feedback answer": ("post", "/api/v1/feedback/{held}/answer",
                        {"answer": "谢谢", "version": 1}, None, ADMINS_OK),
}
CASES = [pytest.param(name, who, status, id=f"{name}-{who or 'anonymous'}")
         for name, (*_, outcomes) in ENDPOINTS.items() for who, status in outcomes.items()]


@pytest.fixture
def ids(app, tree, station_id, held):
    with app.app_context():
        suspended = make_station(tree["village1"], 36.6271, 101.7782, status="suspended")
        db.session.commit()
        return {"station": station_id, "suspended": suspended.id, "village1": tree["village1"],
                "held": held}


@pytest.mark.parametrize(("endpoint", "who", "status"), CASES)
def test_station_endpoints_matrix(client, as_user, ids, endpoint, who, status):
    method, path, body, form, _ = ENDPOINTS[endpoint]
    options = {"headers": as_user(who)}
    if body is not None:
        options["json"] = body
    if form is not None:
        options.update(data=form(), content_type="multipart/form-data")
    response = getattr(client, method)(path.format(**ids), **options)
    assert response.status_code == status, response.get_json()


@pytest.mark.parametrize("who", [None, "plain", "prov_admin"])
def test_an_unknown_station_is_404_for_everybody(client, as_user, ids, who):
    assert client.get("/api/v1/stations/999999", headers=as_user(who)).status_code == 404
