"""Separate consent before sensitive data is stored; withdrawal, new policy versions, minors."""

from __future__ import annotations

import pytest

from app.privacy.consent import publish_policy
from tests.factories.privacy import aid_body, apply_membership, child_id_number, post_aid
from tests.helpers import current_policy_version, give_consents


def error_of(response) -> dict:
    return response.get_json()["error"]


def test_policies_are_public_and_list_each_purpose_with_its_kinds(client):
    response = client.get("/api/v1/privacy/policies")
    assert response.status_code == 200
    policies = {p["purpose"]: p for p in response.get_json()["items"]}
    assert set(policies) == {"membership", "aid", "rights", "benefits"}
    assert policies["benefits"]["data_kinds"] == ["id_number"]
    assert policies["aid"]["data_kinds"] == ["id_number", "bank_account", "certificate",
                                             "minor_guardian"]


def test_membership_id_number_needs_consent_then_works(client, tree, as_user):
    refused = apply_membership(client, as_user("applicant"), tree["village1"])
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "consent_required"
    assert error_of(refused)["details"] == {
        "purpose": "membership", "purpose_label": "入会", "data_kind": "id_number",
        "missing": [{"data_kind": "id_number", "label": "身份证号"}],
        "policy_version": current_policy_version(client, "membership"),
        "subject_required": False}
    assert "身份证号" in error_of(refused)["message"]
    give_consents(client, as_user("applicant"), "membership")
    assert apply_membership(client, as_user("applicant"), tree["village1"]).status_code == 201


def missing(response) -> list[str]:
    return [item["data_kind"] for item in error_of(response)["details"]["missing"]]


def test_aid_id_number_and_bank_account_each_need_their_own_consent(world, program):
    body = aid_body(program["id"], world.tree["village1"])
    refused = post_aid(world, "applicant", body)
    assert refused.status_code == 403
    assert missing(refused) == ["id_number", "bank_account"]  # every missing kind at once
    assert [m["label"] for m in error_of(refused)["details"]["missing"]] == ["身份证号",
                                                                              "银行账户"]
    assert "身份证号、银行账户" in error_of(refused)["message"]
    english = world.client.post("/api/v1/aid/applications", json=body,
                                headers={**world.as_user("applicant"), "Accept-Language": "en"})
    assert error_of(english)["message"].startswith(
        "Consent to process ID card number, bank account for aid applications")
    assert [m["label"] for m in error_of(english)["details"]["missing"]] == [
        "ID card number", "Bank account"]  # the labels follow the language too
    give_consents(world.client, world.as_user("applicant"), "aid", kinds=["id_number"])
    refused = post_aid(world, "applicant", body)
    assert refused.status_code == 403
    assert error_of(refused)["details"]["data_kind"] == "bank_account"
    assert missing(refused) == ["bank_account"]
    give_consents(world.client, world.as_user("applicant"), "aid", kinds=["bank_account"])
    assert post_aid(world, "applicant", body).status_code == 201


def test_attaching_certificates_needs_the_certificate_consent(world, program):
    give_consents(world.client, world.as_user("applicant"), "aid",
                  kinds=["id_number", "bank_account"])
    body = aid_body(program["id"], world.tree["village1"], world.documents("applicant"))
    refused = post_aid(world, "applicant", body)
    assert refused.status_code == 403
    assert error_of(refused)["details"]["data_kind"] == "certificate"
    give_consents(world.client, world.as_user("applicant"), "aid", kinds=["certificate"])
    assert post_aid(world, "applicant", body).status_code == 201


def test_withdrawing_consent_stops_new_processing_but_keeps_what_is_held(world, program):
    client, headers = world.client, world.as_user("applicant")
    given = {c["data_kind"]: c for c in give_consents(client, headers, "aid")}
    created = post_aid(world, "applicant", aid_body(program["id"], world.tree["village1"]))
    assert created.status_code == 201
    withdrawn = client.post(f"/api/v1/me/consents/{given['bank_account']['id']}/withdraw",
                            headers=headers)
    assert withdrawn.status_code == 200
    assert withdrawn.get_json()["counts"] is False and withdrawn.get_json()["withdrawn_at"]
    again = post_aid(world, "applicant", aid_body(program["id"], world.tree["village1"],
                                                  sequence=2))
    assert again.status_code == 403 and error_of(again)["code"] == "consent_required"
    application = created.get_json()
    update = client.patch(f"/api/v1/aid/applications/{application['id']}", headers=headers,
                          json={"version": application["version"],
                                "bank_account": {"holder": "韦大明", "bank": "农商银行",
                                                 "number": "6230520099998888"}})
    assert update.status_code == 403
    kept = client.get(f"/api/v1/aid/applications/{application['id']}", headers=headers)
    assert kept.status_code == 200 and kept.get_json()["bank_account"]["number"].endswith("5678")
    twice = client.post(f"/api/v1/me/consents/{given['bank_account']['id']}/withdraw",
                        headers=headers)
    assert twice.status_code == 409
    mine = client.get("/api/v1/me/consents", headers=headers).get_json()["items"]
    assert {c["data_kind"]: c["counts"] for c in mine} == {
        "id_number": True, "bank_account": False, "certificate": True}


