"""All field errors at once: one 422 lists every field problem, cross-field rules and the
services' own checks included, instead of the first one found."""

from __future__ import annotations

from tests.factories.aid import application_body, program_body

ENGLISH = {"Accept-Language": "en"}


def test_two_field_errors_and_a_cross_field_error_in_one_422(world):
    body = program_body(world.tree, year=1900, budget_fen="100",
                        opens_at="2026-03-01T00:00:00+08:00",
                        closes_at="2026-02-01T00:00:00+08:00")
    response = world.client.post("/api/v1/aid/programs", headers=world.as_user("prov_admin"),
                                 json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["details"]["fields"]) == {"year", "budget_fen", "closes_at"}
    english = world.client.post("/api/v1/aid/programs",
                                headers={**world.as_user("prov_admin"), **ENGLISH},
                                json=body).get_json()["error"]
    assert english["details"]["fields"]["closes_at"] == ["must be after opens_at"]


def test_chain_and_category_rules_join_the_field_errors(world):
    categories = [{"code": "a", "name": "甲", "kind": "family",
                   "tiers": [{"code": "t", "name": "一", "amount_fen": 100},
                             {"code": "t", "name": "二", "amount_fen": 200}]},
                  {"code": "a", "name": "乙", "kind": "family",
                   "tiers": [{"code": "u", "name": "一", "amount_fen": 100}]}]
    body = program_body(world.tree, chain=["county", "village"], categories=categories,
                        year="明年")
    response = world.client.post("/api/v1/aid/programs",
                                 headers={**world.as_user("prov_admin"), **ENGLISH}, json=body)
    assert response.status_code == 422
    fields = response.get_json()["error"]["details"]["fields"]
    assert set(fields) == {"chain", "categories", "year"}
    assert fields["categories"] == ["Category codes must be unique.",
                                    "Tier codes of a must be unique."]
    # in Chinese, a field message with a value is translated with it
    chinese = world.client.post("/api/v1/aid/programs", headers=world.as_user("prov_admin"),
                                json=body).get_json()["error"]["details"]["fields"]
    assert "a" in chinese["categories"][1] and "Tier" not in chinese["categories"][1]


def test_one_service_problem_keeps_its_own_message(world):
    body = program_body(world.tree, eligible_org_ids=[999_999])
    error = world.client.post("/api/v1/aid/programs", headers=world.as_user("prov_admin"),
                              json=body).get_json()["error"]
    said = "部分可申请组织不存在，请重新选择。"
    assert (error["message"], error["details"]["fields"]) == (
        said, {"eligible_org_ids": [f"可申请的组织：{said}"]})


def test_application_lists_every_problem_the_service_finds(world, program):
    docs = world.documents("applicant")
    world.consent("applicant")
    body = application_body(program["id"], world.tree["village2"], docs, tier_code="nope")
    body["org_id"] = world.tree["county"]  # above the eligible orgs
    body["beneficiary"]["id_number"] = "123"
    body["documents"] = [*docs, {"file_id": 999_999, "kind": "id_card"}]
    response = world.client.post("/api/v1/aid/applications",
                                 headers={**world.as_user("applicant"), **ENGLISH}, json=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert set(error["details"]["fields"]) == {"org_id", "tier_code", "beneficiary.id_number",
                                               "documents"}
    assert error["message"] == "Some fields are invalid."
