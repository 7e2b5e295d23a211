"""Cross-field rules run even when a field has an error, so one 422 lists every problem."""

from __future__ import annotations

import pytest
from marshmallow import Schema
from marshmallow.decorators import VALIDATES_SCHEMA

from app.errors import FieldMessage, FieldProblems, Invalid


def _all_schemas(app):
    seen, todo = set(), list(Schema.__subclasses__())
    while todo:
        schema = todo.pop()
        if schema in seen:
            continue
        seen.add(schema)
        todo.extend(schema.__subclasses__())
    return [s for s in seen if s.__module__.startswith("app.")]


def test_no_schema_skips_its_cross_field_rules_on_field_errors(app):
    skipping = []
    for schema in _all_schemas(app):
        for name in dir(schema):
            hook = getattr(getattr(schema, name, None), "__marshmallow_hook__", None)
            for _many, options in (hook or {}).get(VALIDATES_SCHEMA, []):
                if options.get("skip_on_field_errors", True):
                    skipping.append(f"{schema.__module__}.{schema.__name__}.{name}")
    assert skipping == []
    assert len(_all_schemas(app)) > 50  # the walk found the app's schemas


def test_officer_grant_names_the_user_once_even_with_a_bad_role(client, tree, as_user):
    response = client.post(f"/api/v1/orgs/{tree['village1']}/officers",
                           headers={**as_user("county_admin"), "Accept-Language": "en"},
                           json={"role": "chief"})
    fields = response.get_json()["error"]["details"]["fields"]
    assert set(fields) == {"role", "_schema"}
    both = client.post(f"/api/v1/orgs/{tree['village1']}/officers",
                       headers=as_user("county_admin"),
                       json={"user_id": "x", "role": "admin"}).get_json()["error"]
    assert set(both["details"]["fields"]) == {"user_id"}  # one reference given, just bad


def test_problems_collect_and_raise_once():
    problems = FieldProblems()
    with problems.check():
        raise Invalid("Say why.", details={"fields": {"comment": ["required"]}})
    problems.invalid("to", "Give a range of at most a year.")
    problems.invalid("to", "Give a range of at most a year.")  # the same rule once
    with pytest.raises(Invalid) as raised:
        problems.raise_if_any()
    assert raised.value.details["fields"] == {"comment": ["required"],
                                              "to": ["Give a range of at most a year."]}
    assert raised.value.msgid == "Some fields are invalid."


def test_one_problem_keeps_its_message_code_and_values():
    problems = FieldProblems()
    problems.invalid("org_id", "%(org)s is not eligible for %(program)s.",
                     {"org": "甲村", "program": "项目"}, code="not_eligible")
    with pytest.raises(Invalid) as raised:
        problems.raise_if_any()
    assert (raised.value.code, raised.value.params["org"]) == ("not_eligible", "甲村")
    [message] = raised.value.details["fields"]["org_id"]
    assert isinstance(message, FieldMessage) and message == "甲村 is not eligible for 项目."


def test_nothing_collected_raises_nothing():
    FieldProblems().raise_if_any()
