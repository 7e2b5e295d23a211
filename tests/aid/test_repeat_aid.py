"""No repeat aid across programs and orgs (matched by the keyed hash of the ID number), the
hardship file a program may require, the confirmations of the national exclusions, and 公示
before payment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.concurrency import race, statuses
from tests.factories import hardship as hardship_factory
from tests.factories.aid import STEP_APPROVERS, application_body, window

COUNTY_CHAIN = ["village", "town", "county"]
COUNTY_APPROVERS = STEP_APPROVERS[:3]


def county_program(world, **overrides) -> dict:
    """A program of the county union (another org than the province's)."""
    overrides.setdefault("name", "县总工会金秋助学")
    return world.create_program(who="county_admin", owner_org_id=world.tree["county"],
                                eligible_org_ids=[world.tree["town1"]], chain=COUNTY_CHAIN,
                                **overrides)


def test_refused_across_programs_and_orgs_without_revealing_the_other_aid(world, program):
    first = world.approved(world.submitted(program["id"]))
    assert first["status"] == "approved"
    other = county_program(world, excluded_by_program_ids=[program["id"]], repeat_rule="refuse")
    # a different applicant (a neighbour typing the same student's number) is refused too
    created = world.draft(other["id"], who="neighbour")
    assert created.status_code == 201, created.get_json()
    refused = world.submit(created.get_json(), who="neighbour")
    assert refused.status_code == 409, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "repeat_aid" and error["details"] == {}
    text = refused.get_data(as_text=True)
    for secret in (program["name"], "3000", "300000", "2026", "韦大明"):
        assert secret not in text


def test_flagged_to_the_approver_only(world, program):
    world.approved(world.submitted(program["id"]))
    other = county_program(world, excluded_by_program_ids=[program["id"]])
    flagged = world.submitted(other["id"], who="neighbour")
    assert flagged["status"] == "submitted"
    assert flagged["repeat_aid"] is None  # the applicant never sees other aid
    seen = world.get(flagged["id"], who="village1_approver").get_json()
    assert seen["repeat_aid"] == [{"program_id": program["id"], "program_name": program["name"],
                                   "year": 2026, "amount_fen": 300_000}]
    assert set(seen["repeat_aid"][0]) == {"program_id", "program_name", "year", "amount_fen"}
    assert world.get(flagged["id"], who="neighbour").get_json()["repeat_aid"] is None


def test_the_exclusion_holds_whichever_program_came_first(world):
    county = county_program(world, repeat_rule="flag")
    world.approved(world.submitted(county["id"], who="neighbour"), COUNTY_APPROVERS)
    province = world.create_program(excluded_by_program_ids=[county["id"]], repeat_rule="refuse",
                                    name="省总扶智纾困")
    refused = world.submit(world.draft(province["id"]).get_json())
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "repeat_aid"
    # and the other way round: the county's program named by a later one sees its aid too
    later = world.create_program(name="后设项目", repeat_rule="flag")
    named_later = county_program(world, excluded_by_program_ids=[later["id"]], name="互斥县项目")
    world.approved(world.submitted(later["id"], sequence=3))
    flagged = world.submitted(named_later["id"], who="neighbour", sequence=3)
    seen = world.get(flagged["id"], who="village1_approver").get_json()
    assert [a["program_id"] for a in seen["repeat_aid"]] == [later["id"]]


def test_other_years_other_programs_and_other_people_do_not_count(world, program):
    world.approved(world.submitted(program["id"]))
    last_year = county_program(world, excluded_by_program_ids=[program["id"]], year=2025,
                               repeat_rule="refuse")
    assert world.submitted(last_year["id"], who="neighbour")["status"] == "submitted"
    unrelated = county_program(world, repeat_rule="refuse", name="无互斥项目")
    assert world.submitted(unrelated["id"], who="neighbour")["status"] == "submitted"
    excluding = county_program(world, excluded_by_program_ids=[program["id"]],
                               repeat_rule="refuse", name="互斥项目")
    stranger = world.submitted(excluding["id"], who="neighbour", sequence=7)
    assert stranger["status"] == "submitted"


def test_pending_aid_elsewhere_is_checked_again_at_the_final_approval(world, program):
    other = county_program(world, excluded_by_program_ids=[program["id"]], repeat_rule="refuse")
    waiting = world.submitted(other["id"], who="neighbour")  # nothing given yet: passes
    world.approved(world.submitted(program["id"]))
    for who in COUNTY_APPROVERS[:2]:
        response = world.decide(waiting, who)
        assert response.status_code == 200, response.get_json()
        waiting = response.get_json()
    final = world.decide(waiting, COUNTY_APPROVERS[2])
    assert final.status_code == 409 and final.get_json()["error"]["code"] == "repeat_aid"


@pytest.fixture
def filed_household(world, clock):
    """A filed hardship file of village1: head 韦大明 and the student beneficiary as its son."""
    client, as_user, tree = world.client, world.as_user, world.tree
    assert hardship_factory.put_settings(client, as_user, tree).status_code == 200
    body = application_body(0, 0, [])
    son = body["beneficiary"]["id_number"]
    family = hardship_factory.file_body(tree)["family"]
    family[1]["id_number"] = son
    hardship_file = hardship_factory.filed(client, as_user, tree, clock, family=family)
    return hardship_file, son


def test_household_rule_counts_the_other_members_of_the_hardship_file(world, filed_household,
                                                                      clock):
    hardship_file, son = filed_household
    head = hardship_file["members"][0]
    assert head["relation"] == "self"
    visit_once = world.create_program(name="送温暖", repeat_scope="household",
                                      repeat_rule="refuse", **window(days_before=1,
                                                                     days_after=60))
    # the head was helped this year
    head_number = hardship_factory.id_number(10)
    world.approved(world.submitted(visit_once["id"], beneficiary={
        "name": "韦大明", "id_number": head_number, "relation": "self", "school": "东兰中学",
        "grade": "无", "household_county": "东兰县"}))
    # the son, same household, same program: refused
    created = world.draft(visit_once["id"], who="neighbour")
    refused = world.submit(created.get_json(), who="neighbour")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "repeat_aid"
    assert "韦大明" not in refused.get_data(as_text=True)


def test_a_program_may_require_a_filed_hardship_file(world, filed_household):
    hardship_file, son = filed_household
    needs_file = county_program(world, hardship_file_rule="required", name="要求建档")
    submitted = world.submitted(needs_file["id"])
    assert submitted["hardship_file_id"] == hardship_file["id"]
    assert submitted["hardship_level"] == "deep" and submitted["hardship_level_label"] == "深度困难"
    stranger = world.draft(needs_file["id"], who="neighbour", sequence=7)
    refused = world.submit(stranger.get_json(), who="neighbour")
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "hardship_file_required"


def test_confirmations_of_the_national_exclusions(world):
    program = county_program(world, required_confirmations=["not_military_academy",
                                                            "not_funded_elsewhere"])
    assert program["required_confirmations"] == ["not_funded_elsewhere", "not_military_academy"]
    assert program["required_confirmation_labels"] == [
        "未因同一事由获得政府或社会资助", "未就读军事院校"]
    created = world.draft(program["id"], confirmations=["not_military_academy"]).get_json()
    refused = world.submit(created)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"]["missing"] == ["not_funded_elsewhere"]
    patched = world.client.patch(f"/api/v1/aid/applications/{created['id']}",
                                 headers=world.as_user("applicant"), json={
                                     "version": created["version"],
                                     "confirmations": ["not_military_academy",
                                                       "not_funded_elsewhere"]})
    assert patched.status_code == 200, patched.get_json()
    assert world.submit(patched.get_json()).status_code == 200


def test_notice_before_payment(world, clock):
    program = county_program(world, notice_working_days=5)
    application = world.approved(world.submitted(program["id"]), COUNTY_APPROVERS)
    items = world.client.get(f"/api/v1/notices?org_id={world.tree['county']}").get_json()["items"]
    notice = next(n for n in items if n["subject_kind"] == "aid_application")
    assert notice["masked_name"] == "韦**" and notice["place"] == "甲村"
    assert notice["amount_fen"] == 300_000 and notice["category"] == "困难学生·高职（大专）及以上"
    create = world.client.post(f"/api/v1/aid/programs/{program['id']}/batches",
                               headers=world.as_user("county_admin"),
                               json={"name": "发放", "application_ids": [application["id"]]})
    assert create.status_code == 409 and create.get_json()["error"]["code"] == "notice_not_passed"
    clock.shift(timedelta(days=10))
    create = world.client.post(f"/api/v1/aid/programs/{program['id']}/batches",
                               headers=world.as_user("county_admin"),
                               json={"name": "发放", "application_ids": [application["id"]]})
    assert create.status_code == 201, create.get_json()


def test_upheld_objection_revokes_the_approval_and_frees_the_money(world):
    program = county_program(world, notice_working_days=5, budget_fen=300_000)
    application = world.approved(world.submitted(program["id"]), COUNTY_APPROVERS)
    items = world.client.get(f"/api/v1/notices?org_id={world.tree['county']}").get_json()["items"]
    notice = next(n for n in items if n["subject_kind"] == "aid_application")
    objection = world.client.post(f"/api/v1/notices/{notice['id']}/objections",
                                  headers=world.as_user("plain"),
                                  json={"reason": "该生已获得国家助学金全额资助。"}).get_json()
    upheld = world.client.post(f"/api/v1/notice-objections/{objection['id']}/decision",
                               headers=world.as_user("village1_approver"), json={
                                   "action": "uphold", "comment": "核实属实",
                                   "version": objection["version"]})
    assert upheld.status_code == 200, upheld.get_json()
    after = world.get(application["id"]).get_json()
    assert after["status"] == "rejected" and after["history"][-1]["action"] == "revoke"
    detail = world.client.get(f"/api/v1/aid/programs/{program['id']}",
                              headers=world.as_user("county_admin")).get_json()
    assert detail["budget"]["reserved_fen"] == 0


@pytest.mark.postgres
def test_two_final_approvals_in_excluding_programs_at_once(app, world):
    """Programs that exclude each other: approving the same student in both at the same
    moment gives the aid once (the check is serialised per person)."""
    program = world.create_program(repeat_rule="refuse")
    other = county_program(world, excluded_by_program_ids=[program["id"]], repeat_rule="refuse")
    mine = world.submitted(program["id"])
    theirs = world.submitted(other["id"], who="neighbour")
    mine = world.approved(mine, STEP_APPROVERS[:3])
    theirs = world.approved(theirs, COUNTY_APPROVERS[:2])
    responses = race(app, [
        ("post", f"/api/v1/aid/applications/{mine['id']}/decisions",
         world.as_user("prov_approver"), {"action": "approve", "version": mine["version"]}),
        ("post", f"/api/v1/aid/applications/{theirs['id']}/decisions",
         world.as_user("county_approver"), {"action": "approve", "version": theirs["version"]}),
    ])
    # the county's program names the province's: whichever is approved second is refused
    assert statuses(responses) == {200: 1, 409: 1}, [r.get_json() for r in responses]
    assert {r.get_json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "repeat_aid"}


def test_the_check_compares_keyed_hashes_never_the_plain_number(app, world, program):
    """Across two programs of two orgs: no statement and no bound value of the conflicting
    submission carries the beneficiary's plain ID number; its keyed hash does the matching."""
    from sqlalchemy import event

    from app.core.crypto import keyed_hash

    world.approved(world.submitted(program["id"]))
    other = county_program(world, excluded_by_program_ids=[program["id"]], repeat_rule="refuse")
    created = world.draft(other["id"], who="neighbour")
    assert created.status_code == 201, created.get_json()
    number = application_body(0, 0, [])["beneficiary"]["id_number"]
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(f"{statement} {parameters!r}")

    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
        hashed = keyed_hash(number)
    event.listen(engine, "before_cursor_execute", record)
    try:
        refused = world.submit(created.get_json(), who="neighbour")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "repeat_aid"
    assert seen and not [s for s in seen if number in s]
    assert any(hashed in s for s in seen)