def test_withdrawn_membership_consent_refuses_the_next_application(client, tree, as_user):
    headers = as_user("applicant")
    (consent,) = give_consents(client, headers, "membership")
    client.post(f"/api/v1/me/consents/{consent['id']}/withdraw", headers=headers)
    refused = apply_membership(client, headers, tree["village1"])
    assert refused.status_code == 403 and error_of(refused)["code"] == "consent_required"


def test_nobody_withdraws_someone_elses_consent(client, as_user):
    (consent,) = give_consents(client, as_user("applicant"), "membership")
    response = client.post(f"/api/v1/me/consents/{consent['id']}/withdraw",
                           headers=as_user("intruder"))
    assert response.status_code == 404


def test_giving_the_same_consent_twice_returns_the_one_in_force(client, as_user):
    first = give_consents(client, as_user("applicant"), "membership")[0]
    second = give_consents(client, as_user("applicant"), "membership")[0]
    assert first["id"] == second["id"]


def test_a_new_policy_version_asks_for_consent_again(app, client, tree, as_user):
    headers = as_user("applicant")
    old_version = current_policy_version(client, "membership")
    give_consents(client, headers, "membership")
    with app.app_context():
        publish_policy(purpose="membership", version="2027-01", title="入会规则（修订）",
                       summary="修订版。")
    assert current_policy_version(client, "membership") == "2027-01"
    refused = apply_membership(client, headers, tree["village1"])
    assert refused.status_code == 403
    assert error_of(refused)["details"]["policy_version"] == "2027-01"
    (old,) = client.get("/api/v1/me/consents", headers=headers).get_json()["items"]
    assert old["policy_version"] == old_version and old["counts"] is False
    outdated = client.post("/api/v1/me/consents", headers=headers, json={
        "purpose": "membership", "data_kind": "id_number", "policy_version": old_version})
    assert outdated.status_code == 409
    assert error_of(outdated)["code"] == "policy_version_outdated"
    give_consents(client, headers, "membership")
    assert apply_membership(client, headers, tree["village1"]).status_code == 201


def test_a_ten_year_old_beneficiary_needs_the_guardians_consent(world, program):
    client, headers = world.client, world.as_user("applicant")
    give_consents(client, headers, "aid", kinds=["id_number", "bank_account"])
    child = child_id_number(10)
    body = aid_body(program["id"], world.tree["village1"], category_code="student",
                    tier_code="high_school")
    body["beneficiary"].update(id_number=child, name="韦小宝", school="东兰县第一小学",
                               grade="四年级")
    refused = post_aid(world, "applicant", body)
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "guardian_consent_required"
    assert error_of(refused)["details"]["beneficiary_age"] == 10
    give_consents(client, headers, "aid", kinds=["minor_guardian"],
                  subject={"name": "另一个孩子", "id_number": child_id_number(9, sequence=6)},
                  guardian_relation="parent")
    assert post_aid(world, "applicant", body).status_code == 403
    without_relation = client.post("/api/v1/me/consents", headers=headers, json={
        "purpose": "aid", "data_kind": "minor_guardian",
        "policy_version": current_policy_version(client, "aid"),
        "subject": {"name": "韦小宝", "id_number": child}})
    assert without_relation.status_code == 422
    (guardian,) = give_consents(client, headers, "aid", kinds=["minor_guardian"],
                                subject={"name": "韦小宝", "id_number": child},
                                guardian_relation="parent")
    assert guardian["guardian_relation"] == "parent" and guardian["subject_name"] == "韦小宝"
    assert post_aid(world, "applicant", body).status_code == 201


def test_a_fourteen_year_old_needs_no_guardian_consent(world, program):
    give_consents(world.client, world.as_user("applicant"), "aid",
                  kinds=["id_number", "bank_account"])
    body = aid_body(program["id"], world.tree["village1"])
    body["beneficiary"]["id_number"] = child_id_number(14)
    assert post_aid(world, "applicant", body).status_code == 201


def test_officer_entering_on_behalf_needs_that_persons_recorded_paper_consent(world, program):
    officer = world.as_user("village1_approver")
    body = {**aid_body(program["id"], world.tree["village1"]), "on_behalf": True}
    give_consents(world.client, officer, "aid")  # the officer's own consent does not count
    refused = post_aid(world, "village1_approver", body)
    assert refused.status_code == 403
    assert error_of(refused)["details"]["subject_required"] is True
    paper = give_consents(world.client, officer, "aid", kinds=["id_number", "bank_account"],
                          subject={"name": body["beneficiary"]["name"],
                                   "id_number": body["beneficiary"]["id_number"]},
                          paper_reference="东兰-2026-017")
    assert all(c["recorded_by"] == world.tree["village1_approver"] for c in paper)
    assert post_aid(world, "village1_approver", body).status_code == 201


