"""The fake WeChat server itself: raw HTTP behaviour, control endpoints and the CLI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from wxclient import WeChatClient
from wxclient.fake import FakeWeChatServer

ROOT = Path(__file__).resolve().parents[2]


def _post(fake: FakeWeChatServer, path: str, body: Any, token: str | None = None) -> Any:
    params = {"access_token": token} if token else None
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    resp = requests.post(
        fake.url + path,
        params=params,
        data=data,
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    return resp.json()


def _token(fake: FakeWeChatServer, force: bool = False) -> dict[str, Any]:
    body = {
        "grant_type": "client_credential",
        "appid": fake.appid,
        "secret": fake.secret,
        "force_refresh": force,
    }
    return _post(fake, "/cgi-bin/stable_token", body)


def _login(fake: FakeWeChatServer, **params: str) -> dict[str, Any]:
    query = {"appid": fake.appid, "secret": fake.secret, "grant_type": "authorization_code"}
    query.update(params)
    return requests.get(fake.url + "/sns/jscode2session", params=query, timeout=5).json()


def test_login_reply_shape_and_checks(fake: FakeWeChatServer) -> None:
    ok = _login(fake, js_code="mock:zoe")
    assert "errcode" not in ok
    assert ok["openid"] == "mock-zoe" and ok["unionid"] == "union-zoe"
    assert _login(fake, js_code="mock:zoe", appid="wx-other")["errcode"] == 40013
    assert _login(fake, js_code="mock:zoe", secret="nope")["errcode"] == 40125
    assert _login(fake, js_code="")["errcode"] == 41008
    assert _login(fake)["errcode"] == 41008
    assert "rid:" in _login(fake, js_code="junk")["errmsg"]


def test_stable_token_modes(fake: FakeWeChatServer) -> None:
    first = _token(fake)
    assert 7000 < first["expires_in"] <= 7200
    assert _token(fake)["access_token"] == first["access_token"]  # normal mode: same token
    forced = _token(fake, force=True)["access_token"]
    assert forced != first["access_token"]
    check = {"version": 2, "openid": "mock-a", "scene": 2, "content": "hi"}
    assert _post(fake, "/wxa/msg_sec_check", check, first["access_token"])["errcode"] == 40001
    assert _post(fake, "/wxa/msg_sec_check", check, forced)["errcode"] == 0
    assert _post(fake, "/wxa/msg_sec_check", check)["errcode"] == 41001
    fake.expire_tokens()
    assert _post(fake, "/wxa/msg_sec_check", check, forced)["errcode"] == 42001
    assert _token(fake)["access_token"] != forced
    bad = _post(
        fake,
        "/cgi-bin/stable_token",
        {"grant_type": "client_credential", "appid": fake.appid, "secret": "x"},
    )
    assert bad["errcode"] == 40125


def test_short_ttl_tokens(fake: FakeWeChatServer) -> None:
    fake.set_token_ttl(100)
    reply = _token(fake)
    assert reply["expires_in"] <= 100
    assert _token(fake)["access_token"] != reply["access_token"]  # < 300 s left: new one


def test_escaped_json_hides_blocked_words_like_wechat(fake: FakeWeChatServer) -> None:
    token = _token(fake)["access_token"]
    body = {"version": 2, "openid": "mock-a", "scene": 2, "content": "含有违禁词"}
    escaped = requests.post(
        fake.url + "/wxa/msg_sec_check", params={"access_token": token}, json=body, timeout=5
    ).json()
    assert escaped["result"]["suggest"] == "pass"  # pitfall: ensure_ascii escapes
    raw = _post(fake, "/wxa/msg_sec_check", body, token)
    assert raw["errcode"] == 0 and raw["result"] == {"suggest": "risky", "label": 21000}
    assert raw["detail"][-1]["keyword"] == "违禁词"
    assert _post(fake, "/wxa/msg_sec_check", {**body, "version": 1}, token)["errcode"] != 0
    assert _post(fake, "/wxa/msg_sec_check", {**body, "openid": ""}, token)["errcode"] == 40003


def test_method_and_unknown_path(fake: FakeWeChatServer) -> None:
    assert requests.get(fake.url + "/wxa/msg_sec_check", timeout=5).json()["errcode"] == 43002
    resp = requests.get(fake.url + "/no/such/api", timeout=5)
    assert resp.status_code == 404


def test_unlimited_code_errors(fake: FakeWeChatServer, client: WeChatClient) -> None:
    token = client.get_access_token()
    assert (
        _post(fake, "/wxa/getwxacodeunlimit", {"scene": "a", "width": 100}, token)["errcode"]
        == 40097
    )
    reply = _post(
        fake, "/wxa/getwxacodeunlimit", {"scene": "a", "page": "pages/mock-missing"}, token
    )
    assert reply["errcode"] == 41030
    resp = requests.post(
        fake.url + "/wxa/getwxacodeunlimit",
        params={"access_token": token},
        data=json.dumps({"scene": "a=1"}).encode(),
        timeout=5,
    )
    assert resp.headers["Content-Type"] == "image/png"
    assert resp.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_inject_fault_validation(fake: FakeWeChatServer) -> None:
    with pytest.raises(ValueError):
        fake.inject_fault("meteor")


def test_http_control_endpoints(fake: FakeWeChatServer, client: WeChatClient) -> None:
    ctl = fake.url + "/__fake__/"
    assert requests.post(ctl + "faults", json={"kind": "busy", "count": 1}, timeout=5).ok
    assert _login(fake, js_code="mock:yan")["errcode"] == -1
    assert _login(fake, js_code="mock:yan")["openid"] == "mock-yan"
    assert requests.post(ctl + "faults", json={"kind": "meteor"}, timeout=5).status_code == 400

    client.send_subscribe_message("mock-yan", "tpl-9", {"phrase1": "已通过"})
    messages = requests.get(ctl + "messages", timeout=5).json()["messages"]
    assert messages[0]["data"] == {"phrase1": {"value": "已通过"}}
    assert requests.delete(ctl + "messages", timeout=5).ok
    assert fake.sent_messages() == []

    assert requests.post(ctl + "blocked_words", json={"words": ["坏词"]}, timeout=5).ok
    assert client.check_text("坏词", "mock-yan").suggest == "risky"

    calls = requests.get(ctl + "calls", timeout=5).json()["calls"]
    assert calls["/sns/jscode2session"] == 2 and "/__fake__/calls" not in calls

    old = client.get_access_token()
    assert requests.post(ctl + "expire_tokens", timeout=5).ok
    assert _post(fake, "/wxa/msg_sec_check", {}, old)["errcode"] == 42001

    assert requests.post(ctl + "token_ttl", json={"seconds": 60}, timeout=5).ok
    assert _token(fake)["expires_in"] <= 60

    assert requests.post(ctl + "reset", timeout=5).ok
    assert fake.calls == {}
    assert client.check_text("坏词", "mock-yan").suggest == "pass"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cli_runs_fake_in_foreground() -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wxclient.fake", "--port", str(port), "--secret", "cli-secret"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line == f"fake wechat listening on http://127.0.0.1:{port}"
        wx = WeChatClient("wx-fake-appid", "cli-secret", base_url=f"http://127.0.0.1:{port}")
        assert wx.code_to_session("mock:cli").openid == "mock-cli"
        calls = requests.get(f"http://127.0.0.1:{port}/__fake__/calls", timeout=5).json()
        assert calls == {"calls": {"/sns/jscode2session": 1}}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
