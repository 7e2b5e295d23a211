"""`core.fields.ListParam`: a list filter takes repeated keys and comma lists alike."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from flask import Flask
from marshmallow import fields, validate
from werkzeug.exceptions import HTTPException

from app.core.fields import ListParam
from app.core.http import ApiBlueprint, StrictSchema

BARE = Flask(__name__)


class Query(StrictSchema):
    tags = ListParam(fields.String(validate=validate.OneOf(["a", "b", "c"])), load_default=list)


def parse(pairs):
    with BARE.test_request_context("/?" + urlencode(pairs)):
        try:
            return ApiBlueprint.ARGUMENTS_PARSER.parse(Query(), location="query")["tags"]
        except HTTPException:
            return None


@pytest.mark.parametrize(("pairs", "expected"), [
    ([], []),
    ([("tags", "")], []),
    ([("tags", "a")], ["a"]),
    ([("tags", "a,b")], ["a", "b"]),
    ([("tags", "a"), ("tags", "b")], ["a", "b"]),
    ([("tags", "a,b"), ("tags", "c")], ["a", "b", "c"]),
    ([("tags", "a,,b")], None),
    ([("tags", "a"), ("tags", "z")], None),
])
def test_both_spellings(pairs, expected):
    assert parse(pairs) == expected


def test_documented_as_a_repeated_parameter():
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    spec = APISpec("t", "1", "3.0.3", plugins=[MarshmallowPlugin()])
    [param] = spec.plugins[0].converter.schema2parameters(Query, location="query")
    assert param["explode"] is True and param["schema"]["type"] == "array"
    assert "comma" in param["description"]
