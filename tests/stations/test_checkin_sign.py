"""A check-in needs the sign's scene (issue 16 item 6): the public code alone, another
station's sign, a forged key or no scene at all is refused and counts nothing."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.stations.models import Checkin, Station
from tests.factories.stations import make_station, sign_scene


def counted(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Checkin))


@pytest.fixture
def other_station_id(app, tree) -> int:
    with app.app_context():
        station = make_station(tree["village1"], 36.62, 101.78)
        db.session.commit()
        return station.id


def public_code(app, station_id: int) -> str:
    with app.app_context():
        return db.session.get(Station, station_id).code


def test_no_scene_is_422_and_not_counted(app, client, as_user, station_id):
    url = f"/api/v1/stations/{station_id}/checkins"
    for body in ({}, {"scene": ""}):
        response = client.post(url, headers=as_user("plain"), json=body)
        assert response.status_code == 422
        assert "scene" in response.get_json()["error"]["details"]["fields"]
    assert client.post(url, headers=as_user("plain")).status_code in (400, 422)
    assert counted(app) == 0


def test_public_code_alone_or_wrong_key_is_403_in_chinese(app, client, as_user, station_id,
                                                           other_station_id):
    url = f"/api/v1/stations/{station_id}/checkins"
    code = public_code(app, station_id)
    forged = [f"s={code}", code, f"s={code}&k=0000000000",
              sign_scene(app, other_station_id),  # another station's sign
              sign_scene(app, station_id).replace(code, public_code(app, other_station_id))]
    for scene in forged:
        response = client.post(url, headers=as_user("plain"), json={"scene": scene})
        assert response.status_code == 403, scene
        error = response.get_json()["error"]
        assert error["code"] == "wrong_station_code"
        assert "扫描" in error["message"]
    english = client.post(url, headers={**as_user("plain"), "Accept-Language": "en"},
                          json={"scene": forged[0]})
    assert "Scan the code" in english.get_json()["error"]["message"]
    assert counted(app) == 0


@pytest.mark.parametrize("encode", [lambda s: s, quote, str.lower])
def test_the_sign_counts_decoded_or_encoded(app, client, as_user, station_id, encode):
    scene = encode(sign_scene(app, station_id))
    response = client.post(f"/api/v1/stations/{station_id}/checkins",
                           headers=as_user("plain"), json={"scene": scene})
    assert response.status_code == 201
    assert response.get_json()["counted"] is True
    assert counted(app) == 1


def test_scene_fits_wechat(app, station_id):
    scene = sign_scene(app, station_id)
    assert len(scene) <= 32 and scene.startswith(f"s={public_code(app, station_id)}&k=")


def test_replay_within_the_window_counts_once(app, client, as_user, station_id):
    body = {"scene": sign_scene(app, station_id)}
    url = f"/api/v1/stations/{station_id}/checkins"
    answers = [client.post(url, headers=as_user("plain"), json=body).get_json()["counted"]
               for _ in range(5)]
    assert answers == [True, False, False, False, False]
    assert counted(app) == 1


def test_the_printed_code_carries_the_sign_scene(app, client, as_user, station_id,
                                                  monkeypatch):
    """What the admins print is what a check-in needs."""
    from app.core import scenes

    asked = []

    class Recorder:
        def get_unlimited_code(self, scene, *, page):
            asked.append((scene, page))
            return b"\x89PNG"

    monkeypatch.setattr(scenes, "wechat", Recorder)
    response = client.get(f"/api/v1/stations/{station_id}/qrcode",
                          headers=as_user("county_admin"))
    assert response.status_code == 200
    assert asked == [(sign_scene(app, station_id), "pages/stations/checkin")]
    check = client.post(f"/api/v1/stations/{station_id}/checkins", headers=as_user("plain"),
                        json={"scene": asked[0][0]})
    assert check.status_code == 201 and check.get_json()["counted"] is True
