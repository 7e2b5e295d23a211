"""Odd input is a 4xx with the envelope, never a 500: cursors that decode to numbers or
times no column holds, months outside the calendar, lone surrogates, deep JSON, NUL in paths."""

from __future__ import annotations

import base64
import json

import pytest


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data()[:300]
    error = response.get_json()["error"]
    assert error["code"] == code
    return error


@pytest.mark.parametrize("key", [
    ["2026-01-01T00:00:00+00:00", 10**30],      # an id no 64-bit column holds
    ["2026-01-01T00:00:00+00:00", -(2**63) - 1],
    ["0001-01-01T00:00:00+14:00", 1],           # before year 1 once in UTC
    ["9999-12-31T23:59:59-14:00", 1],           # after year 9999 once in UTC
])
def test_cursors_that_decode_to_impossible_keys_are_422(client, tree, as_user, key):
    response = client.get(f"/api/v1/workbench/todos?cursor={cursor_of(key)}",
                          headers=as_user("county_admin"))
    assert _error(response, 422, "validation_error")["details"]["fields"] == {
        "cursor": ["翻页位置：已失效，请从第一页重新开始。"]}


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1999-12", "2101-01"])
def test_months_outside_the_calendar_are_422(client, tree, as_user, month):
    response = client.get(f"/api/v1/orgs/{tree['county']}/reports/memberships?month={month}",
                          headers=as_user("county_admin"))
    error = _error(response, 422, "validation_error")
    assert error["details"]["fields"]["month"] == [
        "月份：请填写 2000-01 至 2100-12 之间的月份，例如 2026-11。"]


def test_a_month_at_the_edge_of_the_range_is_answered(client, tree, as_user):
    for month in ("2000-01", "2100-12"):
        response = client.get(f"/api/v1/orgs/{tree['county']}/reports/memberships?month={month}",
                              headers=as_user("county_admin"))
        assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize("body", [
    '{"code": "\\ud800"}',                 # a lone high surrogate
    '{"code": "ok\\udfffok"}',             # a lone low surrogate inside text
    '{"code": "x", "\\ud83d": 1}',         # in a key
])
def test_lone_surrogates_in_json_are_422(client, body):
    response = client.post("/api/v1/auth/wx-login", data=body,
                           headers={"Content-Type": "application/json"})
    error = _error(response, 422, "validation_error")
    assert error["details"]["fields"]["_schema"] == ["文字中含有无法识别的字符，请删除后重试。"]


def test_a_surrogate_pair_is_a_character_like_any_other(client, fake_wechat):
    # "\ud83d\ude00" is 😀 written the JSON way: a whole character, not a broken one
    response = client.post("/api/v1/auth/wx-login", data='{"code": "mock:\\ud83d\\ude00"}',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.get_json()


def test_json_nested_ten_thousand_deep_is_400(client):
    response = client.post("/api/v1/auth/wx-login", data="[" * 10_000 + "]" * 10_000,
                           headers={"Content-Type": "application/json"})
    _error(response, 400, "malformed_request")


@pytest.mark.parametrize("path", ["/api/v1/stations/by-code/ab%00cd", "/api/v1/orgs/1%00"])
def test_a_nul_in_the_path_is_404(client, path):
    _error(client.get(path), 404, "not_found")
