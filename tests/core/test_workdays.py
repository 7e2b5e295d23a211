"""Working days: weekends, loaded holidays and 调休 working weekends; the loading command."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.core import workdays
from app.core.workdays import (
    CalendarDay,
    add_working_days,
    is_working_day,
    working_days_between,
)
from app.extensions import db

# 2026 National Day: 1–7 October off, Saturday 10 October worked (the State Council's shape).
NATIONAL_DAY_CSV = "date,kind,name\n" + "".join(
    f"2026-10-0{d},holiday,国庆节\n" for d in range(1, 8)
) + "2026-10-10,workday,国庆节调休\n"


@pytest.fixture
def calendar(app_ctx, tmp_path):
    path = tmp_path / "2026.csv"
    path.write_text(NATIONAL_DAY_CSV, encoding="utf-8")
    result = app_ctx.test_cli_runner().invoke(args=["gonghui", "holidays", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"years": [2026], "holidays": 7, "workdays": 1}
    return path


def test_plain_weekend_without_a_calendar(app_ctx):
    friday, saturday, sunday, monday = (date(2026, 11, d) for d in (13, 14, 15, 16))
    assert is_working_day(friday) and is_working_day(monday)
    assert not is_working_day(saturday) and not is_working_day(sunday)
    assert add_working_days(friday, 1) == monday
    assert add_working_days(date(2026, 11, 11), 5) == date(2026, 11, 18)  # Wed + 5 over a weekend
    assert add_working_days(saturday, 1) == monday
    assert add_working_days(friday, 0) == friday
    assert working_days_between(friday, monday) == 1
    assert working_days_between(monday, friday) == -1
    assert working_days_between(friday, friday) == 0


def test_holiday_and_tiaoxiu_saturday(calendar):
    assert not is_working_day(date(2026, 10, 1))  # a Thursday, but 国庆节
    assert not is_working_day(date(2026, 10, 5))  # a Monday, but 国庆节
    assert is_working_day(date(2026, 10, 10))     # a Saturday, but 调休上班
    assert not is_working_day(date(2026, 10, 11))  # the Sunday after stays off
    # from Wednesday 30 September: the holiday week is skipped, 8 and 9 October count, then
    # the worked Saturday 10th, then Monday 12th
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert working_days_between(date(2026, 9, 25), date(2026, 10, 12)) == 7
    for n in range(0, 30):
        start = date(2026, 9, 20)
        assert working_days_between(start, add_working_days(start, n)) == n


def test_a_corrected_file_replaces_its_year_only(calendar, tmp_path):
    other = tmp_path / "2027.json"
    other.write_text(json.dumps([{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]))
    from flask import current_app

    runner = current_app.test_cli_runner()
    assert runner.invoke(args=["gonghui", "holidays", "load", str(other)]).exit_code == 0
    corrected = tmp_path / "2026-fixed.csv"
    corrected.write_text("date,kind,name\n2026-10-01,holiday,国庆节\n", encoding="utf-8")
    result = runner.invoke(args=["gonghui", "holidays", "load", str(corrected)])
    assert result.exit_code == 0, result.output
    days = {row.day: row.kind for row in db.session.query(CalendarDay)}
    assert days == {date(2026, 10, 1): "holiday", date(2027, 1, 1): "holiday"}
    assert is_working_day(date(2026, 10, 5)) and not is_working_day(date(2026, 10, 10))


@pytest.mark.parametrize("content, message", [
    ("day,kind\n2026-10-01,holiday\n", "header"),
    ("date,kind,name\n2026-13-01,holiday,x\n", "YYYY-MM-DD"),
    ("date,kind,name\n2026-10-01,rest,x\n", "kind"),
    ("date,kind,name\n2026-10-09,workday,x\n", "weekday"),
    ("date,kind,name\n2026-10-01,holiday,x\n2026-10-01,holiday,y\n", "twice"),
    ("date,kind,name\n", "no rows"),
])
def test_a_wrong_file_writes_nothing(calendar, tmp_path, content, message):
    from flask import current_app

    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    result = current_app.test_cli_runner().invoke(args=["gonghui", "holidays", "load", str(bad)])
    assert result.exit_code != 0 and message in result.output
    assert db.session.query(CalendarDay).count() == 8  # the loaded 2026 calendar is untouched


def test_bad_json_is_refused(app_ctx, tmp_path):
    from flask import current_app

    bad = tmp_path / "bad.json"
    bad.write_text('{"date": "2026-10-01"}')
    result = current_app.test_cli_runner().invoke(args=["gonghui", "holidays", "load", str(bad)])
    assert result.exit_code != 0 and "list of objects" in result.output
    bad.write_text("[")
    result = current_app.test_cli_runner().invoke(args=["gonghui", "holidays", "load", str(bad)])
    assert result.exit_code != 0 and "JSON" in result.output


def test_negative_periods_are_refused(app_ctx):
    with pytest.raises(ValueError):
        workdays.add_working_days(date(2026, 1, 5), -1)
