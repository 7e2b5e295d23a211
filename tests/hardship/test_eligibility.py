"""The eligibility levels at their boundaries: below the 低保 line → deep, below twice the
line → relative, accident costs above 80 % of the yearly income → by accident."""

from __future__ import annotations

import pytest

from app.hardship.eligibility import assess, level_of

LINE = 80_000  # 800 yuan a month per person


def level(income: int, *, costs: int = 0, accident: int = 0, size: int = 1) -> str:
    return level_of(yearly_income_fen=income, yearly_fixed_costs_fen=costs,
                    accident_costs_fen=accident, household_size=size, poverty_line_fen=LINE)


@pytest.mark.parametrize("income, expected", [
    (0, "deep"),
    (12 * LINE - 1, "deep"),           # one fen a year under the line
    (12 * LINE, "relative"),           # exactly on the line is no longer "below"
    (24 * LINE - 1, "relative"),
    (24 * LINE, "none"),               # exactly twice the line
])
def test_levels_at_the_line_for_one_person(income, expected):
    assert level(income) == expected


def test_household_size_and_fixed_costs_divide_the_income():
    three = 3 * 12 * LINE
    assert level(three - 1, size=3) == "deep"
    assert level(three, size=3) == "relative"
    # fixed costs come off first: 1 fen of costs moves a household back under the line
    assert level(three, costs=1, size=3) == "deep"
    assert level(2 * three + 500, costs=500, size=3) == "none"
    assert level(2 * three + 500, costs=501, size=3) == "relative"


def test_accident_costs_above_80_percent_of_income():
    income = 10 * 24 * LINE  # far above twice the line
    assert level(income, accident=income * 8 // 10) == "none"      # exactly 80 %: not above
    assert level(income, accident=income * 8 // 10 + 1) == "accident"
    # the line tests come first: a household below it is deep whatever its accident costs
    assert level(100, accident=10_000_000) == "deep"


def test_shown_monthly_figure_rounds_down():
    result = assess(yearly_income_fen=1_000_001, yearly_fixed_costs_fen=0,
                    accident_costs_fen=0, household_size=3, poverty_line_fen=LINE)
    assert result.monthly_per_person_fen == 27_777
    negative = assess(yearly_income_fen=100, yearly_fixed_costs_fen=500,
                      accident_costs_fen=0, household_size=1, poverty_line_fen=LINE)
    assert negative.monthly_per_person_fen == 0 and negative.level == "deep"


@pytest.mark.parametrize("income, expected", [
    (2 * 12 * LINE - 1, "deep"), (2 * 12 * LINE, "relative"),
    (2 * 24 * LINE - 1, "relative"), (2 * 24 * LINE, "none"),
])
def test_self_test_over_http_at_the_boundaries(client, as_user, county, income, expected):
    response = client.post("/api/v1/hardship-files/self-test", headers=as_user("plain"), json={
        "county_org_id": county["county"], "household_size": 2, "yearly_income_fen": income})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["level"] == expected


def test_self_test_without_a_line_and_for_a_non_county(client, as_user, tree):
    missing = client.post("/api/v1/hardship-files/self-test", headers=as_user("plain"), json={
        "county_org_id": tree["county"], "household_size": 2, "yearly_income_fen": 1})
    assert missing.status_code == 409
    assert missing.get_json()["error"]["code"] == "poverty_line_missing"
    town = client.post("/api/v1/hardship-files/self-test", headers=as_user("plain"), json={
        "county_org_id": tree["town1"], "household_size": 2, "yearly_income_fen": 1})
    assert town.status_code == 422


def test_a_file_that_is_not_in_hardship_cannot_be_submitted(client, as_user, county):
    from tests.factories.hardship import draft, submit

    created = draft(client, as_user, county, income_fen=10_000_000)
    assert created.status_code == 201 and created.get_json()["level"] == "none"
    refused = submit(client, as_user, created.get_json())
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "not_eligible"
    assert "不属于困难家庭" in refused.get_json()["error"]["message"]
