"""Rejected and withdrawn files are kept three years after that decision (RETENTION_DAYS
["hardship_ended"]), then the retention job de-identifies them: every household member's
personal data, the free text about them, their documents and the keyed hashes go."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.core.time import utcnow
from app.extensions import db
from app.hardship.models import HardshipEvent, HardshipFile, HardshipMember, HardshipVisit
from app.notices.models import NoticeObjection
from app.privacy import retention
from tests.factories.hardship import (
    decide,
    file_body,
    in_notice,
    notice_of,
    submit,
    submitted,
    visit,
)

THREE_YEARS = timedelta(days=3 * 365)


def rejected_file(client, as_user, county) -> dict:
    """韦大明's household, visited, rejected."""
    hardship_file = submitted(client, as_user, county)
    visited = visit(client, as_user, county, hardship_file)
    assert visited.status_code == 201, visited.get_json()
    rejected = decide(client, as_user, visited.get_json(), "village1_approver", action="reject",
                      comment="韦大明家收入超过标准")
    assert rejected.status_code == 200, rejected.get_json()
    return rejected.get_json()


def withdrawn_after_an_upheld_objection(client, as_user, county) -> dict:
    hardship_file = in_notice(client, as_user, county, household=2)
    notice = notice_of(client, county, hardship_file["id"])
    objection = client.post(f"/api/v1/notices/{notice['id']}/objections",
                            headers=as_user("neighbour"),
                            json={"reason": "韦大明家新买了小轿车。"}).get_json()
    upheld = client.post(f"/api/v1/notice-objections/{objection['id']}/decision",
                         headers=as_user("village1_approver"), json={
                             "action": "uphold", "comment": "核实属实", "version": 1})
    assert upheld.status_code == 200, upheld.get_json()
    returned = client.get(f"/api/v1/hardship-files/{hardship_file['id']}",
                          headers=as_user("applicant")).get_json()
    withdrawn = client.post(f"/api/v1/hardship-files/{hardship_file['id']}/withdraw",
                            headers=as_user("applicant"), json={"version": returned["version"]})
    assert withdrawn.status_code == 200, withdrawn.get_json()
    assert withdrawn.get_json()["status"] == "withdrawn"
    return withdrawn.get_json()


def spouse_member(client, as_user, county) -> None:
    """覃小红, the spouse, is a member in her own right (she finds her household's files)."""
    from tests.factories.members import applied

    membership = applied(client, as_user("spouse"), county["village1"],
                         id_number=file_body(county)["family"][0]["id_number"],
                         real_name="覃小红")
    approved = client.post(f"/api/v1/memberships/{membership['id']}/decision",
                           headers=as_user("village1_approver"),
                           json={"action": "approve", "version": membership["version"]})
    assert approved.status_code == 200, approved.get_json()


