"""The OpenAPI document as the front-end manual: overview, error-code table, per-operation
codes, examples, and /api/docs offline."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import jsonschema_rs  # installed with schemathesis
import pytest

from app.core import apidoc
from tests.conftest import build_app
from tests.plugins import error_codes as plugin

APP = Path(apidoc.__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/openapi.json").get_json()


def codes_in_source() -> set[str]:
    """Every error code written in app/, found by plain text search (not the AST scan)."""
    found: set[str] = set()
    for path in APP.rglob("*.py"):
        text = path.read_text("utf-8")
        found |= set(re.findall(r'\bcode\s*=\s*"([a-z_]+)"', text))
        # (a FieldProblems.invalid("field", N_(…)) names a field, not a code)
        found |= set(re.findall(r'(?<!invalid)\(\s*"([a-z_]+)",\s*\n?\s*N_\(', text))
        found |= set(re.findall(r'unauthorized\("([a-z_]+)"', text))
        found |= set(re.findall(r'envelope\(\d+, "([a-z_]+)"', text))
        if path.name == "errors.py":
            block = text[text.index("HTTP_CODES = {"):]
            found |= set(re.findall(r'\d{3}: "([a-z_]+)"', block[:block.index("}")]))
    return found


def test_every_code_raised_in_app_is_in_the_table_with_a_chinese_meaning():
    rows = {row.code: row for row in apidoc.error_codes()}
    source = codes_in_source()
    assert {"stale_version", "consent_required", "token_expired", "malformed_request",
            "only_approvers_of_org", "method_not_allowed"} <= source
    assert source - set(rows) == set()
    for code, row in rows.items():  # the source's codes and those the suite recorded
        assert row.statuses, code
        assert CJK.search(row.chinese), (code, row.chinese)
        assert row.english and not CJK.search(row.english), (code, row.english)


def test_table_statuses_come_from_the_raising_class():
    rows = {row.code: row for row in apidoc.error_codes()}
    assert rows["rate_limited"].statuses == (429,)
    assert rows["phone_code_invalid"].statuses == (422,)
    assert rows["only_approvers_of_org"].statuses == (403,)
    assert rows["wechat_code_invalid"].statuses == (401,)
    assert rows["token_revoked"].chinese == apidoc.chinese("The token was revoked.")


def test_the_overview_explains_the_conventions_and_lists_the_codes(spec):
    description = spec["info"]["description"]
    for topic in ("wx.login", "/api/v1/auth/wx-login", "/api/v1/auth/refresh", "refresh_token",
                  '"error"', "request_id", "next_cursor", "Idempotency-Key", "version",
                  "stale_version", "Accept-Language: en", "GCJ-02", "wgs84", "_fen"):
        assert topic in description, topic
    for row in apidoc.error_codes():
        assert f"| `{row.code}` |" in description
    assert {entry["code"] for entry in spec["x-error-codes"]} == {
        row.code for row in apidoc.error_codes()}


def test_each_operation_lists_its_recorded_codes(spec):
    recorded = apidoc.recorded()
    assert recorded, "app/error_codes.json is empty: run the suite with --record-error-codes"
    checked = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            found = recorded.get(apidoc.operation_key(method, path))
            if not found:
                continue
            assert operation["x-error-codes"] == found
            for status, codes in found.items():
                response = operation["responses"][status]
                assert response["x-error-codes"] == codes
                assert all(f"`{code}`" in response["description"] for code in codes)
                assert response["content"]["application/json"]["schema"]["$ref"] == \
                    apidoc.ERROR_ENVELOPE_REF
                checked += 1
    assert checked >= 20


def test_an_undeclared_status_gets_an_envelope_response():
    operation = {"responses": {"200": {"description": "OK"},
                               "422": "UNPROCESSABLE_ENTITY"}}
    plugin_ = apidoc.ErrorCodesPlugin(codes={"GET /x": {"409": ["stale_version"],
                                                       "422": ["validation_error"]}})
    plugin_.operation_helper(path="/x", operations={"get": operation})
    assert operation["x-error-codes"] == {"409": ["stale_version"], "422": ["validation_error"]}
    assert operation["responses"]["409"]["description"] == "error codes: `stale_version`"
    assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": apidoc.ERROR_ENVELOPE_REF}
    assert operation["responses"]["200"] == {"description": "OK"}


def test_recorder_maps_rules_and_finds_what_is_not_documented():
    assert plugin.openapi_path("/api/v1/projects/<int:project_id>/bids/<int:bid_id>") == \
        "/api/v1/projects/{project_id}/bids/{bid_id}"
    seen = {("GET /a", "404", "not_found"), ("GET /a", "403", "members_only"),
            ("HEAD /a", "404", "not_found")}
    documented = {"GET /a": {"404": ["not_found"]}, "GET /gone": {"404": ["not_found"]}}
    operations = {"GET /a"}
    assert plugin.undocumented(seen, documented, operations) == [
        ("GET /a", "403", "members_only")]
    assert plugin.merged(seen, documented, operations) == {
        "GET /a": {"403": ["members_only"], "404": ["not_found"]}}


def test_recorder_sees_the_test_clients_error_envelopes(client):
    plugin.SEEN.discard(("GET /api/v1/me", "401", "unauthorized"))
    assert client.get("/api/v1/me").status_code == 401
    assert ("GET /api/v1/me", "401", "unauthorized") in plugin.SEEN


def _resolve(schema: dict, spec: dict) -> dict:
    return {**schema, "components": spec["components"]}


def test_examples_are_valid_requests(spec):
    shown = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            key = apidoc.operation_key(method, path)
            content = operation.get("requestBody", {}).get("content", {}).get(
                "application/json", {})
            if key in apidoc.EXAMPLES:
                assert content.get("example") == apidoc.EXAMPLES[key]
                schema = {"$ref": content["schema"]["$ref"], "components": spec["components"]}
                jsonschema_rs.validate(schema, content["example"])
                shown += 1
            for parameter in operation.get("parameters", []):
                if "example" in parameter:
                    jsonschema_rs.validate(parameter["schema"], parameter["example"])
    assert shown == len(apidoc.EXAMPLES)


def test_docs_render_offline(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"https?://", html), "the docs page loads something from outside"
    assert '"validatorUrl": null' in html  # no badge from validator.swagger.io
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 3
    for asset in assets:
        assert asset.startswith("/api/docs-assets/")
        assert client.get(asset).status_code == 200


def test_every_schema_has_its_own_name_in_the_document(tmp_path, fake_wechat):
    """Two schema classes of one name would make apispec warn and document one of them as
    `CloseIn1`: a name the front end cannot guess and that moves when routes are reordered."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        application = build_app(f"sqlite:///{tmp_path / 'doc.db'}", fake_wechat.url)
        spec = application.test_client().get("/api/openapi.json").get_json()
    clashes = [str(warning.message) for warning in caught
               if "Multiple schemas resolved" in str(warning.message)]
    assert clashes == []
    assert [name for name in spec["components"]["schemas"] if re.search(r"\d$", name)] == []
