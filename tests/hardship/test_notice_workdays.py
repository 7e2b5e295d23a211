"""Notice periods count working days: across a weekend, a public holiday and a 调休 Saturday.
A file cannot be filed on the notice's last day, only from the next day on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories.hardship import FILER, decide, in_notice, notice_of


def _at(day: str, hour: int = 10) -> datetime:
    """10:00 in Shanghai on `day`."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(UTC)


def _load(app, tmp_path, rows: str) -> None:
    path = tmp_path / "calendar.csv"
    path.write_text("date,kind,name\n" + rows, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["gonghui", "holidays", "load", str(path)])
    assert result.exit_code == 0, result.output


def test_notice_over_a_weekend(client, as_user, county, clock):
    clock.move_to(_at("2026-12-03"))  # a Thursday: 5 working days end on Thursday 10th
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    assert (notice["starts_on"], notice["ends_on"]) == ("2026-12-03", "2026-12-10")
    clock.move_to(_at("2026-12-10", 23))
    late_on_last_day = decide(client, as_user, hardship_file, FILER, action="file")
    assert late_on_last_day.status_code == 409
    assert late_on_last_day.get_json()["error"]["details"]["ends_on"] == "2026-12-10"
    clock.move_to(_at("2026-12-11", 0) + timedelta(minutes=1))
    done = decide(client, as_user, hardship_file, FILER, action="file")
    assert done.status_code == 200, done.get_json()


def test_notice_over_a_holiday_and_a_tiaoxiu_saturday(app, client, as_user, county, clock,
                                                      tmp_path):
    # 2026-12-31 (Thursday) and 2027-01-01 (Friday) off, Saturday 2027-01-02 worked
    _load(app, tmp_path, "2026-12-31,holiday,元旦\n2027-01-01,holiday,元旦\n"
                         "2027-01-02,workday,元旦调休\n")
    clock.move_to(_at("2026-12-29"))  # a Tuesday
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    # Wed 30, (Thu 31 and Fri 1 off), Sat 2 worked, (Sun 3 off), Mon 4, Tue 5, Wed 6
    assert notice["ends_on"] == "2027-01-06"
    clock.move_to(_at("2027-01-06"))
    assert decide(client, as_user, hardship_file, FILER, action="file").status_code == 409
    clock.move_to(_at("2027-01-07"))
    assert decide(client, as_user, hardship_file, FILER, action="file").status_code == 200


def test_the_filing_todo_waits_until_the_notice_ends(client, as_user, county, clock):
    clock.move_to(_at("2026-12-03"))
    hardship_file = in_notice(client, as_user, county)
    queue = client.get("/api/v1/workbench/todos", headers=as_user(FILER)).get_json()
    assert hardship_file["id"] not in [i["id"] for i in queue["items"]
                                       if i["kind"] == "hardship_file"]
    clock.move_to(_at("2026-12-11"))
    queue = client.get("/api/v1/workbench/todos", headers=as_user(FILER)).get_json()
    assert hardship_file["id"] in [i["id"] for i in queue["items"]
                                   if i["kind"] == "hardship_file"]
