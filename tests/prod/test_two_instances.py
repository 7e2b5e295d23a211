"""Two gunicorn instances on one PostgreSQL and one Redis behave as one service."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade

from app.extensions import db
from tests.conftest import (
    REDIS_URL,
    build_app,
    create_postgres_database,
    drop_postgres_database,
)
from tests.helpers import valid_id_number

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def instances(fake_wechat, tmp_path_factory, s3_server):
    url = create_postgres_database("gonghui_pair")
    application = build_app(url, fake_wechat.url)
    with application.app_context():
        upgrade()
        from app.orgs.service import create_root_org

        org_id = create_root_org(name="双实例测试总工会", level="province").id
        db.engine.dispose()
    logs = tmp_path_factory.mktemp("gunicorn")
    env = {
        **os.environ, "GONGHUI_ENV": "production", "DATABASE_URL": url, "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": f"pair{uuid.uuid4().hex[:6]}", "WECHAT_APPID": "wx-fake-appid",
        "WECHAT_SECRET": "fake-secret", "WECHAT_API_BASE": fake_wechat.url,
        "JWT_SECRET_KEY": "pair-secret-" + "x" * 40,
        "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(b"p" * 32).decode(),
        "CARD_SIGNING_KEYS": json.dumps({"pair-1": base64.urlsafe_b64encode(b"q" * 32).decode()}),
        "RATELIMIT_PUBLIC": "5 per minute", "LOG_LEVEL": "WARNING",
        "GONGHUI_INSTANCE_DIR": str(logs),
        # files in one S3-compatible bucket; each instance still has a disk of its own
        **s3_server.config(s3_server.new_bucket()),
    }
    ports, processes = [free_port(), free_port()], []
    for port in ports:
        log = open(logs / f"{port}.log", "w")  # noqa: SIM115 - closed with the process
        metrics = logs / f"metrics-{port}"
        metrics.mkdir()
        # the production config itself (preloaded app, two forked workers per instance)
        instance_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2",
                        "FILE_STORAGE_DIR": str(logs / f"files-{port}"),
                        "GUNICORN_ACCESS_LOG": str(logs / f"access-{port}.log"),
                        "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
        processes.append((subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "app:create_app()"],
            cwd=ROOT, env=instance_env, stdout=log, stderr=subprocess.STDOUT), log))
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    ACCESS_LOGS[:] = [logs / f"access-{port}.log" for port in ports]
    # a start takes seconds (imports, the OpenAPI spec) and many more on a machine busy with
    # the rest of the suite: wait on a deadline, not a count of tries
    deadline = time.monotonic() + 90
    for base in bases:
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=5).ok:
                    break
            except requests.RequestException:  # not listening yet, or the worker still boots
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"instance {base} did not start; see {logs}")
            time.sleep(0.1)
    yield bases, org_id
    for process, log in processes:
        process.terminate()
        try:
            process.wait(30)  # graceful_timeout 20 s: workers finish their keep-alives
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()
    drop_postgres_database(url)


ACCESS_LOGS: list = []  # gunicorn's access log of each instance, in the order of the bases


def test_the_access_log_masks_personal_numbers_like_the_app_log(instances):
    (a, _b), _ = instances
    requests.get(f"{a}/api/v1/stations/by-code/139-1234-5678")
    requests.get(f"{a}/api/v1/stations/by-code/32092219900101007X")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = ACCESS_LOGS[0].read_text().splitlines()
        if sum("by-code" in line for line in lines) >= 2:
            break
        time.sleep(0.05)
    text = "\n".join(line for line in lines if "by-code" in line)
    assert "***-****-5678" in text and "**************007X" in text
    for secret in ("1234-5678", "199001010"):
        assert secret not in text


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_login_on_one_refresh_on_other_logout_everywhere(instances):
    (a, b), _ = instances
    pair = requests.post(f"{a}/api/v1/auth/wx-login", json={"code": "mock:pair-user"}).json()
    assert requests.get(f"{b}/api/v1/me", headers=bearer(pair["access_token"])).ok
    rotated = requests.post(f"{b}/api/v1/auth/refresh", headers=bearer(pair["refresh_token"]))
    assert rotated.status_code == 200
    fresh = rotated.json()
    assert requests.post(f"{a}/api/v1/auth/logout",
                         headers=bearer(fresh["access_token"])).status_code == 204
    assert requests.get(f"{b}/api/v1/me", headers=bearer(fresh["access_token"])).status_code == 401
    again = requests.post(f"{b}/api/v1/auth/refresh", headers=bearer(fresh["refresh_token"]))
    assert again.status_code == 401


def test_a_file_uploaded_on_one_is_downloaded_from_the_other(instances):
    (a, b), _ = instances
    from tests.factories.aid import png_bytes

    token = requests.post(f"{a}/api/v1/auth/wx-login", json={"code": "mock:pair-files"}).json()
    headers = bearer(token["access_token"])
    stored = requests.post(f"{a}/api/v1/files", headers=headers,
                           files={"file": ("证件.png", png_bytes(size=(32, 32)), "image/png")})
    assert stored.status_code == 201, stored.text
    file_id = stored.json()["id"]
    download = requests.get(f"{b}/api/v1/files/{file_id}", headers=headers)
    assert download.status_code == 200 and download.content.startswith(b"\x89PNG")
    # a public picture set on one instance is served by the other, without a token
    shown = requests.patch(f"{b}/api/v1/me", headers=headers, json={"avatar_file_id": file_id})
    assert shown.status_code == 200, shown.text
    path = shown.json()["avatar_url"].split("/api/v1/", 1)[1]
    picture = requests.get(f"{a}/api/v1/{path}")
    assert picture.status_code == 200 and picture.content == download.content
    # neither instance wrote the bytes to its own disk
    assert not any(Path(ACCESS_LOGS[0]).parent.glob("files-*/**/*.png"))


def test_rate_limit_is_shared_by_both_instances(instances):
    (a, b), _ = instances
    url = "/api/v1/stations/nearby?lat=36.6&lng=101.7"
    codes = [requests.get(f"{base}{url}").status_code for base in (a, b, a, b, a)]
    assert codes == [200] * 5
    over = [requests.get(f"{base}{url}") for base in (a, b)]
    assert [r.status_code for r in over] == [429, 429]
    assert over[0].json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in over[1].headers


def test_idempotent_post_sent_to_both_at_once_runs_once(instances):
    (a, b), org_id = instances
    token = requests.post(f"{a}/api/v1/auth/wx-login", json={"code": "mock:pair-idem"}).json()
    headers = {**bearer(token["access_token"]), "Idempotency-Key": f"pair-{uuid.uuid4()}"}
    policies = requests.get(f"{a}/api/v1/privacy/policies").json()["items"]
    version = next(p["version"] for p in policies if p["purpose"] == "membership")
    consent = requests.post(f"{a}/api/v1/me/consents", headers=bearer(token["access_token"]),
                            json={"purpose": "membership", "data_kind": "id_number",
                                  "policy_version": version})
    assert consent.status_code == 201, consent.text
    body = {"org_id": org_id, "real_name": "钱七", "id_number": valid_id_number(sequence=9),
            "employer": "京东", "occupation": "快递员", "industry": "express_delivery"}
    barrier, results = threading.Barrier(2), {}

    def send(base: str) -> None:
        barrier.wait()
        results[base] = requests.post(f"{base}/api/v1/memberships", headers=headers, json=body)

    threads = [threading.Thread(target=send, args=(base,)) for base in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(r.status_code for r in results.values())
    assert codes in ([201, 201], [201, 409]), codes
    ids = {r.json()["id"] for r in results.values() if r.status_code == 201}
    assert len(ids) == 1
    mine = requests.get(f"{b}/api/v1/me/memberships", headers=bearer(token["access_token"]))
    assert len(mine.json()["items"]) == 1
