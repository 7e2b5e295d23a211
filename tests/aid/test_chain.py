"""The approval chain: village → town → county → province, returns, rejections, who decides."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.aid.decisions import decide_in_batch
from app.core.audit import AuditRecord
from app.core.todos import TodoItem, find_todo
from app.errors import Forbidden
from app.extensions import db
from app.notify.models import InAppMessage
from tests.factories.aid import STEP_APPROVERS


def approve(world, application, who):
    response = world.decide(application, who)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_full_chain_with_return_and_resubmission(app, world, program):
    application = world.submitted(program["id"])
    assert application["current_step"]["level"] == "village"
    application = approve(world, application, "village1_approver")
    application = approve(world, application, "town1_approver")
    assert application["current_step"]["org"]["name"] == "测试县总工会"

    returned = world.decide(application, "county_approver", "return", "请补充在读证明原件")
    assert returned.status_code == 200
    application = returned.get_json()
    assert application["status"] == "returned"
    assert application["last_comment"] == "请补充在读证明原件"
    assert application["current_step"] is None

    fixed = world.client.patch(f"/api/v1/aid/applications/{application['id']}",
                               headers=world.as_user("applicant"),
                               json={"version": application["version"], "reason": "补充材料"})
    assert fixed.status_code == 200, fixed.get_json()
    resubmitted = world.submit(fixed.get_json())
    assert resubmitted.status_code == 200
    application = resubmitted.get_json()
    assert application["current_step"]["level"] == "village"  # restarts at the first step

    for who in STEP_APPROVERS:
        application = approve(world, application, who)
    assert application["status"] == "approved"
    assert [e["action"] for e in application["history"]] == [
        "create", "submit", "approve", "approve", "return", "resubmit",
        "approve", "approve", "approve", "approve"]

    program_now = world.client.get(f"/api/v1/aid/programs/{program['id']}",
                                   headers=world.as_user("prov_admin")).get_json()
    assert program_now["budget"]["reserved_fen"] == 300_000
    with app.app_context():
        actions = db.session.scalars(select(AuditRecord.action).where(
            AuditRecord.target_type == "aid_application")).all()
        assert actions.count("aid.application.approve") == 6
        assert find_todo("aid_application", application["id"]) is None
        messages = db.session.scalars(select(InAppMessage.title).where(
            InAppMessage.user_id == application["applicant_id"])).all()
        assert "帮扶申请已批准" in messages and "帮扶申请被退回" in messages


def test_todo_waits_on_the_step_org_exactly(app, world, program):
    application = world.submitted(program["id"])
    with app.app_context():
        todo = find_todo("aid_application", application["id"])
        assert (todo.org_id, todo.exact_org, todo.role) == (world.tree["village1"], True,
                                                            "approver")
    application = approve(world, application, "village1_approver")
    with app.app_context():
        assert find_todo("aid_application", application["id"]).org_id == world.tree["town1"]
        assert db.session.query(TodoItem).count() == 1


# (who, status) deciding the village step of an application from village1
DECIDE_MATRIX = [
    (None, 401),
    ("plain", 404),
    ("village2_approver", 404),   # a sibling village (鸾坡村 vs 板逢村)
    ("town2_approver", 404),
    ("town1_approver", 403),      # the town cannot skip the village step
    ("county_approver", 403),
    ("prov_approver", 403),
    ("town1_reviewer", 403),
    ("applicant", 403),
    ("village1_approver", 200),
]


@pytest.mark.parametrize(("who", "status"), DECIDE_MATRIX)
def test_decision_authorisation_matrix(world, program, who, status):
    application = world.submitted(program["id"])
    response = world.decide(application, who)
    assert response.status_code == status, response.get_json()


@pytest.mark.parametrize("who", ["village1_approver", "county_approver"])
def test_town_step_is_not_decided_by_the_village_nor_the_county(world, program, who):
    application = approve(world, world.submitted(program["id"]), "village1_approver")
    response = world.decide(application, who)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "not_your_step"


def test_stale_version_is_409(world, program):
    application = world.submitted(program["id"])
    assert world.decide(application, "village1_approver").status_code == 200
    assert world.decide(application, "village1_approver").status_code == 409
    town = world.decide(application, "town1_approver")
    assert town.status_code == 409
    assert town.get_json()["error"]["code"] == "stale_version"


def test_reject_needs_a_comment_and_ends_it(world, program):
    application = world.submitted(program["id"])
    assert world.decide(application, "village1_approver", "reject").status_code == 422
    rejected = world.decide(application, "village1_approver", "reject", "不符合条件")
    assert rejected.get_json()["status"] == "rejected"
    assert world.decide(rejected.get_json(), "village1_approver").status_code == 409
    withdraw = world.client.post(f"/api/v1/aid/applications/{application['id']}/withdraw",
                                 headers=world.as_user("applicant"),
                                 json={"version": rejected.get_json()["version"]})
    assert withdraw.status_code == 409


def test_applicant_withdraws_before_final_decision(app, world, program):
    application = approve(world, world.submitted(program["id"]), "village1_approver")
    response = world.client.post(f"/api/v1/aid/applications/{application['id']}/withdraw",
                                 headers=world.as_user("applicant"),
                                 json={"version": application["version"]})
    assert response.status_code == 200
    assert response.get_json()["status"] == "withdrawn"
    with app.app_context():
        assert find_todo("aid_application", application["id"]) is None


def test_batch_handler_refuses_the_final_step(app, world, program):
    application = world.submitted(program["id"])
    for who in STEP_APPROVERS[:3]:
        application = approve(world, application, who)
    with app.test_request_context(), pytest.raises(Forbidden) as refused:
        decide_in_batch(actor_id=world.tree["prov_approver"], object_id=application["id"],
                        version=application["version"], action="approve", comment=None)
    assert refused.value.code == "final_step_not_batchable"
    assert world.get(application["id"]).get_json()["current_step"]["level"] == "province"


def test_batch_handler_decides_intermediate_steps(app, world, program):
    application = world.submitted(program["id"])
    with app.test_request_context():
        decided = decide_in_batch(actor_id=world.tree["village1_approver"],
                                  object_id=application["id"], version=application["version"],
                                  action="approve", comment=None)
        assert decided.step == 1


def test_each_card_is_batchable_exactly_when_the_batch_accepts_it(world, program):
    application = world.submitted(program["id"])
    outcomes = []
    for who in STEP_APPROVERS:
        headers = world.as_user(who)
        cards = world.client.get("/api/v1/workbench/todos?kind=aid_application",
                                 headers=headers).get_json()["items"]
        [card] = [card for card in cards if card["id"] == application["id"]]
        response = world.client.post("/api/v1/workbench/batch-decisions", headers=headers,
                                     json={"action": "approve", "items": [{
                                         "kind": "aid_application", "id": card["id"],
                                         "version": card["version"]}]})
        [result] = response.get_json()["results"]
        outcomes.append((card["batchable"], result["code"]))
        if result["code"] == "done":
            assert result["version"] == card["version"] + 1
        else:  # decided on its own, as the refusal says
            decided = world.decide(application, who, version=card["version"])
            assert decided.get_json()["status"] == "approved"
    assert outcomes == [(True, "done")] * 3 + [(False, "final_step_not_batchable")]
