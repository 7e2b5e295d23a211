"""Rate limits, idempotency keys, metrics and Redis outages, in process."""

from __future__ import annotations

import uuid

import pytest
from flask_migrate import upgrade

from app.extensions import db
from tests.concurrency import race, statuses
from tests.conftest import build_app
from tests.helpers import give_consents, valid_id_number


@pytest.fixture
def strict_app(fake_wechat, tmp_path):
    application = build_app(f"sqlite:///{tmp_path / 'strict.db'}", fake_wechat.url,
                            RATELIMIT_LOGIN="3 per minute", RATELIMIT_WRITES="2 per minute",
                            RATELIMIT_PUBLIC="2 per minute")
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


def test_login_is_limited_per_address_with_envelope_and_retry_after(strict_app):
    client = strict_app.test_client()
    for n in range(3):
        assert client.post("/api/v1/auth/wx-login", json={"code": f"mock:u{n}"}).status_code == 200
    refused = client.post("/api/v1/auth/wx-login", json={"code": "mock:u9"})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Limit"] == "3"


def test_public_nearby_is_limited_per_address(strict_app):
    client = strict_app.test_client()
    url = "/api/v1/stations/nearby?lat=36.6&lng=101.7"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    # another endpoint's budget is its own
    assert client.get("/api/v1/stations/services").status_code == 200


@pytest.mark.parametrize(("method", "url", "limit"), [
    ("GET", "/api/v1/stations/nearby?lat=36.6&lng=101.7", "2"),
    ("POST", "/api/v1/auth/wx-login", "3"),
])
def test_limited_public_endpoints_tell_the_budget_left(strict_app, method, url, limit):
    """Nearby, like login, says its limit and what is left on every answer, and when the
    window resets once it is spent."""
    client = strict_app.test_client()
    left = []
    for n in range(int(limit) + 1):
        response = client.open(url, method=method, json={"code": f"mock:b{n}"}
                               if method == "POST" else None)
        assert response.headers["X-RateLimit-Limit"] == limit
        left.append((response.status_code, response.headers["X-RateLimit-Remaining"]))
    assert left == [*[(200, str(int(limit) - n)) for n in range(1, int(limit) + 1)],
                    (429, "0")]
    assert int(response.headers["X-RateLimit-Reset"]) > 0


def test_login_has_its_own_limit_not_the_write_budget(strict_app):
    client = strict_app.test_client()
    # writes allow 2 per minute, login 3: the third login is still fine
    codes = [client.post("/api/v1/auth/wx-login", json={"code": f"mock:l{n}"}).status_code
             for n in range(3)]
    assert codes == [200, 200, 200]


