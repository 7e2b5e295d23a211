"""JSON answers over 1 KB are gzip-compressed for clients that accept it; nothing else is."""

from __future__ import annotations

import gzip
import json

import pytest

from app.core.compression import MIN_BYTES
from app.extensions import db
from tests.factories.stations import make_station

XINING = (36.6171, 101.7782)
NEARBY = f"/api/v1/stations/nearby?lat={XINING[0]}&lng={XINING[1]}&limit=20"
WEEKDAYS = {"weekly": {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}}


@pytest.fixture
def twenty(app, tree):
    """Twenty stations with long Chinese names, addresses and six services each."""
    with app.app_context():
        for n in range(20):
            make_station(tree["village1"], XINING[0] + n * 0.0002, XINING[1],
                         name=f"城中区第{n}号户外劳动者服务站（工会驿站）",
                         address=f"青海省西宁市城中区长江路{n}号工人文化宫东侧一楼",
                         services=["drinking_water", "hot_water", "microwave", "toilet",
                                   "phone_charging", "wifi"], opening_hours=WEEKDAYS)
        db.session.commit()


def test_twenty_nearby_cards_are_at_most_8_kb_on_the_wire(client, twenty):
    plain = client.get(NEARBY)
    packed = client.get(NEARBY, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) <= 8 * 1024
    assert gzip.decompress(packed.data) == plain.data
    assert len(json.loads(plain.data)["items"]) == 20
    assert len(packed.data) < len(plain.data) / 3


@pytest.mark.parametrize("header", ["gzip;q=0", "identity", "br", "deflate"])
def test_clients_that_do_not_accept_gzip_get_the_plain_body(client, twenty, header):
    response = client.get(NEARBY, headers={"Accept-Encoding": header})
    assert "Content-Encoding" not in response.headers
    assert len(json.loads(response.data)["items"]) == 20


def test_small_answers_stay_plain(client):
    response = client.get("/api/v1/stations/987654", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 404
    assert len(response.data) <= MIN_BYTES
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["error"]["code"]


def test_other_large_json_answers_are_compressed_too(client, twenty, tree, as_user):
    """Not only nearby: the officers' list and the GeoJSON export (application/geo+json)."""
    headers = as_user("county_admin")
    for url in (f"/api/v1/orgs/{tree['county']}/stations?limit=20",
                f"/api/v1/orgs/{tree['county']}/stations.geojson"):
        plain = client.get(url, headers=headers)
        assert plain.status_code == 200 and len(plain.data) > MIN_BYTES
        packed = client.get(url, headers={**headers, "Accept-Encoding": "gzip"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert packed.mimetype == plain.mimetype
        assert gzip.decompress(packed.data) == plain.data


def test_non_json_answers_are_not_compressed(client):
    response = client.get("/api/docs-assets/swagger-ui.css",
                          headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert len(response.data) > MIN_BYTES
    assert "Content-Encoding" not in response.headers


def test_an_idempotent_replay_is_compressed_like_the_first_answer(client, tree, as_user):
    """The key stores the plain body (compression runs after it) and a replay is compressed
    for the client that accepts it, plain for one that does not."""
    from tests.factories.stations import station_data

    body = station_data(tree["village1"], *XINING, name="长" * 100, address="址" * 200)
    headers = {**as_user("county_admin"), "Idempotency-Key": "compress-replay-0001"}
    first = client.post("/api/v1/stations", json=body,
                        headers={**headers, "Accept-Encoding": "gzip"})
    assert first.status_code == 201 and first.headers["Content-Encoding"] == "gzip"
    again = client.post("/api/v1/stations", json=body,
                        headers={**headers, "Accept-Encoding": "gzip"})
    assert again.headers["Idempotent-Replayed"] == "true"
    assert gzip.decompress(again.data) == gzip.decompress(first.data)
    plain = client.post("/api/v1/stations", json=body, headers=headers)
    assert "Content-Encoding" not in plain.headers
    assert plain.data == gzip.decompress(first.data)
