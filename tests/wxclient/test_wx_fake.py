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
    assert ok["openid"] == "mock-zoe" and "unionid" not in ok
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


def test_blocked_words_are_matched_on_decoded_content(fake: FakeWeChatServer) -> None:
    token = _token(fake)["access_token"]
    body = {"version": 2, "openid": "mock-a", "scene": 2, "content": "含有违禁词"}
    escaped = requests.post(  # requests' json= sends \\u escapes: the same text to WeChat
        fake.url + "/wxa/msg_sec_check", params={"access_token": token}, json=body, timeout=5
    ).json()
    assert escaped["result"] == {"suggest": "risky", "label": 21000}
    raw = _post(fake, "/wxa/msg_sec_check", body, token)
    assert raw["errcode"] == 0 and raw["result"] == {"suggest": "risky", "label": 21000}
    assert raw["detail"][-1]["keyword"] == "违禁词"
    assert _post(fake, "/wxa/msg_sec_check", {**body, "version": 3}, token)["errcode"] == 47001
    assert _post(fake, "/wxa/msg_sec_check", {**body, "openid": ""}, token)["errcode"] == 40003


@pytest.mark.parametrize("version", [None, 1])
def test_v1_body_answers_87014_on_a_blocked_word(fake: FakeWeChatServer, version: Any) -> None:
    token = _token(fake)["access_token"]
    body: dict[str, Any] = (
        {"content": "含有违禁词"}
        if version is None
        else {"content": "含有违禁词", "version": version}
    )
    assert _post(fake, "/wxa/msg_sec_check", body, token)["errcode"] == 87014
    clean = _post(fake, "/wxa/msg_sec_check", {**body, "content": "你好"}, token)
    assert clean["errcode"] == 0 and "result" not in clean


def test_content_over_2500_characters_is_refused(fake: FakeWeChatServer) -> None:
    token = _token(fake)["access_token"]
    body = {"version": 2, "openid": "mock-a", "scene": 2, "content": "好" * 2500}
    assert _post(fake, "/wxa/msg_sec_check", body, token)["errcode"] == 0
    too_long = _post(fake, "/wxa/msg_sec_check", {**body, "content": "好" * 2501}, token)
    assert too_long["errcode"] == 47001
    assert _post(fake, "/wxa/msg_sec_check", {"content": "好" * 2501}, token)["errcode"] == 47001


def test_classic_token_endpoint(fake: FakeWeChatServer) -> None:
    query = {"grant_type": "client_credential", "appid": fake.appid, "secret": fake.secret}
    first = requests.get(fake.url + "/cgi-bin/token", params=query, timeout=5).json()
    assert first["expires_in"] == 7200 and len(first["access_token"]) >= 32
    body = {"version": 2, "openid": "mock-a", "scene": 2, "content": "你好"}
    assert _post(fake, "/wxa/msg_sec_check", body, first["access_token"])["errcode"] == 0
    second = requests.get(fake.url + "/cgi-bin/token", params=query, timeout=5).json()
    assert second["access_token"] != first["access_token"]
    # the previous token keeps working for the five-minute overlap
    assert _post(fake, "/wxa/msg_sec_check", body, first["access_token"])["errcode"] == 0
    for key, value, errcode in [
        ("grant_type", "x", 40002),
        ("appid", "wx-other", 40013),
        ("secret", "nope", 40125),
    ]:
        bad = requests.get(fake.url + "/cgi-bin/token", params={**query, key: value}, timeout=5)
        assert bad.json()["errcode"] == errcode
    assert (
        requests.post(fake.url + "/cgi-bin/token", params=query, timeout=5).json()["errcode"]
        == 43001
    )


@pytest.mark.parametrize(
    ("page", "errcode"),
    [("pages/a/b", 0), ("pages/a/b?id=7", 0), ("/pages/a/b", 41030), ("/pages/a/b?id=7", 41030)],
)
def test_subscribe_page_has_no_leading_slash(
    fake: FakeWeChatServer, page: str, errcode: int
) -> None:
    token = _token(fake)["access_token"]
    body = {
        "touser": "mock-a",
        "template_id": "t",
        "page": page,
        "data": {"thing1": {"value": "x"}},
    }
    assert _post(fake, "/cgi-bin/message/subscribe/send", body, token)["errcode"] == errcode


@pytest.mark.parametrize("page", ["/pages/a/b", "pages/a/b?id=7"])
def test_code_page_has_no_leading_slash_nor_query(fake: FakeWeChatServer, page: str) -> None:
    token = _token(fake)["access_token"]
    reply = _post(fake, "/wxa/getwxacodeunlimit", {"scene": "a", "page": page}, token)
    assert reply["errcode"] == 41030


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("number1", "12a"),
        ("letter2", "abc123"),
        ("phrase3", "approved"),
        ("car_number4", "青A·12345"),
        ("date5", "明天"),
        ("thing6", ""),
        ("amount7", "123"),
        ("name8", "张" * 11),
        ("name9", "A" * 21),
        ("time10", "25:00"),
        ("thing11", "a\nb"),
        ("thing12", "字" * 21),
        ("symbol13", "abc"),
        ("phone_number14", "1" * 18),
    ],
)
def test_subscribe_value_breaking_its_type_is_47003(
    fake: FakeWeChatServer, key: str, value: str
) -> None:
    token = _token(fake)["access_token"]
    body = {"touser": "mock-a", "template_id": "t", "data": {key: {"value": value}}}
    reply = _post(fake, "/cgi-bin/message/subscribe/send", body, token)
    assert reply["errcode"] == 47003 and f"data.{key}.value" in reply["errmsg"]
    assert fake.sent_messages() == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("number1", "12.5"),
        ("letter2", "abc"),
        ("phrase3", "已通过"),
        ("car_number4", "青A12345"),
        ("date5", "2026年12月1日"),
        ("date6", "2026-12-01 ~ 2026-12-03"),
        ("amount7", "¥123456789.00元"),
        ("name8", "张" * 10),
        ("name9", "Mary-Jane O'Neil"),
        ("time10", "2026年12月01日 15:01"),
        ("time11", "15:01~16:00"),
        ("phone_number12", "+86-0766-66888866"),
        ("symbol13", "%"),
        ("character_string14", "NO.2026-001"),
    ],
)
def test_subscribe_valid_values_are_accepted(fake: FakeWeChatServer, key: str, value: str) -> None:
    token = _token(fake)["access_token"]
    body = {"touser": "mock-a", "template_id": "t", "data": {key: {"value": value}}}
    assert _post(fake, "/cgi-bin/message/subscribe/send", body, token)["errcode"] == 0


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