@pytest.mark.parametrize("body", [
    {"purpose": "membership", "data_kind": "bank_account"},
    {"purpose": "aid", "data_kind": "id_number", "paper_reference": "无签字人"},
    {"purpose": "aid", "data_kind": "id_number",
     "subject": {"name": "某人", "id_number": "451224200503010010"}},
])
def test_malformed_consents_are_422(client, as_user, body):
    version = current_policy_version(client, body["purpose"])
    response = client.post("/api/v1/me/consents", headers=as_user("applicant"),
                           json={"policy_version": version, **body})
    assert response.status_code == 422


def test_every_kind_a_refusal_lists_is_given_in_one_call(world, program):
    client, headers = world.client, world.as_user("applicant")
    body = aid_body(program["id"], world.tree["village1"], world.documents("applicant"))
    refused = post_aid(world, "applicant", body)
    assert missing(refused) == ["id_number", "bank_account", "certificate"]
    given = client.post("/api/v1/me/consents", headers=headers, json={
        "purpose": "aid", "data_kinds": missing(refused),
        "policy_version": error_of(refused)["details"]["policy_version"]})
    assert given.status_code == 201
    assert [c["data_kind"] for c in given.get_json()["items"]] == missing(refused)
    assert all(c["counts"] and c["subject_name"] is None for c in given.get_json()["items"])
    assert post_aid(world, "applicant", body).status_code == 201


def test_the_single_form_still_works_and_answers_a_list(client, as_user):
    response = client.post("/api/v1/me/consents", headers=as_user("applicant"), json={
        "purpose": "membership", "data_kind": "id_number",
        "policy_version": current_policy_version(client, "membership")})
    assert response.status_code == 201
    assert [c["data_kind"] for c in response.get_json()["items"]] == ["id_number"]


def test_a_child_beneficiary_lists_the_guardian_consent_with_the_others(world, program):
    client, headers = world.client, world.as_user("applicant")
    child = child_id_number(10)
    body = aid_body(program["id"], world.tree["village1"], category_code="student",
                    tier_code="high_school")
    body["beneficiary"].update(id_number=child, name="韦小宝", school="东兰县第一小学",
                               grade="四年级")
    refused = post_aid(world, "applicant", body)
    assert error_of(refused)["code"] == "consent_required"
    assert missing(refused) == ["id_number", "bank_account", "minor_guardian"]
    assert error_of(refused)["details"]["beneficiary_age"] == 10
    # the parent's own kinds and the guardian consent for the child, in one call
    given = client.post("/api/v1/me/consents", headers=headers, json={
        "purpose": "aid", "data_kinds": missing(refused),
        "policy_version": error_of(refused)["details"]["policy_version"],
        "subject": {"name": "韦小宝", "id_number": child}, "guardian_relation": "parent"})
    assert given.status_code == 201
    by_kind = {c["data_kind"]: c for c in given.get_json()["items"]}
    assert by_kind["minor_guardian"]["subject_name"] == "韦小宝"
    assert by_kind["id_number"]["subject_name"] is None
    assert post_aid(world, "applicant", body).status_code == 201


def test_an_officer_records_a_paper_form_for_every_kind_in_one_call(world, program):
    officer = world.as_user("village1_approver")
    body = {**aid_body(program["id"], world.tree["village1"]), "on_behalf": True}
    refused = post_aid(world, "village1_approver", body)
    assert missing(refused) == ["id_number", "bank_account"]
    assert error_of(refused)["details"]["subject_required"] is True
    given = world.client.post("/api/v1/me/consents", headers=officer, json={
        "purpose": "aid", "data_kinds": missing(refused),
        "policy_version": error_of(refused)["details"]["policy_version"],
        "subject": {"name": body["beneficiary"]["name"],
                    "id_number": body["beneficiary"]["id_number"]},
        "paper_reference": "东兰-2026-018"})
    assert given.status_code == 201
    assert all(c["paper_reference"] == "东兰-2026-018" and c["subject_name"]
               for c in given.get_json()["items"])
    assert post_aid(world, "village1_approver", body).status_code == 201


def test_one_bad_kind_records_none_of_the_others(client, as_user):
    headers = as_user("applicant")
    response = client.post("/api/v1/me/consents", headers=headers, json={
        "purpose": "membership", "data_kinds": ["id_number", "bank_account"],
        "policy_version": current_policy_version(client, "membership")})
    assert response.status_code == 422
    assert client.get("/api/v1/me/consents", headers=headers).get_json()["items"] == []


@pytest.mark.parametrize("kinds", [{"data_kind": "id_number", "data_kinds": ["id_number"]},
                                   {}, {"data_kinds": []}])
def test_kinds_are_named_one_way_exactly(client, as_user, kinds):
    response = client.post("/api/v1/me/consents", headers=as_user("applicant"), json={
        "purpose": "membership", "policy_version": current_policy_version(client, "membership"),
        **kinds})
    assert response.status_code == 422
