"""Racing hardship writes against PostgreSQL: one open file per household, a notice that
passes or takes an objection but never both, an objection decided once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.hardship.models import HardshipFile
from app.notices.models import Notice, NoticeObjection
from tests.concurrency import race, statuses
from tests.factories.hardship import FILER, draft, in_notice, notice_of

pytestmark = pytest.mark.postgres


def test_two_officers_filing_one_family_at_once_get_one_file(app, client, as_user, county):
    drafts = []
    for who in ("village1_approver", "town1_reviewer", "town1_approver", "county_approver"):
        created = draft(client, as_user, county, who=who)
        assert created.status_code == 201, created.get_json()
        drafts.append((who, created.get_json()))
    responses = race(app, [
        ("post", f"/api/v1/hardship-files/{body['id']}/submit", as_user(who),
         {"version": body["version"]}) for who, body in drafts])
    assert statuses(responses) == {200: 1, 409: 3}, [r.get_json() for r in responses]
    assert {r.get_json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "household_has_file"}
    with app.app_context():
        holding = db.session.scalar(select(func.count()).select_from(HardshipFile).where(
            HardshipFile.status == "grassroots_review"))
        assert holding == 1


def test_a_family_member_in_another_file_is_refused_at_once(app, client, as_user, county):
    """Not only the head: any member's number held by another file blocks the household."""
    first = draft(client, as_user, county, who="village1_approver").get_json()
    other = draft(client, as_user, county, who="town1_approver", household=2)
    body = other.get_json()
    # the second household lists the first one's son as its own member
    son = first["members"][2]
    assert son["relation"] == "child"
    from tests.factories.hardship import file_body, id_number

    family = file_body(county, household=2)["family"]
    family[1]["id_number"] = id_number(12, "20080301")  # the first household's son
    patched = client.patch(f"/api/v1/hardship-files/{body['id']}",
                           headers=as_user("town1_approver"),
                           json={"version": body["version"], "family": family})
    assert patched.status_code == 200, patched.get_json()
    responses = race(app, [
        ("post", f"/api/v1/hardship-files/{first['id']}/submit", as_user("village1_approver"),
         {"version": first["version"]}),
        ("post", f"/api/v1/hardship-files/{body['id']}/submit", as_user("town1_approver"),
         {"version": patched.get_json()["version"]})])
    assert statuses(responses) == {200: 1, 409: 1}


def test_filing_and_an_objection_at_the_same_moment(app, client, as_user, county, clock):
    for round_ in range(3):
        hardship_file = in_notice(client, as_user, county, household=round_ + 1)
        notice = notice_of(client, county, hardship_file["id"])
        clock.shift(timedelta(days=10))
        filing, objecting = race(app, [
            ("post", f"/api/v1/hardship-files/{hardship_file['id']}/decisions",
             as_user(FILER), {"action": "file", "version": hardship_file["version"]}),
            ("post", f"/api/v1/notices/{notice['id']}/objections", as_user("neighbour"),
             {"reason": "公示期最后一刻提出的异议。"})])
        # either the file was filed and the notice closed, or the objection came first
        assert {filing.status_code, objecting.status_code} in ({200, 409}, {409, 201}), (
            filing.get_json(), objecting.get_json())
        with app.app_context():
            row = db.session.get(Notice, notice["id"])
            filed = db.session.get(HardshipFile, hardship_file["id"]).status == "filed"
            assert filed == (row.status == "closed") == (row.open_objections == 0)


def test_an_objection_is_decided_once(app, client, as_user, county):
    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    objection = client.post(f"/api/v1/notices/{notice['id']}/objections",
                            headers=as_user("neighbour"),
                            json={"reason": "他家在县城有商铺出租。"}).get_json()
    responses = race(app, [
        ("post", f"/api/v1/notice-objections/{objection['id']}/decision", as_user(who),
         {"action": action, "comment": "核实", "version": objection["version"]})
        for who, action in (("village1_approver", "dismiss"), ("town1_approver", "uphold"),
                            ("county_approver", "dismiss"))])
    assert statuses(responses) == {200: 1, 409: 2}
    with app.app_context():
        assert db.session.get(Notice, notice["id"]).open_objections == 0
        assert db.session.scalar(select(func.count()).select_from(NoticeObjection).where(
            NoticeObjection.status != "open")) == 1
