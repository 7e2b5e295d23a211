"""WeChatClient APIs (phone, subscribe messages, text check, codes) and log hygiene."""

from __future__ import annotations

import logging
import struct
import time
import zlib
from typing import Any

import pytest

from wxclient import (
    PNG_SIGNATURE,
    InvalidCode,
    MemoryTokenStore,
    NotSubscribed,
    TemplateError,
    TransportError,
    WeChatClient,
    WeChatError,
)
from wxclient.fake import FakeWeChatServer


def _decode_png(data: bytes) -> tuple[int, int, bytes]:
    """Check signature, chunk CRCs and pixel data size; return (width, height, raw)."""
    assert data.startswith(PNG_SIGNATURE)
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(tag + body) == crc
        if tag == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    assert len(raw) == height * (width + 1)
    return width, height, raw


# ---------------------------------------------------------------- phone, messages, checks


def test_phone_number(client: WeChatClient) -> None:
    info = client.get_phone_number("mock-phone:13800138000")
    assert info.phone_number == "13800138000"
    assert info.pure_phone_number == "13800138000"
    assert info.country_code == "86"
    assert "13800138000" not in repr(info)
    with pytest.raises(InvalidCode) as bad:
        client.get_phone_number("mock-phone:123")
    assert bad.value.errcode == 40029


def test_phone_watermark_of_other_app_is_rejected(
    client: WeChatClient, fake: FakeWeChatServer
) -> None:
    store = MemoryTokenStore()
    store.set("wx-other:access_token", client.get_access_token(), time.time() + 3600)
    seen: list[tuple[str, int]] = []
    other = WeChatClient(
        "wx-other",
        "x",
        base_url=fake.url,
        token_store=store,
        on_error=lambda api, code: seen.append((api, code)),
    )
    with pytest.raises(WeChatError) as info:
        other.get_phone_number("mock-phone:13800138000")
    assert info.value.errcode == -3
    assert seen == [("get_phone_number", -3)]


def test_failing_on_error_hook_is_ignored(fake: FakeWeChatServer, make_client: Any) -> None:
    def hook(api: str, errcode: int) -> None:
        raise RuntimeError("metrics backend down")

    wx = make_client(fake, on_error=hook)
    fake.inject_fault("busy", count=1)
    assert wx.code_to_session("mock:lee").openid == "mock-lee"


def test_subscribe_message_is_recorded(client: WeChatClient, fake: FakeWeChatServer) -> None:
    client.send_subscribe_message(
        "mock-helen",
        "tpl-bid",
        {"thing1": "项目中标通知", "date2": "2026-11-25"},
        page="pages/bid/detail?id=7",
        miniprogram_state="trial",
        lang="zh_CN",
    )
    assert fake.sent_messages() == [
        {
            "touser": "mock-helen",
            "template_id": "tpl-bid",
            "data": {"thing1": {"value": "项目中标通知"}, "date2": {"value": "2026-11-25"}},
            "page": "pages/bid/detail?id=7",
            "miniprogram_state": "trial",
            "lang": "zh_CN",
        }
    ]


@pytest.mark.parametrize("touser", ["mock-unsubscribed", "mock-unsub-42"])
def test_subscribe_not_subscribed(
    client: WeChatClient, fake: FakeWeChatServer, touser: str
) -> None:
    with pytest.raises(NotSubscribed) as info:
        client.send_subscribe_message(touser, "tpl-1", {"thing1": "x"})
    assert info.value.errcode == 43101
    assert fake.sent_messages() == []


@pytest.mark.parametrize(
    ("template_id", "data", "page", "errcode"),
    [
        ("", {"thing1": "x"}, None, 40037),
        ("tpl", {}, None, 47003),
        ("tpl", {"a": "b"}, "pages/mock-missing", 41030),
    ],
)
def test_subscribe_template_errors(
    client: WeChatClient, template_id: str, data: dict[str, str], page: str | None, errcode: int
) -> None:
    with pytest.raises(TemplateError) as info:
        client.send_subscribe_message("mock-ivan", template_id, data, page=page)
    assert info.value.errcode == errcode


@pytest.mark.parametrize(
    ("content", "suggest", "label"),
    [
        ("今天天气很好", "pass", 100),
        ("这里有待审词", "review", 20012),
        ("含有违禁词的内容", "risky", 21000),
    ],
)
def test_check_text(client: WeChatClient, content: str, suggest: str, label: int) -> None:
    result = client.check_text(content, "mock-jane", scene=3)
    assert (result.suggest, result.label) == (suggest, label)
    assert result.trace_id
    assert result.passed is (suggest == "pass")


def test_check_text_blocked_words_are_configurable(
    client: WeChatClient, fake: FakeWeChatServer
) -> None:
    fake.set_blocked_words(["广告"])
    assert client.check_text("含有违禁词的内容", "mock-jane").suggest == "pass"
    assert client.check_text("加我看广告", "mock-jane").suggest == "risky"


def test_unlimited_code_is_png(client: WeChatClient) -> None:
    image = client.get_unlimited_code("station=17", page="pages/station/detail", width=280)
    width, height, _ = _decode_png(image)
    assert width == height and 200 <= width <= 280
    other = client.get_unlimited_code("station=18", page="pages/station/detail", width=280)
    assert _decode_png(other)[2] != _decode_png(image)[2]


@pytest.mark.parametrize("scene", ["", "x" * 33, "站点=17", "a b", "100%"])
def test_unlimited_code_bad_scene(client: WeChatClient, scene: str) -> None:
    with pytest.raises(WeChatError) as info:
        client.get_unlimited_code(scene)
    assert info.value.errcode == 40169
    assert not isinstance(info.value, TransportError)


# ---------------------------------------------------------------- logging


def test_logs_never_contain_secrets(
    fake: FakeWeChatServer, make_client: Any, caplog: pytest.LogCaptureFixture, closed_port: int
) -> None:
    caplog.set_level(logging.DEBUG, logger="wxclient")
    wx = make_client(fake)
    js_code = "mock-once:leakcheck7f3a"
    session = wx.code_to_session(js_code)
    errors: list[str] = []
    for call in (
        lambda: wx.code_to_session(js_code),
        lambda: wx.code_to_session("mock-once-bad:zz9"),
    ):
        with pytest.raises(WeChatError) as info:
            call()
        errors.append(str(info.value) + repr(info.value))
    token = wx.get_access_token()
    fake.inject_fault("token_invalid", count=1)
    phone = wx.get_phone_number("mock-phone:13912345678")
    fake.inject_fault("busy", count=1)
    wx.send_subscribe_message(session.openid, "tpl-1", {"thing1": "x"})
    fake.inject_fault("http_500", count=1)
    wx.check_text("hello", session.openid)
    refused = WeChatClient(
        fake.appid, fake.secret, base_url=f"http://127.0.0.1:{closed_port}", busy_retries=0
    )
    with pytest.raises(TransportError) as info:
        refused.code_to_session(js_code)
    errors.append(str(info.value) + repr(info.value))

    handler = caplog.handler
    records = [r for r in caplog.records if r.name.startswith("wxclient")]
    assert any("/sns/jscode2session" in r.getMessage() for r in records)
    text = "\n".join(handler.format(r) for r in records) + "\n".join(errors)
    for secret in (
        fake.secret,
        session.session_key,
        token,
        js_code,
        phone.phone_number,
        "mock-once-bad:zz9",
    ):
        assert secret not in text
