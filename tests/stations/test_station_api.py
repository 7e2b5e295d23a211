"""Station management, check-ins, feedback and import/export through HTTP."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.core.time import SHANGHAI
from app.extensions import db
from app.stations.models import Feedback, Station, StationSearchRow
from tests.factories.stations import check_in, sign_scene, station_data


def create(client, headers, org_id, **overrides):
    body = station_data(org_id, 36.6171, 101.7782, **overrides)
    return client.post("/api/v1/stations", headers=headers, json=body)


@pytest.fixture
def station(client, tree, as_user):
    response = create(client, as_user("county_admin"), tree["village1"], name="甲村驿站")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


WRITE_MATRIX = [
    (None, 401), ("plain", 404), ("village1_approver", 403), ("town1_reviewer", 403),
    ("town2_approver", 404), ("county_admin", 201), ("prov_admin", 201),
]


@pytest.mark.parametrize(("who", "status"), WRITE_MATRIX)
def test_create_matrix(client, tree, as_user, who, status):
    assert create(client, as_user(who), tree["village1"]).status_code == status


UPDATE_MATRIX = [
    (None, 401), ("plain", 404), ("village1_approver", 403), ("village2_approver", 404),
    ("county_admin", 200), ("prov_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), UPDATE_MATRIX)
def test_update_matrix(client, as_user, station, who, status):
    response = client.patch(f"/api/v1/stations/{station['id']}", headers=as_user(who),
                            json={"name": "改名驿站"})
    assert response.status_code == status


def test_create_stores_gcj02_from_bd09_and_has_public_code(client, tree, as_user):
    response = create(client, as_user("county_admin"), tree["village1"],
                      location={"lat": 36.6233, "lng": 101.7846, "coord": "bd09"})
    body = response.get_json()
    assert abs(body["location"]["lat"] - 36.6171) < 0.001
    assert body["code"].startswith("ZH") and len(body["code"]) == 8
    found = client.get(f"/api/v1/stations/by-code/{body['code'].lower()}")
    assert found.status_code == 200 and found.get_json()["id"] == body["id"]


def test_bad_opening_hours_are_422(client, tree, as_user):
    response = create(client, as_user("county_admin"), tree["village1"],
                      opening_hours={"weekly": {"mon": [["08:00", "26:00"]]}})
    assert response.status_code == 422
    assert "opening_hours" in response.get_json()["error"]["details"]["fields"]


def test_suspending_removes_from_search_and_hides_from_public(client, as_user, station, app):
    url = f"/api/v1/stations/{station['id']}"
    suspended = client.patch(url, headers=as_user("county_admin"),
                             json={"status": "suspended", "version": station["version"]})
    assert suspended.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StationSearchRow)) == 0
    assert client.get(url).status_code == 404
    assert client.get(url, headers=as_user("town1_reviewer")).status_code == 200
    stale = client.patch(url, headers=as_user("county_admin"),
                         json={"name": "x", "version": station["version"]})
    assert stale.status_code == 409


def test_closed_station_cannot_be_edited(client, as_user, station):
    url = f"/api/v1/stations/{station['id']}"
    client.patch(url, headers=as_user("county_admin"), json={"status": "closed", "version": 1})
    response = client.patch(url, headers=as_user("county_admin"), json={"status": "active"})
    assert response.status_code == 409


def test_checkin_counts_once_per_ten_minutes(app, client, as_user, station, clock):
    url = f"/api/v1/stations/{station['id']}/checkins"
    body = {"scene": sign_scene(app, station["id"])}
    assert client.post(url, json=body).status_code == 401
    first = client.post(url, headers=as_user("plain"), json=body).get_json()
    second = client.post(url, headers=as_user("plain"), json=body).get_json()
    assert first == {"counted": True, "visits_today": 1}
    assert second == {"counted": False, "visits_today": 1}
    other = client.post(url, headers=as_user("worker2"), json=body).get_json()
    assert other == {"counted": True, "visits_today": 2}
    clock.shift(timedelta(minutes=11))
    assert client.post(url, headers=as_user("plain"), json=body).get_json()["counted"] is True


def test_visits_for_officers_only(app, client, as_user, station):
    check_in(client, as_user("plain"), app, station["id"])
    url = f"/api/v1/stations/{station['id']}/visits?from=2020-01-01&to=2020-12-31"
    assert client.get(url, headers=as_user("plain")).status_code == 404
    assert client.get(url, headers=as_user("village2_approver")).status_code == 404
    assert client.get(url, headers=as_user("town1_reviewer")).status_code == 200


def test_qrcode_png_for_admins(client, as_user, station, fake_wechat):
    url = f"/api/v1/stations/{station['id']}/qrcode"
    assert client.get(url, headers=as_user("village1_approver")).status_code == 403
    response = client.get(url, headers=as_user("county_admin"))
    assert response.status_code == 200
    assert response.data.startswith(b"\x89PNG")


def test_feedback_content_check_paths(app, client, as_user, station, fake_wechat):
    url = f"/api/v1/stations/{station['id']}/feedback"
    check_in(client, as_user("plain"), app, station["id"])
    ok = client.post(url, headers=as_user("plain"), json={"rating": 5, "text": "热水很方便"})
    assert ok.status_code == 201 and ok.get_json()["status"] == "visible"
    risky = client.post(url, headers=as_user("plain"), json={"rating": 1, "text": "违禁词"})
    assert risky.status_code == 422
    held = client.post(url, headers=as_user("plain"), json={"rating": 2, "text": "待审词"})
    assert held.get_json()["status"] == "in_review"
    public = client.get(url).get_json()["items"]
    assert [f["text"] for f in public] == ["热水很方便"]
    review = f"/api/v1/feedback/{held.get_json()['id']}/review"
    body = {"action": "approve", "version": 1}
    assert client.post(review, headers=as_user("town1_approver"), json=body).status_code == 403
    assert client.post(review, headers=as_user("plain"), json=body).status_code == 404
    assert client.post(review, headers=as_user("county_admin"), json=body).status_code == 200
    assert client.post(review, headers=as_user("county_admin"), json=body).status_code == 409
    assert len(client.get(url).get_json()["items"]) == 2  # both texts stay listed
    detail = client.get(f"/api/v1/stations/{station['id']}").get_json()
    assert detail["rating"] == 2 and detail["rating_count"] == 1  # the latest rating counts


def test_feedback_while_the_content_check_is_down_is_503_and_nothing_is_stored(
        app, client, as_user, station, fake_wechat):
    url = f"/api/v1/stations/{station['id']}/feedback"
    check_in(client, as_user("plain"), app, station["id"])
    before = sum(fake_wechat.calls.values())
    fake_wechat.inject_fault("busy", count=3)  # the first try and both retries
    response = client.post(url, headers=as_user("plain"), json={"rating": 1, "text": "热水没了"})
    assert response.status_code == 503, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "wechat_unavailable"
    assert error["message"] == "内容安全检查暂无响应，请稍后再试。"
    assert response.headers["Retry-After"] == "5"
    assert sum(fake_wechat.calls.values()) >= before + 3  # WeChat was asked, over HTTP
    assert client.get(url).get_json()["items"] == []
    detail = client.get(f"/api/v1/stations/{station['id']}").get_json()
    assert detail["rating_count"] == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Feedback)) == 0
    fake_wechat.reset()
    again = client.post(url, headers=as_user("plain"), json={"rating": 1, "text": "热水没了"})
    assert again.status_code == 201, again.get_json()


def test_officer_answers_feedback_and_worker_is_told(client, as_user, station, app):
    check_in(client, as_user("plain"), app, station["id"])
    created = client.post(f"/api/v1/stations/{station['id']}/feedback", headers=as_user("plain"),
                          json={"rating": 4}).get_json()
    url = f"/api/v1/feedback/{created['id']}/answer"
    answered = client.post(url, headers=as_user("county_admin"),
                           json={"answer": "谢谢反馈", "version": 1})
    assert answered.status_code == 200 and answered.get_json()["answer"] == "谢谢反馈"
    from app.notify.models import InAppMessage

    with app.app_context():
        messages = db.session.scalars(select(InAppMessage.event)).all()
    assert "feedback.answered" in messages


def _csv(rows: list[str]) -> bytes:
    header = "name,kind,host_type,address,lat,lng,services,opening_hours"
    return ("\n".join([header, *rows]) + "\n").encode()


def test_import_with_a_bad_row_changes_nothing(client, tree, as_user, app):
    payload = _csv([
        "站一,outdoor_worker_station,union,路1,36.61,101.77,drinking_water|toilet,24h",
        "站二,love_station,bank,路2,95,101.77,,24h",
        "站三,spaceship,union,路3,36.62,101.78,sauna,24h",
    ])
    response = client.post(f"/api/v1/orgs/{tree['village1']}/stations/import",
                           headers=as_user("county_admin"),
                           data={"file": (io.BytesIO(payload), "stations.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    rows = response.get_json()["error"]["details"]["rows"]
    assert [r["row"] for r in rows] == [3, 4]
    assert [e["column"] for e in rows[0]["errors"]] == ["lat"]
    assert {"kind", "services"} <= {e["column"] for e in rows[1]["errors"]}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Station)) == 0


def test_import_dry_run_then_real_xlsx_and_geojson(client, tree, as_user):
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "kind", "host_type", "address", "lat", "lng", "services"])
    sheet.append(["表格站", "love_station", "mall", "商场一楼", 30.33, 112.24, "wifi"])
    buffer = io.BytesIO()
    book.save(buffer)
    url = f"/api/v1/orgs/{tree['village1']}/stations/import"
    for dry_run, created in (("true", 0), ("false", 1)):
        response = client.post(f"{url}?dry_run={dry_run}", headers=as_user("county_admin"),
                               data={"file": (io.BytesIO(buffer.getvalue()), "s.xlsx")},
                               content_type="multipart/form-data")
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["created"] == created
    denied = client.post(url, headers=as_user("village1_approver"),
                         data={"file": (io.BytesIO(buffer.getvalue()), "s.xlsx")},
                         content_type="multipart/form-data")
    assert denied.status_code == 403
    geo = client.get(f"/api/v1/orgs/{tree['town1']}/stations.geojson",
                     headers=as_user("town1_reviewer"))
    assert geo.headers["Content-Type"].startswith("application/geo+json")
    feature = geo.get_json()["features"][0]
    assert feature["geometry"]["coordinates"] == [112.24, 30.33]
    assert feature["properties"]["status_label"] == "运行中"  # labels next to the codes
    assert client.get(f"/api/v1/orgs/{tree['town2']}/stations.geojson",
                      headers=as_user("town1_reviewer")).status_code == 404


def _answer_todos(client, as_user, who="county_admin"):
    items = client.get("/api/v1/workbench/todos?kind=station_feedback_answer",
                       headers=as_user(who)).get_json()["items"]
    return {item["id"]: item for item in items}


@pytest.mark.parametrize(("rating", "text", "waits"), [
    (1, None, True), (2, "热水不热", True),              # low ratings
    (5, "几点开门？", True), (4, "周末开吗", True),         # questions
    (4, "what time do you open?", True),
    (3, "还行", False), (5, "热水很方便", False), (5, None, False),
])
def test_low_ratings_and_questions_wait_for_the_station_admins_answer(
        app, client, as_user, station, rating, text, waits):
    check_in(client, as_user("plain"), app, station["id"])
    created = client.post(f"/api/v1/stations/{station['id']}/feedback",
                          headers=as_user("plain"), json={"rating": rating, "text": text})
    assert created.status_code == 201
    feedback = created.get_json()
    todos = _answer_todos(client, as_user)
    assert (feedback["id"] in todos) is waits
    counts = client.get("/api/v1/workbench/counts", headers=as_user("county_admin")).get_json()
    assert counts["by_kind"].get("station_feedback_answer", 0) == int(waits)
    assert _answer_todos(client, as_user, "village1_approver") == {}  # admins only
    if waits:
        card = todos[feedback["id"]]
        assert card["action"] == f"/api/v1/feedback/{feedback['id']}/answer"
        assert card["batchable"] is False and card["version"] == feedback["version"]
        answered = client.post(card["action"], headers=as_user("county_admin"),
                               json={"answer": "感谢反馈，已安排", "version": card["version"]})
        assert answered.status_code == 200
        assert _answer_todos(client, as_user) == {}


def test_held_feedback_waits_for_an_answer_once_published(app, client, as_user, station):
    url = f"/api/v1/stations/{station['id']}/feedback"
    check_in(client, as_user("plain"), app, station["id"])
    held = [client.post(url, headers=as_user("plain"),
                        json={"rating": 1, "text": "待审词"}).get_json() for _ in range(2)]
    assert _answer_todos(client, as_user) == {}  # the review comes first
    for feedback, action in zip(held, ("approve", "reject"), strict=True):
        reviewed = client.post(f"/api/v1/feedback/{feedback['id']}/review",
                               headers=as_user("county_admin"),
                               json={"action": action, "version": 1})
        assert reviewed.status_code == 200
    todos = _answer_todos(client, as_user)
    assert list(todos) == [held[0]["id"]] and todos[held[0]["id"]]["version"] == 2


def _nearby(client, **extra):
    query = "&".join(f"{key}={value}" for key, value in
                     {"lat": 36.6171, "lng": 101.7782, "radius": 2000, **extra}.items())
    return client.get(f"/api/v1/stations/nearby?{query}").get_json()


def _unknown_everywhere(client, station_id: int) -> None:
    """Unknown hours are shown as unknown on the detail and in nearby, never as open."""
    detail = client.get(f"/api/v1/stations/{station_id}").get_json()
    assert (detail["hours_known"], detail["open_now"]) == (False, None)
    [item] = _nearby(client)["items"]
    assert (item["id"], item["hours_known"], item["open_now"]) == (station_id, False, None)
    assert _nearby(client, open_now="true")["items"] == []


def test_unknown_opening_hours_through_the_json_api(client, tree, as_user, clock):
    response = create(client, as_user("county_admin"), tree["village1"], opening_hours={})
    assert response.status_code == 201, response.get_json()
    _unknown_everywhere(client, response.get_json()["id"])
    known = client.patch(f"/api/v1/stations/{response.get_json()['id']}",
                         headers=as_user("county_admin"),
                         json={"opening_hours": {"always": True}}).get_json()
    assert (known["hours_known"], known["open_now"]) == (True, True)
    [item] = _nearby(client)["items"]
    assert (item["hours_known"], item["open_now"]) == (True, True)


def test_a_blank_hours_cell_of_an_import_is_unknown_not_always_open(client, tree, as_user,
                                                                    app):
    payload = _csv(["站一,outdoor_worker_station,union,路1,36.6171,101.7782,toilet,"])
    response = client.post(f"/api/v1/orgs/{tree['village1']}/stations/import",
                           headers=as_user("county_admin"),
                           data={"file": (io.BytesIO(payload), "stations.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        station = db.session.scalar(select(Station))
        assert station.opening_hours == {}
        station_id = station.id
    _unknown_everywhere(client, station_id)


def test_unknown_hours_on_a_closed_date_are_closed(client, tree, as_user, clock):
    today = datetime.now(SHANGHAI).date().isoformat()
    response = create(client, as_user("county_admin"), tree["village1"],
                      opening_hours={"closed_dates": [today]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["hours_known"], body["open_now"]) == (False, False)
    [item] = _nearby(client)["items"]
    assert (item["hours_known"], item["open_now"]) == (False, False)


@pytest.mark.parametrize("coord", ["wgs84", "bd09", "gcj02"])
def test_stored_coordinates_are_rounded_to_a_millionth_of_a_degree(client, tree, as_user, app,
                                                                    coord):
    response = create(client, as_user("county_admin"), tree["village1"],
                      location={"lat": 36.61712345678, "lng": 101.77823456789, "coord": coord})
    assert response.status_code == 201, response.get_json()
    location = response.get_json()["location"]
    with app.app_context():
        row = db.session.get(Station, response.get_json()["id"])
        stored = (row.lat, row.lng)
        search = db.session.scalar(select(StationSearchRow))
        assert (search.lat, search.lng) == stored
    assert stored == (round(stored[0], 6), round(stored[1], 6))
    assert (location["lat"], location["lng"]) == stored
    moved = client.patch(f"/api/v1/stations/{response.get_json()['id']}",
                         headers=as_user("county_admin"),
                         json={"location": {"lat": 36.6180000004, "lng": 101.7790000004,
                                            "coord": coord}}).get_json()["location"]
    assert (moved["lat"], moved["lng"]) == (round(moved["lat"], 6), round(moved["lng"], 6))
