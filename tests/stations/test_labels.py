"""Stations show labels next to their codes; the stored cards' Chinese equals the catalog's."""

from __future__ import annotations

from app.core.labels import code_label
from app.stations.vocab import KIND_LABELS, KINDS, SERVICE_LABELS, SERVICES

ENGLISH = {"Accept-Language": "en"}


def test_the_card_vocabularies_say_what_the_catalog_says(app):
    """Nearby cards are stored with `SERVICES`/`KINDS`; every other response uses the labels."""
    with app.test_request_context("/"):
        assert {code: code_label(SERVICE_LABELS, code) for code in SERVICES} == SERVICES
        assert {code: code_label(KIND_LABELS, code) for code in KINDS} == KINDS
    assert list(SERVICE_LABELS) == list(SERVICES)  # the bit positions follow this order


def test_a_station_shows_labels_next_to_its_codes(client, as_user, station_id):
    station = client.get(f"/api/v1/stations/{station_id}", headers=as_user("plain")).get_json()
    assert station["kind_label"] == "户外劳动者服务站"
    assert station["host_type_label"] == "工会"
    assert station["status_label"] == "运行中"
    assert station["service_labels"] == ["饮用水", "卫生间"]
    english = client.get(f"/api/v1/stations/{station_id}",
                         headers={**as_user("plain"), **ENGLISH}).get_json()
    assert english["service_labels"] == ["Drinking water", "Toilet"]
    assert english["status_label"] == "Open to the public"


def test_the_service_list_follows_the_language(client):
    chinese = client.get("/api/v1/stations/services").get_json()["items"]
    assert {"code": "toilet", "label": "卫生间"} in chinese
    english = client.get("/api/v1/stations/services", headers=ENGLISH).get_json()["items"]
    assert {"code": "toilet", "label": "Toilet"} in english


def test_feedback_shows_its_status_label(app, client, as_user, station_id, fake_wechat):
    from tests.factories.stations import check_in

    assert check_in(client, as_user("plain"), app, station_id).status_code == 201
    response = client.post(f"/api/v1/stations/{station_id}/feedback", headers=as_user("plain"),
                           json={"rating": 2, "text": "待审词"})
    assert (response.get_json()["status"], response.get_json()["status_label"]) == \
        ("in_review", "审核中")


def _import_problem(client, tree, as_user, row: str) -> dict:
    import io

    header = "name,kind,host_type,address,lat,lng,services,opening_hours"
    response = client.post(f"/api/v1/orgs/{tree['village1']}/stations/import?dry_run=true",
                           headers=as_user("county_admin"), content_type="multipart/form-data",
                           data={"file": (io.BytesIO(f"{header}\n{row}\n".encode()),
                                          "stations.csv")})
    assert response.status_code == 422
    [problem] = response.get_json()["error"]["details"]["rows"]
    [error] = problem["errors"]
    return error


def test_an_import_row_names_its_fields_in_chinese(client, tree, as_user):
    error = _import_problem(client, tree, as_user,
                            "站一,outdoor_worker_station,spaceship,路1,36.61,101.77,drinking_water,24h")
    assert (error["column"], error["header"]) == ("host_type", "依托单位类型")  # the code stays
    assert "请从下拉列表中选择：工会" in error["message"]


def test_opening_hours_problems_are_chinese_with_a_chinese_format_hint(client, tree, as_user):
    error = _import_problem(client, tree, as_user,
                            "站一,outdoor_worker_station,union,路1,36.61,101.77,drinking_water,9点到6点")
    assert error["header"] == "开放时间"
    assert error["message"].startswith("9点到6点 不是可识别的开放时间格式")
    assert "每天 09:00-18:00" in error["message"]
    created = client.post("/api/v1/stations", headers=as_user("county_admin"), json={
        "org_id": tree["village1"], "name": "站二", "kind": "love_station", "host_type": "union",
        "address": "路2", "location": {"lat": 36.6, "lng": 101.7, "coord": "gcj02"},
        "services": [], "opening_hours": {"weekly": {"mon": [["18:00"]]}}})
    assert created.status_code == 422
    assert created.get_json()["error"]["details"]["fields"]["opening_hours"] == [
        "开放时间：mon 的时间段 ['18:00'] 无效，请按 [\"09:00\", \"18:00\"] 的格式填写"]
