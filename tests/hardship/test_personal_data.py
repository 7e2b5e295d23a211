"""Hardship files' personal data: the export, a deletion blocked by an open file, ten years'
retention after closing, and objections erased with their author."""

from __future__ import annotations

from datetime import timedelta

from app.core.time import utcnow
from app.extensions import db
from app.hardship.models import HardshipFile, HardshipMember
from app.privacy import retention
from tests.factories.hardship import file_body, filed, notice_of, submitted


def test_export_shows_the_heads_own_numbers_and_masks_the_family(client, as_user, county):
    hardship_file = submitted(client, as_user, county)
    export = client.get("/api/v1/me/data-export", headers=as_user("applicant")).get_json()
    (exported,) = export["hardship_files"]
    assert exported["id"] == hardship_file["id"]
    body = file_body(county)
    assert exported["head"]["id_number"] == body["head"]["id_number"]
    assert all(body["family"][0]["id_number"] != m["id_number"] for m in exported["family"])
    assert exported["family"][0]["name"] == "覃**"


def test_an_open_file_blocks_the_deletion_of_its_applicant(client, as_user, county):
    hardship_file = submitted(client, as_user, county)
    response = client.post("/api/v1/me/deletion-request", headers=as_user("applicant"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "blocked"
    assert {"kind": "hardship_file", "id": hardship_file["id"],
            "status": "grassroots_review"} in body["reasons"]


def test_closed_files_are_de_identified_after_ten_years(app, client, as_user, county, clock):
    hardship_file = filed(client, as_user, county, clock)
    closing = client.post(f"/api/v1/hardship-files/{hardship_file['id']}/close",
                          headers=as_user("village1_approver"), json={
                              "version": hardship_file["version"], "reason": "脱困",
                              "decision_note": "集体研究"}).get_json()
    clock.shift(timedelta(days=10))
    closed = client.post(f"/api/v1/hardship-files/{hardship_file['id']}/confirm-close",
                         headers=as_user("county_approver"),
                         json={"version": closing["version"]})
    assert closed.status_code == 200, closed.get_json()
    with app.app_context():
        clock.shift(timedelta(days=9 * 365))
        assert retention.due(utcnow())["hardship_closed"] == []
        clock.shift(timedelta(days=2 * 365))
        report = retention.run()
        assert report["ids"]["hardship_closed"] == [hardship_file["id"]]
        row = db.session.get(HardshipFile, hardship_file["id"])
        assert row.head_name == "已注销用户" and row.bank_account == "" and row.de_identified
        assert row.documents == [] and row.level == "deep" and row.status == "closed"
        assert {m.id_hash for m in db.session.query(HardshipMember).filter_by(
            file_id=row.id)} == {""}
        assert retention.run()["ids"]["hardship_closed"] == []


def test_objections_are_exported_and_erased_with_their_author(app, client, as_user, county):
    from tests.factories.hardship import in_notice

    hardship_file = in_notice(client, as_user, county)
    notice = notice_of(client, county, hardship_file["id"])
    client.post(f"/api/v1/notices/{notice['id']}/objections", headers=as_user("plain"),
                json={"reason": "他家有小轿车，请核实。"})
    export = client.get("/api/v1/me/data-export", headers=as_user("plain")).get_json()
    assert [o["reason"] for o in export["notice_objections"]] == ["他家有小轿车，请核实。"]
    with app.app_context():
        from app.core.personal_data import erase_everywhere

        erase_everywhere(county["plain"], utcnow())
        db.session.commit()
        from app.notices.models import NoticeObjection

        (objection,) = db.session.query(NoticeObjection).all()
        assert objection.user_id is None and objection.reason == "（已删除）"
