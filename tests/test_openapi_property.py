"""Property-based run over the whole OpenAPI document with every correctness check.

The document is read once from an app built at import (the spec does not depend on the
database), so every operation becomes its own test item and xdist spreads them; each item
then calls the app of its backend. Generation is derandomized (the same cases every run).

Checks: every check schemathesis registers (`schemathesis.checks.CHECKS`) but the timing one
(`max_response_time`: not correctness), with `positive_data_acceptance` wrapped by
`positive_data_acceptance_or_domain_answer` (below). That covers no 5xx, status codes,
content types, response headers, response schemas, schema-violating requests refused
(`negative_data_rejection`), schema-valid requests accepted (`positive_data_acceptance`),
`missing_required_header`, `unsupported_method`, `allow_header_conformance` and
`ignored_auth` (each authenticated operation is also called without and with a broken token).

What does not apply to a per-case run of this app, and why:
- `use_after_free`, `ensure_resource_availability`, `object_level_authorization` judge a
  *sequence* of calls (a DELETE then a GET of the same resource; a POST then a GET of what it
  created; one user's resource read by another). They run only in schemathesis' stateful
  phase, which follows OpenAPI `links` between operations; the document has none, so they are
  listed here and in CHECKS but never fire. Those properties are tested by hand in each
  domain's authorization tests (other user's / other org's data) and lifecycle tests.

Schema-valid requests the domain refuses: a field or schema carrying `x-domain-rule`
(`app.core.contract.domain_rule`) is also checked by a rule no JSON Schema can state (a code
only WeChat can judge, an ID number's check digit, a rule across fields or against stored
rows). A 422 whose `details.fields` name only such fields (or whose code a domain rule of the
operation declares) is that domain answer; any other 422 to a schema-valid request fails the
run. 404 (a generated id that does not exist) and 409 (a state conflict) are schemathesis'
defaults for this check; 422 is never allowed wholesale.
"""

from __future__ import annotations

import weakref

import schemathesis
import schemathesis.checks
import schemathesis.specs.openapi.checks  # registers the OpenAPI checks
from hypothesis import HealthCheck, settings
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app import create_app
from app.core.contract import DOMAIN_RULE, DOMAIN_RULE_CODES
from config import TestConfig
from tests.helpers import seed_officer_world

NOT_CORRECTNESS = {"max_response_time"}


def _spec() -> dict:
    settings_ = TestConfig()
    settings_.SQLALCHEMY_DATABASE_URI = "sqlite://"
    return create_app(settings_).test_client().get("/api/openapi.json").get_json()


SPEC = _spec()
schema = schemathesis.openapi.from_dict(SPEC)


def _resolve(node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = SPEC["components"]["schemas"][name]
    return node


def _domain_rules(node: dict, path: str, fields: set[str], codes: set[str],
                  depth: int = 0) -> None:
    """Every dotted field path under `node` (a JSON Schema) that carries a domain rule."""
    node = _resolve(node)
    if not isinstance(node, dict) or depth > 8:
        return
    if DOMAIN_RULE in node:
        fields.add(path or "_schema")
        if path:
            fields.add(f"{path}._schema")
        codes.update(node.get(DOMAIN_RULE_CODES, ()))
    for name, child in node.get("properties", {}).items():
        _domain_rules(child, f"{path}.{name}" if path else name, fields, codes, depth + 1)
    if isinstance(node.get("items"), dict):
        _domain_rules(node["items"], path, fields, codes, depth + 1)
    for key in ("allOf", "oneOf", "anyOf"):
        for child in node.get(key, ()):
            _domain_rules(child, path, fields, codes, depth + 1)


def operation_domain_rules(operation: dict) -> tuple[set[str], set[str]]:
    fields: set[str] = set()
    codes: set[str] = set()
    for parameter in operation.get("parameters", []):
        schema_ = parameter.get("schema", {})
        if DOMAIN_RULE in parameter or DOMAIN_RULE in schema_:
            fields.add(parameter["name"])
            codes.update(parameter.get(DOMAIN_RULE_CODES, schema_.get(DOMAIN_RULE_CODES, ())))
    for content in operation.get("requestBody", {}).get("content", {}).values():
        _domain_rules(content.get("schema", {}), "", fields, codes)
    return fields, codes


def named_fields(found, path: str = "") -> set[str]:
    """`details.fields` of an envelope as dotted paths (list positions left out): nested the
    way marshmallow reports (`{"people": {"0": {"id_number": …}}}`) or as the dotted key a
    service names (`"family.1.id_number"`, `core.errors.FieldProblems`)."""
    if not isinstance(found, dict):
        return {path}
    names: set[str] = set()
    for key, value in found.items():
        parts = [part for part in str(key).split(".") if not part.isdigit()]
        step = ".".join(part for part in (path, *parts) if part)
        names |= named_fields(value, step)
    return names


def is_domain_answer(case, response) -> bool:
    if response.status_code != 422:
        return False
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    fields, codes = operation_domain_rules(case.operation.definition.raw)
    named = named_fields(error.get("details", {}).get("fields") or {})
    if named:
        return named <= fields
    return error.get("code") in codes


def positive_data_acceptance_or_domain_answer(ctx, response, case):
    """`positive_data_acceptance`, with a 422 from a declared domain rule accepted."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if is_domain_answer(case, response):
            return None
        raise


CHECKS = [check for check in schemathesis.checks.CHECKS.get_all()
          if check.__name__ not in NOT_CORRECTNESS and check is not positive_data_acceptance]
CHECKS.append(positive_data_acceptance_or_domain_answer)


# one login per test item (the `client` fixture is per item), a fresh one before every case
# of an operation that can end the session (logout, refresh-token reuse, account deletion)
_WORLDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
SESSION_ENDING = ("/api/v1/auth/", "/api/v1/me/deletion")


def _world(app, client, case):
    if case.path.startswith(SESSION_ENDING) or client not in _WORLDS:
        _WORLDS[client] = seed_officer_world(app, client)
    return _WORLDS[client]


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,
)
def test_whole_api_keeps_its_contract(case, app, client, tree):
    case.operation.schema.app = app
    world = _world(app, client, case)
    # schemathesis asks for gzip like a browser but its WSGI transport does not decode it
    # (core.compression is tested in tests/core/test_compression.py)
    headers = {**world.headers_for(case), "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS, app=app)


def test_every_correctness_check_runs():
    names = {check.__name__ for check in CHECKS}
    assert {"negative_data_rejection", "positive_data_acceptance_or_domain_answer",
            "response_schema_conformance", "ignored_auth", "unsupported_method",
            "missing_required_header", "response_headers_conformance"} <= names
    assert "positive_data_acceptance" not in names and "max_response_time" not in names
