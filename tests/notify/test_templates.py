"""Subscribe-message values formatted by their type (WECHAT.md §4b), or refused before sending.

Every value `fit` returns is also checked by `wxclient.values` — the rules the fake WeChat
answers 47003 by — so what passes here is what WeChat accepts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.notify.templates import ValueRefused, fit, render
from wxclient.values import problem

NOW = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 2026-12-02 00:30 in Shanghai


@pytest.mark.parametrize(
    ("key", "value", "sent"),
    [
        ("number1", 12, "12"),
        ("number1", "12.50", "12.50"),
        ("number1", "１２", "12"),  # full-width digits become ASCII
        ("letter2", "abc", "abc"),
        ("phrase3", "已通过", "已通过"),
        ("car_number4", "青A·12345", "青A12345"),
        ("car_number4", "粤b 1234学", "粤B1234学"),
        ("date5", NOW, "2026年12月02日 00:30"),
        ("date5", "2026-12-01T16:30:00Z", "2026年12月02日 00:30"),
        ("date5", "2026-12-01T16:30:00", "2026年12月02日 00:30"),  # naive = UTC, as stored
        ("date5", date(2026, 12, 1), "2026年12月01日"),
        ("date5", "2026-12-01", "2026年12月01日"),
        ("date5", "2026年12月1日", "2026年12月1日"),
        ("time6", NOW, "2026年12月02日 00:30"),
        ("time6", "15:01", "15:01"),
        ("amount7", 12345, "¥123.45"),
        ("amount7", 5, "¥0.05"),
        ("amount7", 123456789012, "¥1234567890.12"),  # 10 digits of yuan: the most
        ("amount7", "¥123456789.00元", "¥123456789.00元"),  # not cut to "¥123456789."
        ("amount7", "123.5", "¥123.5"),
        ("name8", "张三丰", "张三丰"),
        ("name8", "欧阳" + "娜" * 10, "欧阳" + "娜" * 8),  # Chinese: 10
        ("name8", "Alexandra Whitfield", "Alexandra Whitfield"),  # Latin: 20, not 10
        ("name8", "Alexandra Whitfield-Smith", "Alexandra Whitfield-"),
        ("name8", "李Anna", "李Anna"),  # mixed counts as Chinese
        ("thing9", "一个超过二十个字符的非常非常长的通知标题会被截断",
         "一个超过二十个字符的非常非常长的通知标…"),
        ("thing9", "第一行\n第二行", "第一行 第二行"),
        ("phone_number10", "138 1234 5678", "13812345678"),
        ("phone_number10", "+86-0766-66888866", "+86-0766-66888866"),
        ("character_string11", "NO.2026-001", "NO.2026-001"),
        ("symbol12", "%", "%"),
    ],
)
def test_values_are_formatted_by_type(key: str, value: object, sent: str) -> None:
    assert fit(key, value) == sent
    assert problem(key.rstrip("0123456789"), sent) is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("number1", "12a"),
        ("number1", True),
        ("letter2", "abc123"),
        ("phrase3", "approved"),  # never cut to "appro"
        ("phrase3", "审核已经通过了"),  # a cut status would mislead
        ("date5", "明天"),
        ("time6", "明天"),
        ("time6", date(2026, 12, 1)),  # a date alone is no time
        ("thing9", ""),  # empty is refused, never sent as "-"
        ("thing9", None),
        ("number1", "   "),
        ("amount7", 1234567890123),  # 11 digits of yuan
        ("amount7", -100),
        ("amount7", "一百元"),
        ("name8", "R2-D2"),
        ("car_number4", "青A12345678"),
        ("phone_number10", "call me"),
        ("symbol12", "abc"),
    ],
)
def test_values_that_cannot_be_made_valid_are_refused(key: str, value: object) -> None:
    with pytest.raises(ValueRefused) as info:
        fit(key, value)
    assert info.value.key == key and info.value.reason


def test_render_fills_the_send_time_in_shanghai() -> None:
    values = render({"thing1": "title", "time2": "$time"}, {"title": "入会申请通过"}, NOW)
    assert values == {"thing1": "入会申请通过", "time2": "2026年12月02日 00:30"}


def test_render_refuses_a_missing_value() -> None:
    with pytest.raises(ValueRefused) as info:
        render({"thing1": "title", "number2": "count"}, {"title": "x"}, NOW)
    assert info.value.key == "number2"
