"""Applications: drafts, masking, one per beneficiary, submit checks, reveal, who sees what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.aid.models import AidApplication
from app.core.audit import AuditRecord
from app.extensions import db
from tests.factories.aid import application_body, window


def test_draft_is_masked_and_encrypted_at_rest(app, world, program):
    response = world.draft(program["id"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "draft" and body["amount_fen"] == 300_000
    assert re.fullmatch(r"4512\*{10}\d{3}[\dX]", body["beneficiary"]["id_number"])
    assert body["bank_account"]["number"] == "************5678"
    with app.app_context():
        raw = db.session.execute(db.text(
            "SELECT beneficiary_id_number, bank_account FROM aid_applications")).one()
        assert "6230520012345678" not in raw[1] and raw[0].startswith("v1:")


def test_a_strangers_draft_holds_no_slot(world, program):
    """Anybody may type a stranger's ID number into a draft; it blocks nobody (issue 16 #4)."""
    squat = world.draft(program["id"], who="squatter", org="village2")
    assert squat.status_code == 201
    own = world.draft(program["id"])
    assert own.status_code == 201, own.get_json()
    assert world.submit(own.get_json()).status_code == 200


def test_a_duplicate_submit_tells_only_what_the_caller_knows(world, program):
    first = world.submitted(program["id"])
    # the caller's own second application for the beneficiary: told which one they have
    again = world.submit(world.draft(program["id"]).get_json())
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert error["code"] == "application_exists"
    assert error["details"] == {"application_id": first["id"]}
    # a stranger: neither the application, its state nor its applicant
    squat = world.submit(world.draft(program["id"], who="squatter", org="village2").get_json(),
                         who="squatter")
    assert squat.status_code == 409
    error = squat.get_json()["error"]
    assert error["code"] == "beneficiary_unavailable"
    assert error["details"] in ({}, None) and str(first["id"]) not in error["message"]


def test_duplicate_answers_are_limited_per_user(app, world, program, monkeypatch):
    """Probing ID number after ID number stops after a few answers; others are not slowed."""
    monkeypatch.setitem(app.config, "RATELIMIT_DUPLICATES", "2 per hour")
    world.submitted(program["id"])
    drafts = [world.draft(program["id"], who="squatter", org="village2").get_json()
              for _ in range(3)]
    answers = [world.submit(draft, who="squatter") for draft in drafts]
    assert [a.status_code for a in answers] == [409, 409, 429]
    assert answers[2].get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in answers[2].headers
    other = world.submitted(program["id"], who="honest", sequence=5)
    assert other["status"] == "submitted"


def test_creating_a_draft_outside_the_window_is_422(world):
    closed = world.create_program(**window(days_before=30, days_after=-1))
    response = world.draft(closed["id"])
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "outside_window"
    later = world.create_program(**window(days_before=-2, days_after=30))
    assert world.draft(later["id"]).get_json()["error"]["code"] == "outside_window"


def test_withdrawn_frees_the_slot_but_rejected_keeps_it(world, program):
    first = world.draft(program["id"]).get_json()
    withdrawn = world.client.post(f"/api/v1/aid/applications/{first['id']}/withdraw",
                                  headers=world.as_user("applicant"),
                                  json={"version": first["version"]})
    assert withdrawn.status_code == 200
    second = world.submitted(program["id"])
    rejected = world.decide(second, "village1_approver", "reject", "材料不实")
    assert rejected.status_code == 200
    again = world.submit(world.draft(program["id"]).get_json())
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "application_exists"


def test_unknown_category_tier_or_ineligible_org_is_422(world, program):
    assert world.draft(program["id"], tier_code="phd").status_code == 422
    assert world.draft(program["id"], category_code="nope").status_code == 422
    ineligible = world.draft(program["id"], org="town2")  # town2 itself is not eligible
    assert ineligible.status_code == 422
    assert "org_id" in ineligible.get_json()["error"]["details"]["fields"]


def test_student_needs_school_and_grade(world, program):
    body = application_body(program["id"], world.tree["village1"], [])
    body["beneficiary"]["school"] = None
    response = world.client.post("/api/v1/aid/applications", headers=world.as_user("applicant"),
                                 json=body)
    assert response.status_code == 422


def test_bad_id_number_is_422(world, program):
    body = application_body(program["id"], world.tree["village1"], [])
    body["beneficiary"]["id_number"] = "451224200503010010"
    response = world.client.post("/api/v1/aid/applications", headers=world.as_user("applicant"),
                                 json=body)
    assert response.status_code == 422
    assert "beneficiary.id_number" in response.get_json()["error"]["details"]["fields"]


def test_someone_elses_file_cannot_be_attached(world, program):
    world.consent("applicant")
    theirs = world.documents("intruder", kinds=("id_card",))
    body = application_body(program["id"], world.tree["village1"], theirs)
    response = world.client.post("/api/v1/aid/applications", headers=world.as_user("applicant"),
                                 json=body)
    assert response.status_code == 422


def test_submit_names_missing_documents(world, program):
    world.consent("applicant")
    body = application_body(program["id"], world.tree["village1"],
                            world.documents("applicant", kinds=("id_card",)))
    draft = world.client.post("/api/v1/aid/applications", headers=world.as_user("applicant"),
                              json=body).get_json()
    response = world.submit(draft)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["details"]["missing"] == ["enrollment_certificate"]  # the codes, for clients
    assert error["message"] == "请先上传以下材料：在读证明。"  # what to do, by the label
    assert error["details"]["fields"]["documents"] == ["证明材料：请上传在读证明。"]


