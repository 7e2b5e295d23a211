"""Property-based run over the whole OpenAPI document: no 5xx, responses match the schema.

The document is read once from an app built at import (the spec does not depend on the
database), so every operation becomes its own test item and xdist spreads them; each item
then calls the app of its backend.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from config import TestConfig
from tests.helpers import seed_officer_world

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _spec() -> dict:
    settings_ = TestConfig()
    settings_.SQLALCHEMY_DATABASE_URI = "sqlite://"
    return create_app(settings_).test_client().get("/api/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_spec())


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,
)
def test_whole_api_never_fails_with_5xx_and_matches_schema(case, app, client, tree):
    case.operation.schema.app = app
    world = seed_officer_world(app, client)
    # schemathesis asks for gzip like a browser but its WSGI transport does not decode it
    # (core.compression is tested in tests/core/test_compression.py)
    headers = {**world.headers_for(case), "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS, app=app)
