"""The orjson provider answers with exactly the bytes Flask's own provider writes (issue 22)."""

from __future__ import annotations

import dataclasses
import decimal
import uuid
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from app.core.jsonprovider import OrjsonProvider


@dataclasses.dataclass
class Point:
    lat: float
    name: str


CASES = [
    {"b": 1, "a": {"é": 1, "z": 2, "Z": 3, "荆州": [1, 2.5, None, True]}},
    {"text": "\x00\x1f\u2028\u2029\"\\/é\x7f 骑手"},
    {"small": 1e-05, "tiny": 2.5e-07, "neg": -3e-06, "zero": 0.0, "big": 1e16},
    {"looks": "0.00001 and 3e-7 in text", "n": 1.5},
    {"when": datetime(2026, 12, 1, 8, 30, tzinfo=UTC), "day": date(2026, 12, 1)},
    {"money": decimal.Decimal("12.30"), "id": uuid.UUID(int=7)},
    {"point": Point(22.817, "南宁")},
    {"huge": 2**70, "list": [2**64, -(2**63)]},
    {1: "int key", 2: "another"},
    [[[[["deep"]]]]],
    ["a", ("tuple", 1)],
    "plain string",
    None,
]


@pytest.fixture
def providers():
    app = Flask(__name__)
    stdlib = DefaultJSONProvider(app)
    stdlib.ensure_ascii = False
    return app, stdlib, OrjsonProvider(app)


@pytest.mark.parametrize("value", CASES)
def test_the_bytes_are_flasks(providers, value):
    app, stdlib, fast = providers
    with app.app_context():
        assert fast.dumps_bytes(value) == stdlib.dumps(value, separators=(",", ":")).encode()
        assert fast.response(value).data == stdlib.response(value).data


def test_nesting_past_orjsons_limit_is_the_stdlibs_answer(providers):
    app, stdlib, fast = providers
    value: list = []
    for _ in range(300):
        value = [value]
    with app.app_context():
        assert fast.dumps_bytes(value) == stdlib.dumps(value, separators=(",", ":")).encode()


def test_what_the_stdlib_refuses_is_refused(providers):
    app, _stdlib, fast = providers
    with app.app_context(), pytest.raises(TypeError):
        fast.dumps_bytes({"set": {1, 2}})


def test_the_app_answers_through_it(app):
    assert isinstance(app.json, OrjsonProvider)
    response = app.test_client().get("/healthz")
    assert response.data.endswith(b"\n") and response.mimetype == "application/json"


def test_debug_output_is_pretty_as_before(providers):
    app, stdlib, fast = providers
    app.debug = True
    with app.app_context():
        assert fast.response({"b": 1, "a": 2}).data == stdlib.response({"b": 1, "a": 2}).data
