"""Refusals of station requests say what is wrong: the range, the hours cell, the row count."""

from __future__ import annotations

import io

import pytest

HEADER = "name,kind,host_type,address,lat,lng,services,opening_hours"
EN = {"Accept-Language": "en"}  # these tests read the English wording; Chinese is tested too
GOOD = "站一,outdoor_worker_station,union,路1,36.61,101.77,drinking_water|toilet,24h"


def import_csv(client, tree, as_user, rows: list[str]):
    payload = ("\n".join([HEADER, *rows]) + "\n").encode()
    return client.post(f"/api/v1/orgs/{tree['village1']}/stations/import?dry_run=true",
                       headers={**as_user("county_admin"), **EN},
                       data={"file": (io.BytesIO(payload), "stations.csv")},
                       content_type="multipart/form-data")


def test_a_reversed_date_range_says_the_start_is_after_the_end(client, as_user, station_id):
    url = f"/api/v1/stations/{station_id}/visits?from=2026-03-01&to=2026-02-01"
    response = client.get(url, headers={**as_user("town1_reviewer"), **EN})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "after" in error["message"] and "year" not in error["message"]
    assert error["details"]["fields"] == {"from": ["must not be after to (2026-02-01)"]}


def test_a_range_over_a_year_still_says_at_most_a_year(client, as_user, station_id):
    url = f"/api/v1/stations/{station_id}/visits?from=2025-01-01&to=2026-02-01"
    response = client.get(url, headers={**as_user("town1_reviewer"), **EN})
    assert response.status_code == 422
    assert "at most a year" in response.get_json()["error"]["message"]


def test_an_hours_cell_the_import_cannot_read_says_the_format_expected(client, tree, as_user):
    cell = "9点到6点"  # "09:00-18:00" is read now (every day): see tests/stations/test_imports.py
    response = import_csv(client, tree, as_user, [GOOD.replace(",24h", f",{cell}")])
    assert response.status_code == 422
    [row] = response.get_json()["error"]["details"]["rows"]
    [error] = row["errors"]
    assert (error["column"], error["header"]) == ("opening_hours", "Opening hours")
    problem = error["message"]
    assert cell in problem and "Mon-Fri 08:00-20:00" in problem and "unknown key" not in problem


@pytest.mark.parametrize(("bad", "message"), [
    (1, "1 row is invalid; nothing was imported."),
    (2, "2 rows are invalid; nothing was imported."),
])
def test_the_row_count_is_singular_or_plural(client, tree, as_user, bad, message):
    rows = [GOOD] + [GOOD.replace("union", "spaceship")] * bad
    response = import_csv(client, tree, as_user, rows)
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == message


def test_the_row_count_message_is_chinese_by_default(client, tree, as_user):
    rows = [GOOD, GOOD.replace("union", "spaceship")]
    response = client.post(f"/api/v1/orgs/{tree['village1']}/stations/import?dry_run=true",
                           headers=as_user("county_admin"), content_type="multipart/form-data",
                           data={"file": (io.BytesIO(("\n".join([HEADER, *rows]) + "\n")
                                                     .encode()), "stations.csv")})
    message = response.get_json()["error"]["message"]
    assert message == "有 1 行内容有误，本次没有导入任何数据，请修改后重新上传。"
