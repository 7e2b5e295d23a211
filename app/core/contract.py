"""Schema = behaviour: the OpenAPI document states every rule a request is checked against.

A request the document allows is accepted (2xx, or a documented domain answer); a request it
forbids is refused (4xx). `tests/test_openapi_property.py` holds the whole API to both with
every schemathesis check. What this module adds to the document, so the rules the marshmallow
schemas enforce are the rules the document states:

- `pattern` on every string field of a request schema (`StrictSchema`: NUL refused) that has
  no pattern, enum or format of its own; `core.fields.text` fields (no control characters but
  `\\n\\r\\t`) get `TEXT_PATTERN`;
- `exclusiveMinimum` / `exclusiveMaximum` for `Range(min_inclusive=False …)`, which apispec
  writes as inclusive;
- `enum` for a string field whose choices are known only once the app is built
  (`field.openapi_enum = callable`);
- `domain_rule(reason)`: a field metadata (`x-domain-rule`) for a check no JSON Schema can
  state — a code only WeChat can judge, an ID number's check digit, a rule across fields or
  against stored rows. A 422 naming only such fields is a domain answer to a schema-valid
  request; a 422 naming any other field is a contract failure.
- `SchemaRulesPlugin`: a request schema's `Meta.openapi_rules` (e.g. a `oneOf` stating "give
  exactly one of user_id or openid") merged into its component.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin
from marshmallow import Schema, validate

NO_NUL_PATTERN = "^[^\\u0000]*$"
# what core.fields.no_control_characters lets through: no C0 control but \t \n \r
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"
NULL_ONLY = {"type": "object", "nullable": True, "enum": [None]}
DOMAIN_RULE = "x-domain-rule"
DOMAIN_RULE_CODES = "x-domain-rule-codes"


def domain_rule(reason: str, *, codes: tuple[str, ...] = (), **metadata: Any) -> dict[str, Any]:
    """Field metadata: this field is also checked by a rule the schema cannot state; `codes`
    are the error codes of its 422 when the envelope names no field."""
    found = {**metadata, DOMAIN_RULE: reason}
    if codes:
        found[DOMAIN_RULE_CODES] = list(codes)
    return found


def _owner(field) -> Any:
    parent = getattr(field, "parent", None)
    while parent is not None and not isinstance(parent, Schema):
        parent = getattr(parent, "parent", None)
    return parent


def _is_request_field(field) -> bool:
    from app.core.http import StrictSchema

    return isinstance(_owner(field), StrictSchema)


def _types(ret: dict) -> set[str]:
    kind = ret.get("type")
    return set(kind) if isinstance(kind, list) else {kind} if kind else set()


def request_rules(self, field, ret, **kwargs) -> dict:
    """apispec attribute function (bound to the converter): the rules above."""
    from app.core.fields import no_control_characters

    found: dict[str, Any] = {}
    types = _types(ret)
    if types & {"number", "integer"}:
        for validator in field.validators:
            if isinstance(validator, validate.Range):
                if validator.min is not None and not validator.min_inclusive:
                    found["exclusiveMinimum"] = True
                if validator.max is not None and not validator.max_inclusive:
                    found["exclusiveMaximum"] = True
    nullable = ret.get("anyOf") or found.get("anyOf")
    if isinstance(nullable, list) and {"type": "object", "nullable": True} in nullable:
        # apispec's nullable reference admits any object beside the referenced one: only null
        found["anyOf"] = [NULL_ONLY if branch == {"type": "object", "nullable": True}
                          else branch for branch in nullable]
    choices = getattr(field, "openapi_enum", None)
    if choices is not None:
        found["enum"] = sorted(choices())
    if "string" in types and _is_request_field(field) and not (
            {"pattern", "enum", "format"} & set(ret) or "enum" in found):
        text = no_control_characters in field.validators
        found["pattern"] = TEXT_PATTERN if text else NO_NUL_PATTERN
    return found


class SchemaRulesPlugin(BasePlugin):
    """Merges a schema's `Meta.openapi_rules` into its component."""

    def schema_helper(self, name, definition, **kwargs) -> dict | None:
        schema = kwargs.get("schema")
        meta = getattr(schema, "Meta", None) if schema is not None else None
        rules = getattr(meta, "openapi_rules", None)
        return dict(rules) if rules else None