def test_submit_outside_the_window_is_422(world, clock):
    closed = world.create_program(**window(days_before=1, days_after=1))
    draft = world.draft(closed["id"]).get_json()
    clock.shift(timedelta(days=2))
    response = world.submit(draft)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "outside_window"


def test_outside_window_details_show_the_times_as_the_program_does(world):
    """Times in error details follow the resources: Asia/Shanghai with the +08:00 offset."""
    closed = world.create_program(**window(days_before=30, days_after=-1))
    details = world.draft(closed["id"]).get_json()["error"]["details"]
    assert details == {"opens_at": closed["opens_at"], "closes_at": closed["closes_at"]}
    assert details["closes_at"].endswith("+08:00")


def test_only_the_applicant_submits(world, program):
    draft = world.draft(program["id"]).get_json()
    # a draft is the applicant's alone: officers over the org do not see it yet
    assert world.submit(draft, who="village1_approver").status_code == 404
    assert world.submit(draft, who="plain").status_code == 404


def test_officer_enters_on_behalf_only_in_their_subtree(world, program):
    ok = world.draft(program["id"], who="village1_approver", on_behalf=True)
    assert ok.status_code == 201 and ok.get_json()["entered_by_officer"] is True
    refused = world.draft(program["id"], who="village2_approver", on_behalf=True, sequence=2)
    assert refused.status_code == 404


VIEW_MATRIX = [
    (None, 401), ("plain", 404), ("applicant", 200), ("village1_approver", 200),
    ("town1_reviewer", 200), ("county_admin", 200), ("village2_approver", 404),
    ("town2_approver", 404),
]


@pytest.mark.parametrize(("who", "status"), VIEW_MATRIX)
def test_view_matrix(world, program, who, status):
    application = world.submitted(program["id"])
    headers = world.as_user(who) if who else {}
    response = world.client.get(f"/api/v1/aid/applications/{application['id']}",
                                headers=headers)
    assert response.status_code == status


def test_officer_reads_attached_documents_but_a_sibling_cannot(world, program):
    application = world.submitted(program["id"])
    detail = world.get(application["id"]).get_json()
    file_id = detail["documents"][0]["file_id"]
    url = f"/api/v1/files/{file_id}"
    assert world.client.get(url, headers=world.as_user("town1_approver")).status_code == 200
    assert world.client.get(url, headers=world.as_user("village2_approver")).status_code == 404
    # the read shows in the access review of the application's org and above
    review = world.client.get(f"/api/v1/orgs/{world.tree['town1']}/pii-access",
                              headers=world.as_user("county_admin")).get_json()["items"]
    assert [(i["action"], i["officer"]["nickname"], i["org"]["id"], i["target_id"])
            for i in review] == [("file.read", "town1_approver", world.tree["village1"],
                                  str(file_id))]
    elsewhere = world.client.get(f"/api/v1/orgs/{world.tree['town2']}/pii-access",
                                 headers=world.as_user("county_admin")).get_json()["items"]
    assert elsewhere == []


def test_reveal_is_audited_with_the_reason(app, world, program):
    application = world.submitted(program["id"])
    url = f"/api/v1/aid/applications/{application['id']}/reveal"
    response = world.client.post(url, headers=world.as_user("town1_reviewer"),
                                 json={"field": "bank_account", "reason": "核对发放账户"})
    assert response.get_json() == {"field": "bank_account", "value": "6230520012345678"}
    for outsider in ("applicant", "village2_approver"):  # officers only, and only over it
        assert world.client.post(url, headers=world.as_user(outsider), json={
            "field": "id_number", "reason": "想看看"}).status_code == 404
    with app.app_context():
        entry = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "pii.reveal"))
        assert (entry.field, entry.reason) == ("bank_account", "核对发放账户")


def test_lists_for_officer_and_applicant(world, program):
    application = world.submitted(program["id"])
    world.draft(program["id"], sequence=5)
    waiting = world.client.get("/api/v1/aid/applications?waiting_for_me=true",
                               headers=world.as_user("village1_approver")).get_json()
    assert [a["id"] for a in waiting["items"]] == [application["id"]]
    town = world.client.get("/api/v1/aid/applications?waiting_for_me=true",
                            headers=world.as_user("town1_approver")).get_json()
    assert town["items"] == []
    mine = world.client.get("/api/v1/me/aid/applications",
                            headers=world.as_user("applicant")).get_json()
    assert len(mine["items"]) == 2


def test_edit_is_refused_once_submitted(world, program, app):
    application = world.submitted(program["id"])
    response = world.client.patch(f"/api/v1/aid/applications/{application['id']}",
                                  headers=world.as_user("applicant"),
                                  json={"version": application["version"], "reason": "改"})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(AidApplication, application["id"]).reason != "改"


def test_a_returned_application_cannot_move_onto_a_taken_beneficiary(world, program):
    """A returned application keeps its slot; editing it onto another submitted
    beneficiary's ID number is the submit's 409, not a database error."""
    world.submitted(program["id"], who="other", sequence=2)
    mine = world.submitted(program["id"], who="squatter", org="village2")
    returned = world.decide(mine, "village2_approver", "return", "请核对").get_json()
    body = application_body(program["id"], world.tree["village2"], [], sequence=2)
    world.consent("squatter", body)
    response = world.client.patch(f"/api/v1/aid/applications/{mine['id']}",
                                  headers=world.as_user("squatter"),
                                  json={"version": returned["version"],
                                        "beneficiary": body["beneficiary"]})
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "beneficiary_unavailable"
