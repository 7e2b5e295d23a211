"""Check-in by the event's code: without the code, another event's, outside the window or
twice is refused; officers mark people without phones; rating; online views."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest

from tests.factories.events import create_event, public_code, scene_of


@pytest.fixture
def soon(client, as_user, tree) -> dict:
    """An event starting in 30 minutes (check-in open) with `plain` confirmed."""
    event = create_event(client, as_user("county_admin"), tree["county"],
                         starts_in=timedelta(minutes=30))
    client.post(f"/api/v1/events/{event['id']}/signups", headers=as_user("plain"))
    return event


def _check_in(client, headers, event_id, scene):
    return client.post(f"/api/v1/events/{event_id}/checkins", headers=headers,
                       json={"scene": scene})


def test_check_in_with_the_code_once(app, client, as_user, soon, clock):
    scene = scene_of(app, soon["id"])
    assert scene.startswith("e=EV") and len(scene) <= 32
    first = _check_in(client, as_user("plain"), soon["id"], quote(scene))
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["attendance_source"] == "scan"
    assert first.get_json()["attendance_source_label"] == "扫码签到"
    twice = _check_in(client, as_user("plain"), soon["id"], scene)
    assert twice.status_code == 409
    assert twice.get_json()["error"]["code"] == "already_checked_in"


def test_check_in_without_the_events_code_is_refused(app, client, as_user, tree, soon):
    other = create_event(client, as_user("county_admin"), tree["county"],
                         starts_in=timedelta(minutes=30))
    code = public_code(app, soon["id"])
    forged = ["", f"e={code}", f"e={code}&k=0000000000", scene_of(app, other["id"]),
              scene_of(app, soon["id"]).replace(code, public_code(app, other["id"]))]
    for scene in forged:
        response = _check_in(client, as_user("plain"), soon["id"], scene)
        assert response.status_code in (403, 422), scene
        if response.status_code == 403:
            assert response.get_json()["error"]["code"] == "wrong_event_code"
            assert "签到码" in response.get_json()["error"]["message"]
    mine = client.get(f"/api/v1/events/{soon['id']}/signups/mine", headers=as_user("plain"))
    assert mine.get_json()["attended_at"] is None


def test_check_in_outside_the_window_is_refused(app, client, as_user, tree, clock):
    event = create_event(client, as_user("county_admin"), tree["county"],
                         starts_in=timedelta(hours=3))
    client.post(f"/api/v1/events/{event['id']}/signups", headers=as_user("plain"))
    scene = scene_of(app, event["id"])
    early = _check_in(client, as_user("plain"), event["id"], scene)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "checkin_closed"
    assert "签到时间" in early.get_json()["error"]["message"]
    clock.shift(timedelta(hours=3, minutes=61))
    late = _check_in(client, as_user("plain"), event["id"], scene)
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "checkin_closed"
    clock.shift(timedelta(minutes=-2))
    assert _check_in(client, as_user("plain"), event["id"], scene).status_code == 201


def test_only_confirmed_people_check_in(app, client, as_user, tree, clock):
    from app.extensions import db
    from tests.helpers import make_user

    with app.app_context():
        make_user("second")
        db.session.commit()
    event = create_event(client, as_user("county_admin"), tree["county"], capacity=1,
                         starts_in=timedelta(minutes=30))
    scene = scene_of(app, event["id"])
    client.post(f"/api/v1/events/{event['id']}/signups", headers=as_user("plain"))
    client.post(f"/api/v1/events/{event['id']}/signups", headers=as_user("second"))
    waiting = _check_in(client, as_user("second"), event["id"], scene)
    assert waiting.status_code == 403 and waiting.get_json()["error"]["code"] == "not_confirmed"
    nobody = _check_in(client, as_user("town1_reviewer"), event["id"], scene)
    assert nobody.status_code == 403 and nobody.get_json()["error"]["code"] == "signup_required"


def test_officer_marks_attendance_with_a_reason_once(client, as_user, soon):
    signup = client.get(f"/api/v1/events/{soon['id']}/signups",
                        headers=as_user("county_approver")).get_json()["items"][0]
    url = f"/api/v1/events/{soon['id']}/attendance"
    assert client.post(url, headers=as_user("county_approver"),
                       json={"signup_id": signup["id"]}).status_code == 422
    marked = client.post(url, headers=as_user("county_approver"),
                         json={"signup_id": signup["id"], "reason": "无智能手机"})
    assert marked.status_code == 201, marked.get_json()
    assert marked.get_json()["attendance_source"] == "officer"
    assert marked.get_json()["attendance_reason"] == "无智能手机"
    again = client.post(url, headers=as_user("county_approver"),
                        json={"signup_id": signup["id"], "reason": "无智能手机"})
    assert again.status_code == 409
    assert client.post(url, headers=as_user("plain"), json={
        "signup_id": signup["id"], "reason": "x"}).status_code == 404
    assert client.post(url, headers=as_user("town1_approver"), json={
        "signup_id": signup["id"], "reason": "x"}).status_code == 404


def test_attendance_xlsx_and_rating_after_the_event(app, client, as_user, soon, clock):
    from io import BytesIO

    from openpyxl import load_workbook

    _check_in(client, as_user("plain"), soon["id"], scene_of(app, soon["id"]))
    early = client.post(f"/api/v1/events/{soon['id']}/rating", headers=as_user("plain"),
                        json={"rating": 5})
    assert early.status_code == 409
    clock.shift(timedelta(hours=3))
    done = client.post(f"/api/v1/events/{soon['id']}/finish", headers=as_user("county_admin"),
                       json={"version": soon["version"], "unregistered_attendance": 12})
    assert done.status_code == 200, done.get_json()
    rated = client.post(f"/api/v1/events/{soon['id']}/rating", headers=as_user("plain"),
                        json={"rating": 5})
    assert rated.status_code == 201 and rated.get_json()["rating"] == 5
    assert client.post(f"/api/v1/events/{soon['id']}/rating", headers=as_user("plain"),
                       json={"rating": 1}).status_code == 409
    assert client.post(f"/api/v1/events/{soon['id']}/rating", headers=as_user("town1_approver"),
                       json={"rating": 1}).status_code == 403
    sheet = client.get(f"/api/v1/events/{soon['id']}/attendance.xlsx",
                       headers=as_user("county_approver"))
    assert sheet.status_code == 200
    book = load_workbook(BytesIO(sheet.data))
    rows = list(book["签到表"].values)
    assert rows[0][0] == "参加人" and rows[1][0] == "plain" and rows[1][5] == "扫码签到"
    summary = dict(list(book["汇总"].values)[1:])
    assert summary["覆盖人数"] == 13
    assert client.get(f"/api/v1/events/{soon['id']}/attendance.xlsx",
                      headers=as_user("plain")).status_code == 404


def test_online_views_count_once_per_person_per_day(client, as_user, tree, clock):
    event = create_event(client, as_user("county_admin"), tree["county"], form="online",
                         capacity=None)
    url = f"/api/v1/events/{event['id']}/views"
    assert client.post(url, headers=as_user("plain")).get_json() == {"counted": True, "views": 1}
    assert client.post(url, headers=as_user("plain")).get_json() == {"counted": False,
                                                                      "views": 1}
    clock.shift(timedelta(days=1))
    assert client.post(url, headers=as_user("plain")).get_json() == {"counted": True, "views": 2}
    checkin = client.post(f"/api/v1/events/{event['id']}/checkins", headers=as_user("plain"),
                          json={"scene": "e=X&k=Y"})
    assert checkin.status_code == 409 and checkin.get_json()["error"]["code"] == "online_event"


def test_the_printed_code_carries_the_scene(app, client, as_user, soon, monkeypatch):
    from app.core import scenes

    asked = []

    class Recorder:
        def get_unlimited_code(self, scene, *, page):
            asked.append((scene, page))
            return b"\x89PNG"

    monkeypatch.setattr(scenes, "wechat", Recorder)
    response = client.get(f"/api/v1/events/{soon['id']}/qrcode", headers=as_user("county_admin"))
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert asked == [(scene_of(app, soon["id"]), "pages/events/event")]
    assert _check_in(client, as_user("plain"), soon["id"], asked[0][0]).status_code == 201
    assert client.get(f"/api/v1/events/{soon['id']}/qrcode",
                      headers=as_user("plain")).status_code == 404


def test_the_scanned_code_finds_its_event(app, client, as_user, soon, tree):
    code = public_code(app, soon["id"])
    found = client.get(f"/api/v1/events/by-code/{code.lower()}", headers=as_user("plain"))
    assert found.status_code == 200 and found.get_json()["id"] == soon["id"]
    assert client.get("/api/v1/events/by-code/NOPE", headers=as_user("plain")).status_code == 404
    draft = create_event(client, as_user("county_admin"), tree["county"], publish=False)
    hidden = client.get(f"/api/v1/events/by-code/{public_code(app, draft['id'])}",
                        headers=as_user("plain"))
    assert hidden.status_code == 404
