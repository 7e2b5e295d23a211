"""WeChatClient login, access-token caching and retry behaviour against the fake server."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests

from wxclient import (
    InvalidCode,
    SystemBusy,
    TokenInvalid,
    TransportError,
    WeChatClient,
    WeChatError,
)
from wxclient.fake import FakeWeChatServer

TOKEN_PATH = "/cgi-bin/stable_token"
LOGIN_PATH = "/sns/jscode2session"


# ---------------------------------------------------------------- login


def test_login_mock_code_is_reusable(client: WeChatClient) -> None:
    first = client.code_to_session("mock:alice")
    again = client.code_to_session("mock:alice")
    assert first.openid == "mock-alice"
    assert first.unionid is None  # not bound to an Open Platform: WeChat sends no unionid
    assert len(first.session_key) >= 16
    assert again == first
    assert first.session_key not in repr(first)


def test_login_unionid_only_when_bound_to_open_platform(make_client: Any) -> None:
    with FakeWeChatServer(open_platform=True) as bound:
        assert make_client(bound).code_to_session("mock:alice").unionid == "union-alice"


def test_login_mock_once_reuse_is_invalid_code(client: WeChatClient) -> None:
    assert client.code_to_session("mock-once:bob").openid == "mock-bob"
    with pytest.raises(InvalidCode) as info:
        client.code_to_session("mock-once:bob")
    assert info.value.errcode == 40163


@pytest.mark.parametrize(("code", "errcode"), [("garbage", 40029), ("mock:", 40029), ("", 41008)])
def test_login_bad_code(client: WeChatClient, code: str, errcode: int) -> None:
    with pytest.raises(InvalidCode) as info:
        client.code_to_session(code)
    assert info.value.errcode == errcode


def test_login_wrong_secret_is_plain_wechat_error(fake: FakeWeChatServer) -> None:
    wx = WeChatClient(fake.appid, "Wr0ng-S3cret-value", base_url=fake.url, timeout=(1.0, 2.0))
    with pytest.raises(WeChatError) as info:
        wx.code_to_session("mock:alice")
    assert info.value.errcode == 40125
    assert type(info.value) is WeChatError
    assert "Wr0ng-S3cret-value" not in str(info.value)


# ---------------------------------------------------------------- access token


def test_token_is_cached(client: WeChatClient, fake: FakeWeChatServer) -> None:
    token = client.get_access_token()
    assert client.get_access_token() == token
    assert fake.call_count(TOKEN_PATH) == 1


def test_force_refresh_rotates_token(client: WeChatClient, fake: FakeWeChatServer) -> None:
    old = client.get_access_token()
    new = client.get_access_token(force_refresh=True)
    assert new != old
    assert client.get_access_token() == new
    assert fake.call_count(TOKEN_PATH) == 2


def test_token_within_refresh_margin_is_refetched(fake: FakeWeChatServer, make_client: Any) -> None:
    fake.set_token_ttl(200)  # less than the 300 s refresh margin: never served from cache
    wx = make_client(fake)
    wx.get_access_token()
    wx.get_access_token()
    assert fake.call_count(TOKEN_PATH) == 2


def test_cold_cache_16_threads_one_fetch(client: WeChatClient, fake: FakeWeChatServer) -> None:
    fake.inject_fault("hang", count=1, hang_seconds=0.3)  # slow first fetch: callers pile up
    barrier = threading.Barrier(16)
    tokens: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            tokens.append(client.get_access_token())
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert len(tokens) == 16 and len(set(tokens)) == 1
    assert fake.call_count(TOKEN_PATH) == 1


def test_token_invalid_refreshes_and_retries_once(fake: FakeWeChatServer, make_client: Any) -> None:
    seen: list[tuple[str, int]] = []
    wx = make_client(fake, on_error=lambda api, code: seen.append((api, code)))
    wx.get_access_token()
    fake.inject_fault("token_invalid", count=1)
    assert wx.check_text("hello", "mock-alice").suggest == "pass"
    assert fake.call_count("/wxa/msg_sec_check") == 2
    assert fake.call_count(TOKEN_PATH) == 2  # re-fetched in normal mode
    assert seen == [("check_text", 40001)]


def test_expired_tokens_are_replaced(client: WeChatClient, fake: FakeWeChatServer) -> None:
    old = client.get_access_token()
    fake.expire_tokens()
    assert client.check_text("hello", "mock-alice").suggest == "pass"
    assert client.get_access_token() != old


def test_token_invalid_twice_raises(client: WeChatClient, fake: FakeWeChatServer) -> None:
    client.get_access_token()
    fake.inject_fault("token_expired", count=2)
    with pytest.raises(TokenInvalid) as info:
        client.check_text("hello", "mock-alice")
    assert info.value.errcode == 42001


# ---------------------------------------------------------------- retries


def test_busy_once_is_retried(client: WeChatClient, fake: FakeWeChatServer) -> None:
    fake.inject_fault("busy", count=1)
    assert client.code_to_session("mock:carol").openid == "mock-carol"
    assert fake.call_count(LOGIN_PATH) == 2


def test_busy_beyond_retries_raises(fake: FakeWeChatServer, make_client: Any) -> None:
    wx = make_client(fake, busy_retries=2)
    fake.inject_fault("busy", count=3)
    with pytest.raises(SystemBusy) as info:
        wx.code_to_session("mock:carol")
    assert info.value.errcode == -1
    assert fake.call_count(LOGIN_PATH) == 3


def test_backoff_is_exponential(fake: FakeWeChatServer, make_client: Any) -> None:
    wx = make_client(fake, busy_retries=2, backoff=0.1)
    fake.inject_fault("busy", count=3)
    started = time.monotonic()
    with pytest.raises(SystemBusy):
        wx.code_to_session("mock:carol")
    assert time.monotonic() - started >= 0.3  # 0.1 + 0.2


def test_http_500_is_retried_then_transport_error(
    client: WeChatClient, fake: FakeWeChatServer
) -> None:
    fake.inject_fault("http_500", count=1)
    assert client.code_to_session("mock:dave").openid == "mock-dave"
    fake.inject_fault("http_500", count=3)
    with pytest.raises(TransportError) as info:
        client.code_to_session("mock:dave")
    assert info.value.errcode == -2


def test_hang_beyond_read_timeout_is_transport_error(
    own_fake: FakeWeChatServer, make_client: Any
) -> None:
    wx = make_client(own_fake, timeout=(0.5, 0.5), busy_retries=0)
    own_fake.inject_fault("hang", count=1, hang_seconds=2.0)
    started = time.monotonic()
    with pytest.raises(TransportError) as info:
        wx.code_to_session("mock:erin")
    assert time.monotonic() - started < 1.5
    assert "fake-secret" not in str(info.value) and "mock:erin" not in str(info.value)


def test_hang_once_is_retried(own_fake: FakeWeChatServer, make_client: Any) -> None:
    wx = make_client(own_fake, timeout=(0.5, 0.5), busy_retries=1)
    own_fake.inject_fault("hang", count=1, hang_seconds=2.0)
    assert wx.code_to_session("mock:erin").openid == "mock-erin"


def test_connection_refused_is_transport_error(closed_port: int) -> None:
    wx = WeChatClient(
        "wx-x", "Refused-S3cret", base_url=f"http://127.0.0.1:{closed_port}", backoff=0.01
    )
    with pytest.raises(TransportError) as info:
        wx.code_to_session("mock:frank")
    assert info.value.maybe_delivered is False
    assert "Refused-S3cret" not in str(info.value) and "mock:frank" not in str(info.value)


def test_subscribe_send_is_not_resent_after_ambiguous_failure(
    client: WeChatClient, fake: FakeWeChatServer
) -> None:
    client.get_access_token()
    fake.inject_fault("http_500", count=1)
    with pytest.raises(TransportError):
        client.send_subscribe_message("mock-gina", "tpl-1", {"thing1": "x"})
    assert fake.call_count("/cgi-bin/message/subscribe/send") == 1
    fake.inject_fault("busy", count=1)  # busy means "not processed": safe to resend
    client.send_subscribe_message("mock-gina", "tpl-1", {"thing1": "x"})
    assert len(fake.sent_messages()) == 1


# ---------------------------------------------------------------- environment, read once


def test_proxy_from_the_environment_is_used(fake: FakeWeChatServer,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP_PROXY, read when the client is built, carries every call: the fake answers as
    the proxy (it reads the absolute URL's path) for a host that does not resolve."""
    monkeypatch.setenv("HTTP_PROXY", fake.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    wx = WeChatClient(fake.appid, fake.secret, base_url="http://wechat.invalid",
                      timeout=(1.0, 2.0))
    monkeypatch.delenv("HTTP_PROXY")  # read once: a later change does not matter
    assert wx.code_to_session("mock:alice").openid == "mock-alice"
    assert wx.session.trust_env is False


def test_no_proxy_host_goes_direct(fake: FakeWeChatServer, closed_port: int,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port}")  # would refuse
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    wx = WeChatClient(fake.appid, fake.secret, base_url=fake.url, timeout=(1.0, 2.0))
    assert wx.code_to_session("mock:alice").openid == "mock-alice"


def test_ca_bundle_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/county-ca.pem")
    assert WeChatClient("wx1", "s" * 32).session.verify == "/etc/ssl/county-ca.pem"
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    assert WeChatClient("wx1", "s" * 32).session.verify is True


def test_netrc_lends_no_credentials(fake: FakeWeChatServer, tmp_path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login alice password s3cret\n")
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    wx = WeChatClient(fake.appid, fake.secret, base_url=fake.url, timeout=(1.0, 2.0))
    request = wx.session.prepare_request(requests.Request("GET", fake.url + LOGIN_PATH))
    assert "Authorization" not in request.headers
