"""Privacy shows labels next to purposes and data kinds, and names them by label in messages."""

from __future__ import annotations

from tests.factories.privacy import apply_membership


def test_policies_show_labels_next_to_their_codes(client):
    policies = {p["purpose"]: p for p in client.get("/api/v1/privacy/policies").get_json()["items"]}
    assert policies["aid"]["purpose_label"] == "帮扶申请"
    assert policies["membership"]["data_kind_labels"] == ["身份证号"]
    english = client.get("/api/v1/privacy/policies", headers={"Accept-Language": "en"})
    assert {p["purpose_label"] for p in english.get_json()["items"]} == {
        "Union membership", "Aid applications", "Rights help", "Benefit enrolments"}


def test_a_missing_consent_names_purpose_and_kind_by_label(client, tree, as_user):
    refused = apply_membership(client, as_user("applicant"), tree["village1"])
    error = refused.get_json()["error"]
    assert error["code"] == "consent_required"
    assert "入会" in error["message"] and "身份证号" in error["message"]
    assert "id_number" not in error["message"]
