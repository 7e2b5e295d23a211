"""A stock client library (wechatpy 1.8.18, unmodified) runs against the fake WeChat server.

wechatpy calls the real host; the requests session it owns is given an adapter that sends
``https://api.weixin.qq.com`` to the fake instead, so every request is wechatpy's own.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from wxclient.fake import FakeWeChatServer

REAL = "https://api.weixin.qq.com"


class _ToFake(HTTPAdapter):
    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        request.url = self.base + str(request.url)[len(REAL) :]
        return super().send(request, **kwargs)


@pytest.fixture
def stock(fake: FakeWeChatServer) -> WeChatClient:
    wx = WeChatClient(fake.appid, fake.secret)
    wx._http.mount(REAL + "/", _ToFake(fake.url))
    return wx


def test_wechatpy_login_token_subscribe_and_text_check(
    stock: WeChatClient, fake: FakeWeChatServer
) -> None:
    session = stock.wxa.code_to_session("mock:wang")
    assert session["openid"] == "mock-wang" and session["session_key"]
    assert "unionid" not in session

    stock.wxa.send_subscribe_message(
        "mock-wang",
        "tpl-1",
        {"thing1": {"value": "入会申请通过"}, "phrase2": {"value": "已通过"}},
        page="pages/members/detail?id=3",
    )
    assert fake.call_count("/cgi-bin/token") == 1  # fetched once, then cached
    [sent] = fake.sent_messages()
    assert sent["data"]["phrase2"] == {"value": "已通过"}

    assert stock.wxa.check_text_security("你好")["errcode"] == 0
    with pytest.raises(WeChatClientException) as info:
        stock.wxa.check_text_security("这里有违禁词")
    assert info.value.errcode == 87014
    assert fake.call_count("/cgi-bin/token") == 1


def test_wechatpy_sees_what_wechat_refuses(stock: WeChatClient, fake: FakeWeChatServer) -> None:
    with pytest.raises(WeChatClientException) as info:
        stock.wxa.send_subscribe_message("mock-wang", "tpl-1", {"phrase1": {"value": "approved"}})
    assert info.value.errcode == 47003
    with pytest.raises(WeChatClientException) as info:
        stock.wxa.send_subscribe_message(
            "mock-wang", "tpl-1", {"thing1": {"value": "x"}}, page="/pages/a/b"
        )
    assert info.value.errcode == 41030
    with pytest.raises(WeChatClientException) as info:
        stock.wxa.code_to_session("junk")
    assert info.value.errcode == 40029
    assert fake.sent_messages() == []


def test_wechatpy_refetches_an_expired_token(stock: WeChatClient, fake: FakeWeChatServer) -> None:
    stock.wxa.check_text_security("你好")
    fake.expire_tokens()
    assert stock.wxa.check_text_security("你好")["errcode"] == 0  # auto_retry on 42001
    assert fake.call_count("/cgi-bin/token") == 2