def test_rejected_and_withdrawn_files_are_de_identified_after_three_years(
        app, client, as_user, county, clock, file_storage):
    rejected = rejected_file(client, as_user, county)
    withdrawn = withdrawn_after_an_upheld_objection(client, as_user, county)
    still_open = submitted(client, as_user, county, household=3)
    spouse_member(client, as_user, county)
    mine = client.get("/api/v1/me/hardship-files", headers=as_user("spouse")).get_json()
    assert [f["id"] for f in mine["items"]] == [rejected["id"]]
    with app.app_context():
        clock.shift(THREE_YEARS - timedelta(days=1))
        assert retention.due(utcnow())["hardship_ended"] == []
        stored_files = len(list(file_storage.rglob("*.png")))
        assert stored_files >= 6  # both files' visit photos and forms
        clock.shift(timedelta(days=2))
        report = retention.run()
        assert report["ids"]["hardship_ended"] == sorted([rejected["id"], withdrawn["id"]])
        db.session.expire_all()
        for file_id, status in ((rejected["id"], "rejected"), (withdrawn["id"], "withdrawn")):
            row = db.session.get(HardshipFile, file_id)
            assert (row.status, row.level, row.de_identified) == (status, "deep", True)
            assert row.head_name == row.bank_holder == "已注销用户"
            assert row.head_id_number == row.bank_account == row.head_id_hash == ""
            assert row.employer is None and row.last_comment is None and row.documents == []
            assert row.yearly_income_fen == 1_800_000 and row.household_size == 3
            members = db.session.scalars(select(HardshipMember).where(
                HardshipMember.file_id == file_id)).all()
            assert len(members) == 3
            assert {(m.name, m.id_number, m.id_hash, m.work) for m in members} == {
                ("已注销用户", "", "", None)}
            assert {m.relation for m in members} == {"self", "spouse", "child"}
            findings = db.session.scalars(select(HardshipVisit.findings).where(
                HardshipVisit.hardship_file_id == file_id)).all()
            assert findings and set(findings) == {"（已删除）"}
            events = db.session.scalars(select(HardshipEvent).where(
                HardshipEvent.hardship_file_id == file_id).order_by(HardshipEvent.id)).all()
            assert {e.comment for e in events} == {None}
            assert events[-1].action in ("reject", "withdraw")  # the history stays
        (objection,) = db.session.scalars(select(NoticeObjection)).all()
        assert (objection.reason, objection.resolution, objection.status) == (
            "（已删除）", None, "upheld")
        assert len(list(file_storage.rglob("*.png"))) == stored_files - 6
        # the open file is untouched
        kept = db.session.get(HardshipFile, still_open["id"])
        assert kept.head_name == "韦大明" and not kept.de_identified
        assert retention.run()["ids"]["hardship_ended"] == []
    # nothing matches the spouse to the old file any more, and the household may apply again
    mine = client.get("/api/v1/me/hardship-files", headers=as_user("spouse")).get_json()
    assert mine["items"] == []
    again = submitted(client, as_user, county)
    assert again["status"] == "grassroots_review"


def test_the_period_counts_from_the_decision_not_the_opening(app, client, as_user, county,
                                                             clock):
    hardship_file = submitted(client, as_user, county)
    clock.shift(timedelta(days=400))
    response = visit(client, as_user, county, hardship_file)
    assert response.status_code == 201, response.get_json()
    rejected = decide(client, as_user, response.get_json(), "village1_approver",
                      action="reject", comment="不符合条件")
    assert rejected.status_code == 200, rejected.get_json()
    with app.app_context():
        clock.shift(THREE_YEARS - timedelta(days=10))
        assert retention.due(utcnow())["hardship_ended"] == []
        clock.shift(timedelta(days=11))
        assert retention.due(utcnow())["hardship_ended"] == [hardship_file["id"]]


def test_an_erased_applicants_rejected_file_still_loses_its_hashes(app, client, as_user,
                                                                   county, clock):
    """Erasure de-identifies the file at once; the retention job still clears the hashes."""
    from app.core.personal_data import erase_everywhere

    hardship_file = submitted(client, as_user, county)
    response = visit(client, as_user, county, hardship_file)
    decide(client, as_user, response.get_json(), "village1_approver", action="reject",
           comment="不符合条件")
    with app.app_context():
        erase_everywhere(county_user(county, "applicant"), utcnow())
        db.session.commit()
        row = db.session.get(HardshipFile, hardship_file["id"])
        assert row.de_identified and row.head_id_hash != ""
        clock.shift(THREE_YEARS + timedelta(days=1))
        assert retention.run()["ids"]["hardship_ended"] == [hardship_file["id"]]
        db.session.expire_all()
        assert db.session.get(HardshipFile, hardship_file["id"]).head_id_hash == ""


def county_user(county, name: str) -> int:
    from app.auth.models import User

    return db.session.scalar(select(User.id).where(User.openid == f"mock-{name}"))


def test_an_ended_file_is_not_resubmitted(client, as_user, county):
    """The state machine keeps a rejected file where it is (a new file is opened instead),
    which is what lets retention count from the decision."""
    hardship_file = submitted(client, as_user, county)
    response = visit(client, as_user, county, hardship_file)
    rejected = decide(client, as_user, response.get_json(), "village1_approver",
                      action="reject", comment="不符合条件").get_json()
    again = submit(client, as_user, rejected)
    assert again.status_code == 409, again.get_json()
