"""The error envelope for every failure, request ids, docs and health."""

from __future__ import annotations

import re

import pytest


def _assert_envelope(response, status, code):
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["request_id"] == response.headers["X-Request-ID"]
    assert isinstance(body["error"]["message"], str)


def test_unknown_path_is_404_envelope(client):
    _assert_envelope(client.get("/api/v1/nope"), 404, "not_found")


def test_wrong_method_is_405_with_allow(client):
    response = client.get("/api/v1/auth/wx-login")
    _assert_envelope(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_malformed_json_is_400_envelope(client):
    response = client.post("/api/v1/auth/wx-login", data="{not json",
                           content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["code"] in ("malformed_request", "validation_error")


def test_validation_error_has_per_field_details(client):
    response = client.post("/api/v1/auth/wx-login", json={"code": "", "extra": 1})
    _assert_envelope(response, 422, "validation_error")
    fields = response.get_json()["error"]["details"]["fields"]
    assert "code" in fields and "extra" in fields


def test_too_large_body_is_413_envelope(client, app):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post("/api/v1/auth/wx-login", data=big, content_type="application/json")
    _assert_envelope(response, 413, "payload_too_large")


@pytest.mark.parametrize("given", ["abcdefgh-1234", "req.2026-11-25:42"])
def test_well_formed_request_id_is_echoed(client, given):
    assert client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given


@pytest.mark.parametrize("given", ["short", "bad id with spaces", "x" * 200, "<script>"])
def test_malformed_request_id_is_replaced(client, given):
    returned = client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    assert returned != given and len(returned) == 32


def test_healthz_and_readyz(client, backend):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz").get_json()
    assert ready["checks"]["database"] == "ok"
    if backend == "postgres":
        assert ready["checks"]["postgis"] in ("absent",) or ready["checks"]["postgis"].startswith(
            "available")
    else:
        assert "postgis" not in ready["checks"]
    assert ready["status"] == "ok"


def test_openapi_document_and_offline_docs(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/v1/auth/wx-login" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert b"/api/docs-assets/swagger-ui-bundle.js" in page.data
    asset = client.get("/api/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
    asset.close()


def test_every_api_route_is_in_the_openapi_document(app, client):
    spec_paths = set(client.get("/api/openapi.json").get_json()["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            assert path in spec_paths, rule.rule


@pytest.mark.parametrize(("method", "url", "kwargs"), [
    ("post", "/api/v1/auth/wx-login", {"json": {"code": "a\x00b"}}),
    ("get", "/api/v1/stations/nearby?lat=30&lng=100&services=toilet%00", {}),
])
def test_nul_characters_are_422_not_500(client, method, url, kwargs):
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 422


@pytest.mark.postgres
def test_postgres_sessions_carry_statement_and_idle_timeouts(app_ctx):
    from app.extensions import db

    assert db.session.execute(db.text("SHOW statement_timeout")).scalar() == "5s"
    idle = db.session.execute(db.text("SHOW idle_in_transaction_session_timeout")).scalar()
    assert idle == "30s"


def test_openapi_document_has_no_page_number_pagination(client):
    """Lists page by cursors: flask-smorest's page-number schema and header stay out."""
    spec = client.get("/api/openapi.json").get_json()
    assert "PaginationMetadata" not in spec["components"].get("schemas", {})
    assert "PAGINATION" not in spec["components"].get("headers", {})
    assert "X-Pagination" not in str(spec)
