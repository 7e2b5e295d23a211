"""Hardship statistics: by state, and the filed files by level and by main and secondary
cause; the year filter (files opened in it); the same figures as XLSX."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from app.core.time import to_shanghai, utcnow
from tests.factories.hardship import filed, submitted


def two_files(client, as_user, county, clock) -> int:
    """A filed file (illness; schooling) and a submitted one (disability; illness, schooling)."""
    filed(client, as_user, county, clock)
    submitted(client, as_user, county, household=2, main_cause="disability",
              secondary_causes=["illness", "schooling"])
    return to_shanghai(utcnow()).year


def counts(figures: list[dict]) -> dict[str, int]:
    return {figure["key"]: figure["count"] for figure in figures}


def test_filed_files_by_cause(client, as_user, county, clock):
    year = two_files(client, as_user, county, clock)
    body = client.get(f"/api/v1/hardship/stats?org_id={county['town1']}",
                      headers=as_user("town1_reviewer")).get_json()
    assert body["year"] is None and body["total"] == 2
    assert counts(body["by_status"]) == {"grassroots_review": 1, "filed": 1}
    main = counts(body["filed_by_main_cause"])
    assert main == {"illness": 1, "disability": 0, "schooling": 0, "accident": 0,
                    "unemployment": 0, "other": 0}  # the submitted one is not filed
    assert counts(body["filed_by_secondary_cause"])["schooling"] == 1
    assert counts(body["filed_by_secondary_cause"])["illness"] == 0
    labels = {f["key"]: f["label"] for f in body["filed_by_main_cause"]}
    assert labels["illness"] == "因病"
    this_year = client.get(f"/api/v1/hardship/stats?org_id={county['town1']}&year={year}",
                           headers=as_user("town1_reviewer")).get_json()
    assert this_year["year"] == year and this_year["total"] == 2
    last_year = client.get(f"/api/v1/hardship/stats?org_id={county['town1']}&year={year - 1}",
                           headers=as_user("town1_reviewer")).get_json()
    assert last_year["total"] == 0 and counts(last_year["filed_by_main_cause"])["illness"] == 0


def test_a_file_opened_last_year_counts_in_last_year(client, as_user, county, clock):
    year = to_shanghai(utcnow()).year
    clock.move_to(utcnow().replace(year=year - 1, month=6, day=1))
    submitted(client, as_user, county)
    clock.move_to(utcnow() + timedelta(days=365))
    for asked, total in ((year - 1, 1), (year, 0)):
        body = client.get(f"/api/v1/hardship/stats?org_id={county['county']}&year={asked}",
                          headers=as_user("county_admin")).get_json()
        assert body["total"] == total, asked


def test_statistics_as_xlsx(client, as_user, county, clock):
    year = two_files(client, as_user, county, clock)
    response = client.get(f"/api/v1/hardship/stats.xlsx?org_id={county['town1']}&year={year}",
                          headers=as_user("town1_reviewer"))
    assert response.status_code == 200
    assert (f'filename="hardship-stats-{county["town1"]}-{year}.xlsx"'
            in response.headers["Content-Disposition"])
    rows = list(load_workbook(io.BytesIO(response.data))["困难职工档案"].values)
    assert rows[0] == ("困难职工档案", "编码", "档案数")
    titles = [row[0] for row in rows if row[1] is None]
    assert titles == ["按状态", "在档，按困难类型", "在档，按主要致困原因", "在档，按次要致困原因",
                      "合计"]
    main_at = next(i for i, row in enumerate(rows) if row[0] == "在档，按主要致困原因")
    assert ("illness", 1) in [(row[1], row[2]) for row in rows[main_at:main_at + 7]]
    assert rows[-1][2] == 2
    undated = client.get(f"/api/v1/hardship/stats.xlsx?org_id={county['town1']}",
                         headers=as_user("town1_reviewer"))
    assert f'hardship-stats-{county["town1"]}.xlsx' in undated.headers["Content-Disposition"]


def test_bad_year_is_422(client, as_user, county):
    for query in ("&year=1999", "&year=abc", "&year=2101"):
        for path in ("/api/v1/hardship/stats", "/api/v1/hardship/stats.xlsx"):
            response = client.get(f"{path}?org_id={county['town1']}{query}",
                                  headers=as_user("town1_reviewer"))
            assert response.status_code == 422, (path, query)
