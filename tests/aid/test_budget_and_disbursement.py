"""Budget reservations, disbursement batches, the bank roster and statistics."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.core.audit import AuditRecord
from app.extensions import db
from tests.concurrency import race
from tests.factories.aid import STEP_APPROVERS


def through_chain(world, application, upto=4):
    return world.approved(application, STEP_APPROVERS[:upto])


def test_approval_that_would_overspend_is_409_and_stays_put(world):
    program = world.create_program(budget_fen=500_000)
    first = through_chain(world, world.submitted(program["id"], sequence=1))
    assert first["status"] == "approved"
    second = through_chain(world, world.submitted(program["id"], sequence=2), upto=3)
    refused = world.decide(second, "prov_approver")
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "budget_exhausted"
    # what is left, in fen and yuan, so the approver knows what the budget still covers
    assert error["details"] == {"amount_fen": 300_000, "amount_yuan": "3000.00",
                                "left_fen": 200_000, "left_yuan": "2000.00"}
    assert "2000.00" in error["message"] and "3000.00" in error["message"]
    assert "元" in error["message"]
    english = world.client.post(
        f"/api/v1/aid/applications/{second['id']}/decisions",
        headers={**world.as_user("prov_approver"), "Accept-Language": "en"},
        json={"action": "approve", "version": second["version"]}).get_json()["error"]
    assert english["message"].startswith("The program has 2000.00 yuan left")
    after = world.get(second["id"]).get_json()
    assert (after["status"], after["version"]) == ("submitted", second["version"])
    assert after["current_step"]["level"] == "province"
    budget = world.client.get(f"/api/v1/aid/programs/{program['id']}",
                              headers=world.as_user("prov_admin")).get_json()["budget"]
    assert budget == {"budget_fen": 500_000, "reserved_fen": 300_000, "paid_fen": 0,
                      "left_fen": 200_000}


def approved_pair(world, program):
    return [through_chain(world, world.submitted(program["id"], sequence=n)) for n in (1, 2)]


def test_batch_roster_paid_and_stats(app, world, program):
    one, two = approved_pair(world, program)
    pending = world.submitted(program["id"], sequence=3, org="village3")
    admin = world.as_user("prov_admin")
    url = f"/api/v1/aid/programs/{program['id']}/batches"
    assert world.client.post(url, headers=world.as_user("prov_approver"), json={
        "name": "发放仪式", "application_ids": [one["id"]]}).status_code == 403
    refused = world.client.post(url, headers=admin, json={
        "name": "发放仪式", "application_ids": [one["id"], pending["id"]]})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["details"]["application_ids"] == [pending["id"]]

    batch = world.client.post(url, headers=admin, json={
        "name": "2026年发放仪式", "application_ids": [one["id"], two["id"]]}).get_json()
    assert (batch["count"], batch["total_fen"], batch["status"]) == (2, 600_000, "open")
    again = world.client.post(url, headers=admin, json={
        "name": "重复", "application_ids": [one["id"]]})
    assert again.status_code == 409

    roster = world.client.get(f"/api/v1/aid/batches/{batch['id']}/roster.xlsx",
                              query_string={"reason": "银行代发"}, headers=admin)
    assert roster.status_code == 200
    sheet = load_workbook(BytesIO(roster.data))["发放名册"]
    assert sheet.max_row == 3 and "6230520012345678" in [c.value for c in sheet[2]]
    # labels, as the stats sheets show them, never the codes (issue 15, item 11)
    header, first = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert header[5:7] == ["类别", "档次"] and header[-1] == "状态"
    assert first[5:7] == [one["category_name"], one["tier_name"]] and first[-1] == "已通过"
    assert one["category_code"] not in first and "approved" not in first
    english = world.client.get(f"/api/v1/aid/batches/{batch['id']}/roster.xlsx",
                               query_string={"reason": "银行代发"},
                               headers={**admin, "Accept-Language": "en"})
    english_sheet = load_workbook(BytesIO(english.data))["Bank roster"]
    assert [c.value for c in english_sheet[1]][5:7] == ["Category", "Tier"]
    assert [c.value for c in english_sheet[2]][-1] == "Approved"
    assert "Accept-Language" in english.headers["Vary"]
    assert world.client.get(f"/api/v1/aid/batches/{batch['id']}/roster.xlsx",
                            headers=admin).status_code == 422

    paid = world.client.post(f"/api/v1/aid/batches/{batch['id']}/paid", headers=admin,
                             json={"version": batch["version"]})
    assert paid.status_code == 200 and paid.get_json()["status"] == "paid"
    assert world.client.post(f"/api/v1/aid/batches/{batch['id']}/paid", headers=admin,
                             json={"version": batch["version"]}).status_code == 409
    assert world.get(one["id"]).get_json()["status"] == "paid"

    stats = world.client.get(f"/api/v1/aid/programs/{program['id']}/stats",
                             headers=admin).get_json()
    assert stats["budget"]["paid_fen"] == 600_000 and stats["budget"]["reserved_fen"] == 0
    assert stats["totals"] == {"approved": {"count": 2, "amount_fen": 600_000},
                               "paid": {"count": 2, "amount_fen": 600_000},
                               "pending": {"count": 1, "amount_fen": 300_000}}
    villages = {row["label"]: row for row in stats["by_village"]}
    assert villages["甲村"]["paid"]["count"] == 2 and villages["丙村"]["pending"]["count"] == 1
    assert [row["key"] for row in stats["by_tier"]] == ["student.college"]
    xlsx = world.client.get(f"/api/v1/aid/programs/{program['id']}/stats.xlsx", headers=admin)
    assert set(load_workbook(BytesIO(xlsx.data)).sheetnames) == {"按村", "按类别", "按档次"}
    with app.app_context():
        reads = db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "pii.roster")).all()
        # the Chinese and the English download: each read audited
        assert [(r.field, r.reason) for r in reads] == [("bank_account", "银行代发")] * 2


def budget_of(world, program) -> dict:
    return world.client.get(f"/api/v1/aid/programs/{program['id']}",
                            headers=world.as_user("prov_admin")).get_json()["budget"]


def test_an_application_leaves_an_open_batch_and_joins_a_later_one(app, world, program):
    one, two = approved_pair(world, program)
    batch = world.batch(program, [one, two])
    admin = world.as_user("prov_admin")
    url = f"/api/v1/aid/batches/{batch['id']}/applications/{two['id']}"
    removed = world.client.delete(url, headers=admin)
    assert removed.status_code == 200
    body = removed.get_json()
    assert (body["count"], body["total_fen"], body["version"]) == (1, 300_000,
                                                                   batch["version"] + 1)
    assert world.client.delete(url, headers=admin).status_code == 404
    assert world.client.delete(f"/api/v1/aid/batches/{batch['id']}/applications/{one['id'] + 999}",
                               headers=admin).status_code == 404
    left = world.get(two["id"]).get_json()
    assert left["status"] == "approved"
    assert budget_of(world, program)["reserved_fen"] == 600_000  # still reserved for later
    # paying with the version seen before the removal is refused: the batch changed
    assert world.client.post(f"/api/v1/aid/batches/{batch['id']}/paid", headers=admin,
                             json={"version": batch["version"]}).status_code == 409
    paid = world.client.post(f"/api/v1/aid/batches/{batch['id']}/paid", headers=admin,
                             json={"version": body["version"]})
    assert paid.status_code == 200
    assert world.client.delete(f"/api/v1/aid/batches/{batch['id']}/applications/{one['id']}",
                               headers=admin).get_json()["error"]["code"] == "batch_not_open"
    budget = budget_of(world, program)
    assert (budget["reserved_fen"], budget["paid_fen"]) == (300_000, 300_000)
    later = world.batch(program, [two], name="补发")
    assert (later["count"], later["total_fen"]) == (1, 300_000)
    with app.app_context():
        assert db.session.scalars(select(AuditRecord.target_id).where(
            AuditRecord.action == "aid.batch.remove")).all() == [str(batch["id"])]


@pytest.mark.postgres
def test_removal_racing_payment_keeps_the_money_straight(app, world, program):
    """Take one application out while another admin marks the batch paid: one of them wins,
    and the budget's paid money is exactly what the paid applications hold."""
    one, two = approved_pair(world, program)
    batch = world.batch(program, [one, two])
    admin = world.as_user("prov_admin")
    responses = race(app, [
        ("delete", f"/api/v1/aid/batches/{batch['id']}/applications/{two['id']}", admin, None),
        ("post", f"/api/v1/aid/batches/{batch['id']}/paid", admin,
         {"version": batch["version"]}),
    ])
    removal, payment = (response.status_code for response in responses)
    assert sorted((removal, payment)) == [200, 409]
    statuses_now = [world.get(a["id"]).get_json()["status"] for a in (one, two)]
    budget = budget_of(world, program)
    if removal == 200:
        assert statuses_now == ["approved", "approved"] and budget["paid_fen"] == 0
    else:
        assert statuses_now == ["paid", "paid"] and budget["paid_fen"] == 600_000
    assert budget["reserved_fen"] + budget["paid_fen"] == 600_000