def test_writes_are_limited_per_user_not_per_address(strict_app):
    client = strict_app.test_client()
    tokens = [client.post("/api/v1/auth/wx-login", json={"code": f"mock:w{n}"}).get_json()
              ["access_token"] for n in range(2)]
    first, second = ({"Authorization": f"Bearer {token}"} for token in tokens)
    body = {"accepted": ["t"], "rejected": []}
    codes = [client.post("/api/v1/me/subscriptions", headers=first, json=body).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.post("/api/v1/me/subscriptions", headers=second, json=body).status_code == 200


def _membership(org_id: int, sequence: int) -> dict:
    return {"org_id": org_id, "real_name": "赵六", "id_number": valid_id_number(sequence=sequence),
            "employer": "闪送", "occupation": "骑手", "industry": "express_delivery"}


def test_same_key_and_body_replays_the_first_response(client, tree, as_user):
    give_consents(client, as_user("applicant"), "membership")
    headers = {**as_user("applicant"), "Idempotency-Key": f"key-{uuid.uuid4()}"}
    first = client.post("/api/v1/memberships", headers=headers, json=_membership(tree["village1"],
                                                                                 1))
    again = client.post("/api/v1/memberships", headers=headers, json=_membership(tree["village1"],
                                                                                 1))
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    mine = client.get("/api/v1/me/memberships", headers=as_user("applicant")).get_json()
    assert len(mine["items"]) == 1


def test_same_key_with_another_body_is_422(client, tree, as_user):
    give_consents(client, as_user("applicant"), "membership")
    headers = {**as_user("applicant"), "Idempotency-Key": "key-reused-0001"}
    client.post("/api/v1/memberships", headers=headers, json=_membership(tree["village1"], 1))
    other = client.post("/api/v1/memberships", headers=headers,
                        json=_membership(tree["village1"], 2))
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"


def test_keys_are_scoped_to_the_caller(client, tree, as_user):
    key = {"Idempotency-Key": "shared-key-0001"}
    for who in ("a", "b"):
        give_consents(client, as_user(who), "membership")
    a = client.post("/api/v1/memberships", headers={**as_user("a"), **key},
                    json=_membership(tree["village1"], 1))
    b = client.post("/api/v1/memberships", headers={**as_user("b"), **key},
                    json=_membership(tree["village1"], 2))
    assert a.status_code == b.status_code == 201
    assert a.get_json()["id"] != b.get_json()["id"]


def test_malformed_key_is_422(client, as_user):
    response = client.post("/api/v1/me/messages/read-all",
                           headers={**as_user("a"), "Idempotency-Key": "short"})
    assert response.status_code == 422


@pytest.mark.postgres
def test_concurrent_requests_with_one_key_run_once(app, client, tree, as_user):
    give_consents(client, as_user("applicant"), "membership")
    headers = {**as_user("applicant"), "Idempotency-Key": "race-key-0001"}
    body = _membership(tree["village1"], 5)
    responses = race(app, [("post", "/api/v1/memberships", headers, body)] * 8)
    counts = statuses(responses)
    assert counts[201] >= 1 and set(counts) <= {201, 409}, counts
    created = {r.get_json()["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1
    mine = client.get("/api/v1/me/memberships", headers=as_user("applicant")).get_json()
    assert len(mine["items"]) == 1


def test_metrics_count_requests(client):
    client.get("/healthz")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'gonghui_http_requests_total{endpoint="/healthz",method="GET",status="200"}' in text
    assert "gonghui_outbox_messages" in text or "gonghui_http_request_seconds" in text


def test_metrics_hidden_from_the_public_port(fake_wechat, tmp_path):
    application = build_app(f"sqlite:///{tmp_path / 'm.db'}", fake_wechat.url, METRICS_PORT=9100)
    client = application.test_client()
    assert client.get("/metrics", base_url="http://localhost:8000").status_code == 404
    assert client.get("/metrics", base_url="http://localhost:9100").status_code == 200


@pytest.mark.redis
def test_unreachable_redis_degrades_but_serves(fake_wechat, tmp_path):
    dead = "redis://127.0.0.1:6390/0"
    application = build_app(f"sqlite:///{tmp_path / 'r.db'}", fake_wechat.url, REDIS_URL=dead,
                            RATELIMIT_STORAGE_URI=dead, RATELIMIT_LOGIN="50 per minute",
                            RATELIMIT_PUBLIC="2 per minute")
    with application.app_context():
        upgrade()
    client = application.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "degraded",
                                "checks": {"database": "ok", "redis": "down"}}
    login = client.post("/api/v1/auth/wx-login", json={"code": "mock:outage"})
    assert login.status_code == 200
    token = login.get_json()["access_token"]
    phone = client.post("/api/v1/auth/phone", json={"code": "mock-phone:13700001111"},
                        headers={"Authorization": f"Bearer {token}"})
    assert phone.status_code == 200  # the WeChat token came through the database fallback
    with application.app_context():
        stored = db.session.execute(db.text("SELECT count(*) FROM wechat_tokens")).scalar()
        db.engine.dispose()
    assert stored == 1
    # limits still hold, counted in this process while Redis is away
    url = "/api/v1/stations/nearby?lat=36.6&lng=101.7"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def _production_app(monkeypatch, tmp_path, **env):
    from app import create_app
    from config import ProductionConfig

    for name, value in {"JWT_SECRET_KEY": "p" * 48, "WECHAT_APPID": "wx-a", "WECHAT_SECRET": "s",
                        "FIELD_ENCRYPTION_KEY": "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=",
                        "CARD_SIGNING_KEYS": '{"p-1": "' + "k" * 43 + '"}',
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", **env}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("METRICS_PORT", raising=False)
    return create_app(ProductionConfig())


def test_production_keeps_metrics_and_docs_private_by_default(monkeypatch, tmp_path):
    for name in ("METRICS_PUBLIC", "API_DOCS"):
        monkeypatch.delenv(name, raising=False)
    client = _production_app(monkeypatch, tmp_path).test_client()
    for path in ("/metrics", "/api/docs", "/api/openapi.json", "/api/docs-assets/swagger-ui.css"):
        assert client.get(path).status_code == 404, path


def test_production_serves_metrics_and_docs_when_asked(monkeypatch, tmp_path):
    client = _production_app(monkeypatch, tmp_path, METRICS_PUBLIC="1",
                             API_DOCS="1").test_client()
    for path in ("/metrics", "/api/docs", "/api/openapi.json"):
        assert client.get(path).status_code == 200, path


# --- what the store keeps (issue: the idempotency store was a plain-text copy of secrets) ---

def _stored(app):
    from app.core.idempotency import IdempotencyRecord

    with app.app_context():
        return [(r.scope, r.status_code, r.body) for r in
                db.session.scalars(db.select(IdempotencyRecord).order_by(IdempotencyRecord.id))]


def test_a_reveal_is_never_stored_and_its_replay_is_409(app, client, tree, as_user):
    from tests.factories.members import applied

    pending = applied(client, as_user("applicant"), tree["village1"], phone="13912345678")
    headers = {**as_user("county_admin"), "Idempotency-Key": f"reveal-{uuid.uuid4()}"}
    body = {"field": "phone", "reason": "回访核对"}
    first = client.post(f"/api/v1/memberships/{pending['id']}/reveal", headers=headers, json=body)
    assert first.status_code == 200 and first.get_json()["value"] == "13912345678"
    assert first.headers["Cache-Control"] == "no-store"
    again = client.post(f"/api/v1/memberships/{pending['id']}/reveal", headers=headers, json=body)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "idempotency_not_replayable"
    assert "13912345678" not in again.get_data(as_text=True)
    assert [body for *_, body in _stored(app)] == [None]  # only that it succeeded


def test_token_answers_are_never_stored(app, client):
    headers = {"Idempotency-Key": f"login-{uuid.uuid4()}", "User-Agent": "miniprogram/1"}
    first = client.post("/api/v1/auth/wx-login", json={"code": "mock:idem"}, headers=headers)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    again = client.post("/api/v1/auth/wx-login", json={"code": "mock:idem"}, headers=headers)
    assert again.status_code == 409
    assert "access_token" not in again.get_data(as_text=True)
    refresh = {"Authorization": f"Bearer {first.get_json()['refresh_token']}",
               "Idempotency-Key": f"refresh-{uuid.uuid4()}"}
    assert client.post("/api/v1/auth/refresh", headers=refresh).status_code == 200
    assert client.post("/api/v1/auth/refresh", headers=refresh).status_code == 409
    assert all(body is None for *_, body in _stored(app))


def test_stored_answers_are_encrypted(app, client, tree, as_user):
    give_consents(client, as_user("applicant"), "membership")
    headers = {**as_user("applicant"), "Idempotency-Key": f"enc-{uuid.uuid4()}"}
    first = client.post("/api/v1/memberships", headers=headers,
                        json=_membership(tree["village1"], 1))
    assert first.status_code == 201
    ((_, status, body),) = _stored(app)
    assert status == 201 and body and b"\xe8\xb5\xb5" not in body and b"real_name" not in body
    from app.core.crypto import PREFIX

    assert body.startswith(PREFIX.encode() + b":")  # the field-encryption format


def test_anonymous_keys_are_scoped_by_more_than_the_address(app, client):
    key = {"Idempotency-Key": f"anon-{uuid.uuid4()}"}
    one = client.post("/api/v1/auth/wx-login", json={"code": "mock:anon-a"},
                      headers={**key, "User-Agent": "phone-a"})
    other = client.post("/api/v1/auth/wx-login", json={"code": "mock:anon-a"},
                        headers={**key, "User-Agent": "phone-b"})
    assert one.status_code == other.status_code == 200  # another phone behind the same NAT
    scopes = {scope for scope, *_ in _stored(app)}
    assert len(scopes) == 2 and all(scope.startswith("ip:") for scope in scopes)


def test_a_claim_left_by_a_killed_worker_expires_and_a_retry_runs(app, client, tree, as_user,
                                                                  clock):
    from datetime import timedelta

    from app.core.idempotency import IdempotencyRecord
    from app.core.time import utcnow

    give_consents(client, as_user("applicant"), "membership")
    headers = {**as_user("applicant"), "Idempotency-Key": "killed-worker-0001"}
    body = _membership(tree["village1"], 3)
    first = client.post("/api/v1/memberships", headers=headers, json=body)
    assert first.status_code == 201
    with app.app_context():  # as a worker killed before it answered leaves it
        db.session.execute(db.update(IdempotencyRecord).values(status_code=None, body=None))
        db.session.execute(db.text("DELETE FROM memberships"))
        db.session.commit()
    stuck = client.post("/api/v1/memberships", headers=headers, json=body)
    assert stuck.status_code == 409
    assert stuck.get_json()["error"]["code"] == "idempotency_in_progress"
    clock.move_to(utcnow() + timedelta(seconds=61))
    retried = client.post("/api/v1/memberships", headers=as_user("applicant") | {
        "Idempotency-Key": "killed-worker-0001"}, json=body)
    assert retried.status_code == 201, retried.get_json()


def test_expired_keys_go_with_the_retention_job_and_an_account_takes_its_own(
        app, client, tree, as_user, clock):
    from datetime import timedelta

    from app.core import idempotency
    from app.core.time import utcnow

    give_consents(client, as_user("applicant"), "membership")
    client.post("/api/v1/memberships", json=_membership(tree["village1"], 4),
                headers={**as_user("applicant"), "Idempotency-Key": f"ret-{uuid.uuid4()}"})
    with app.app_context():
        user_id = int(_stored(app)[0][0].removeprefix("user:"))
        assert idempotency._expired(utcnow()) == []
        later = utcnow() + timedelta(days=2)
        assert len(idempotency._expired(later)) == 1
        assert idempotency._erase(user_id, later).ids["idempotency_keys"]
        db.session.commit()
    assert _stored(app) == []
    from app.core.personal_data import retention_jobs
    assert "idempotency_keys" in {job.kind for job in retention_jobs()}
