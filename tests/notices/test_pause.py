"""An open objection stops a notice's clock; dismissed, the notice runs on for the working
days it had left (its end moves by the paused working days), for hardship files and aid
programs alike. Dates are Shanghai days; 2026-12-03 is a Thursday."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.factories.hardship import FILER, decide, in_notice, notice_of


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(UTC)


def load_calendar(app, tmp_path, rows: str) -> None:
    path = tmp_path / "calendar.csv"
    path.write_text("date,kind,name\n" + rows, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["gonghui", "holidays", "load", str(path)])
    assert result.exit_code == 0, result.output


def lodge(client, as_user, notice: dict, who: str, reason: str = "他家在县城有商铺出租，请核实。"):
    response = client.post(f"/api/v1/notices/{notice['id']}/objections", headers=as_user(who),
                           json={"reason": reason})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def dismiss(client, as_user, objection: dict, who: str = "village1_approver"):
    response = client.post(f"/api/v1/notice-objections/{objection['id']}/decision",
                           headers=as_user(who), json={"action": "dismiss",
                                                       "comment": "经核实与事实不符",
                                                       "version": objection["version"]})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def file_detail(client, as_user, hardship_file: dict, who: str = "applicant") -> dict:
    response = client.get(f"/api/v1/hardship-files/{hardship_file['id']}", headers=as_user(who))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def filing_todo_ids(client, as_user) -> list[int]:
    queue = client.get("/api/v1/workbench/todos", headers=as_user(FILER)).get_json()
    return [item["id"] for item in queue["items"] if item["kind"] == "hardship_file"]


def test_a_pause_over_a_weekend_moves_the_end_by_its_working_days(client, as_user, county,
                                                                  clock):
    clock.move_to(at("2026-12-03"))
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    assert (notice["ends_on"], notice["paused_on"], notice["paused_working_days"]) == (
        "2026-12-10", None, 0)
    clock.move_to(at("2026-12-04"))  # Friday
    objection = lodge(client, as_user, notice, "neighbour")
    paused = notice_of(client, county, hardship_file["id"])
    assert (paused["phase"], paused["paused_on"], paused["ends_on"]) == (
        "paused", "2026-12-04", "2026-12-10")
    shown = file_detail(client, as_user, hardship_file)["notice"]
    assert (shown["id"], shown["phase"], shown["paused_on"]) == (
        notice["id"], "paused", "2026-12-04")
    clock.move_to(at("2026-12-07"))  # Monday: Friday and Monday paused, the weekend is off anyway
    dismiss(client, as_user, objection)
    resumed = notice_of(client, county, hardship_file["id"])
    assert (resumed["phase"], resumed["paused_on"], resumed["paused_working_days"],
            resumed["ends_on"]) == ("running", None, 2, "2026-12-14")
    assert file_detail(client, as_user, hardship_file)["notice"]["ends_on"] == "2026-12-14"
    # the file cannot be filed before the moved end, and its to-do waits for it
    clock.move_to(at("2026-12-14", 23))
    refused = decide(client, as_user, hardship_file, FILER, action="file")
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["error"]["code"] == "notice_running"
    assert refused.get_json()["error"]["details"]["ends_on"] == "2026-12-14"
    assert hardship_file["id"] not in filing_todo_ids(client, as_user)
    clock.move_to(at("2026-12-15", 9))
    assert hardship_file["id"] in filing_todo_ids(client, as_user)
    done = decide(client, as_user, hardship_file, FILER, action="file")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "filed" and done.get_json()["notice"] is None
    messages = client.get("/api/v1/me/messages", headers=as_user("applicant")).get_json()
    assert any("2026-12-14" in m["body"] for m in messages["items"])


def test_a_pause_over_a_holiday_and_a_tiaoxiu_saturday(app, client, as_user, county, clock,
                                                       tmp_path):
    # 2026-12-31 (Thursday) and 2027-01-01 (Friday) off, Saturday 2027-01-02 worked
    load_calendar(app, tmp_path, "2026-12-31,holiday,元旦\n2027-01-01,holiday,元旦\n"
                                 "2027-01-02,workday,元旦调休\n")
    clock.move_to(at("2026-12-29"))
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    assert notice["ends_on"] == "2027-01-06"
    clock.move_to(at("2026-12-30"))
    objection = lodge(client, as_user, notice, "neighbour")
    clock.move_to(at("2027-01-04"))
    dismiss(client, as_user, objection)
    # paused: Wed 30, Sat 2 (调休), Mon 4 — not the holiday nor Sunday: 3 working days
    resumed = notice_of(client, county, hardship_file["id"])
    assert (resumed["paused_working_days"], resumed["ends_on"]) == (3, "2027-01-11")
    clock.move_to(at("2027-01-11"))
    assert decide(client, as_user, hardship_file, FILER, action="file").status_code == 409
    clock.move_to(at("2027-01-12"))
    assert decide(client, as_user, hardship_file, FILER, action="file").status_code == 200


def test_an_objection_on_the_last_day_leaves_one_day_after_its_dismissal(client, as_user,
                                                                         county, clock):
    clock.move_to(at("2026-12-03"))
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    clock.move_to(at("2026-12-10", 22))  # the last day, late in the evening
    objection = lodge(client, as_user, notice, "neighbour")
    clock.move_to(at("2026-12-11"))
    dismiss(client, as_user, objection)
    # the last day was interrupted: one working day is left after the dismissal day
    assert notice_of(client, county, hardship_file["id"])["ends_on"] == "2026-12-14"
    clock.move_to(at("2026-12-14", 20))
    assert decide(client, as_user, hardship_file, FILER, action="file").status_code == 409
    clock.move_to(at("2026-12-15"))
    assert decide(client, as_user, hardship_file, FILER, action="file").status_code == 200


def test_an_objection_after_the_last_day_moves_nothing(client, as_user, county, clock):
    clock.move_to(at("2026-12-03"))
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    clock.move_to(at("2026-12-11"))  # over, not yet filed: objections are still heard
    objection = lodge(client, as_user, notice, "neighbour")
    assert decide(client, as_user, hardship_file, FILER, action="file").status_code == 409
    clock.move_to(at("2026-12-14"))
    dismiss(client, as_user, objection)
    after = notice_of(client, county, hardship_file["id"])
    assert (after["ends_on"], after["paused_working_days"], after["phase"]) == (
        "2026-12-10", 0, "ended")
    assert decide(client, as_user, hardship_file, FILER, action="file").status_code == 200


def test_overlapping_objections_pause_once(client, as_user, county, clock):
    clock.move_to(at("2026-12-03"))
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    clock.move_to(at("2026-12-07"))  # Monday
    first = lodge(client, as_user, notice, "neighbour")
    clock.move_to(at("2026-12-08"))
    second = lodge(client, as_user, notice, "plain", reason="他家儿子已经工作，收入不低。")
    clock.move_to(at("2026-12-09"))
    dismiss(client, as_user, first)
    still = notice_of(client, county, hardship_file["id"])
    assert (still["phase"], still["paused_on"], still["open_objections"], still["ends_on"]) == (
        "paused", "2026-12-07", 1, "2026-12-10")
    clock.move_to(at("2026-12-10"))
    dismiss(client, as_user, second)
    # one pause, Monday 7 to Thursday 10: four working days (not 3 + 3)
    resumed = notice_of(client, county, hardship_file["id"])
    assert (resumed["paused_working_days"], resumed["ends_on"]) == (4, "2026-12-16")
    clock.move_to(at("2026-12-16"))
    assert decide(client, as_user, hardship_file, FILER, action="file").status_code == 409
    clock.move_to(at("2026-12-17"))
    assert decide(client, as_user, hardship_file, FILER, action="file").status_code == 200


def test_pauses_add_up_and_an_upheld_objection_still_returns_the_file(client, as_user, county,
                                                                      clock):
    clock.move_to(at("2026-12-03"))
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    clock.move_to(at("2026-12-04"))
    dismiss(client, as_user, lodge(client, as_user, notice, "neighbour"))  # Friday: 1 day
    assert notice_of(client, county, hardship_file["id"])["ends_on"] == "2026-12-11"
    clock.move_to(at("2026-12-08"))
    objection = lodge(client, as_user, notice, "plain")
    upheld = client.post(f"/api/v1/notice-objections/{objection['id']}/decision",
                         headers=as_user("village1_approver"), json={
                             "action": "uphold", "comment": "核实属实", "version": 1})
    assert upheld.status_code == 200, upheld.get_json()
    assert upheld.get_json()["notice"]["phase"] == "upheld"
    after = file_detail(client, as_user, hardship_file)
    assert after["status"] == "returned" and after["notice"] is None


def test_the_rule_counts_working_days_only_inside_the_period(app):
    from app.notices.service import paused_working_days

    with app.app_context():
        thursday, last = date(2026, 12, 3), date(2026, 12, 10)
        # lodged on the publication day: that day never counted, so it is not paused
        assert paused_working_days(starts_on=thursday, ends_on=last, paused_on=thursday,
                                   resumed_on=thursday) == 0
        assert paused_working_days(starts_on=thursday, ends_on=last, paused_on=thursday,
                                   resumed_on=date(2026, 12, 4)) == 1
        # a Saturday-to-Sunday pause moves nothing; after the last day nothing either
        assert paused_working_days(starts_on=thursday, ends_on=last,
                                   paused_on=date(2026, 12, 5),
                                   resumed_on=date(2026, 12, 6)) == 0
        assert paused_working_days(starts_on=thursday, ends_on=last,
                                   paused_on=date(2026, 12, 11),
                                   resumed_on=date(2026, 12, 18)) == 0


def test_an_aid_notice_pauses_by_the_same_rule(world, clock):
    from tests.aid.test_repeat_aid import COUNTY_APPROVERS, county_program

    clock.move_to(at("2026-12-03"))
    program = county_program(world, notice_working_days=5)
    application = world.approved(world.submitted(program["id"]), COUNTY_APPROVERS)
    items = world.client.get(f"/api/v1/notices?org_id={world.tree['county']}").get_json()["items"]
    notice = next(n for n in items if n["subject_kind"] == "aid_application")
    assert notice["ends_on"] == "2026-12-10"
    clock.move_to(at("2026-12-07"))
    objection = lodge(world.client, world.as_user, notice, "plain",
                      reason="该生已获得国家助学金全额资助。")
    clock.move_to(at("2026-12-08"))
    dismiss(world.client, world.as_user, objection)
    moved = world.client.get(f"/api/v1/notices/{notice['id']}").get_json()
    assert (moved["paused_working_days"], moved["ends_on"]) == (2, "2026-12-14")

    def batch():
        return world.client.post(f"/api/v1/aid/programs/{program['id']}/batches",
                                 headers=world.as_user("county_admin"),
                                 json={"name": "发放", "application_ids": [application["id"]]})

    clock.move_to(at("2026-12-14"))
    refused = batch()
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "notice_not_passed"
    clock.move_to(at("2026-12-15"))
    assert batch().status_code == 201


@pytest.mark.postgres
def test_two_objections_lodged_at_once_pause_from_the_same_day(app, client, as_user, county,
                                                               clock):
    from tests.concurrency import race, statuses

    clock.move_to(at("2026-12-07"))
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    url = f"/api/v1/notices/{notice['id']}/objections"
    results = race(app, [("post", url, as_user(who), {"reason": "他家在县城有商铺出租，请核实。"})
                         for who in ("neighbour", "plain")])
    assert statuses(results) == {201: 2}
    paused = notice_of(client, county, hardship_file["id"])
    assert (paused["open_objections"], paused["paused_on"]) == (2, "2026-12-07")
