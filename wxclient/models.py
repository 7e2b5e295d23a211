"""Result dataclasses returned by :class:`~wxclient.client.WeChatClient`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["PhoneInfo", "SessionInfo", "TextCheck"]


@dataclass(frozen=True)
class SessionInfo:
    """Result of ``code_to_session``; ``session_key`` is secret and hidden from ``repr``."""

    openid: str
    session_key: str = field(repr=False)
    unionid: str | None = None

    def __repr__(self) -> str:
        return f"SessionInfo(openid={self.openid!r}, session_key='***', unionid={self.unionid!r})"


def _mask(number: str) -> str:
    if len(number) <= 7:
        return "***"
    return f"{number[:3]}****{number[-4:]}"


@dataclass(frozen=True)
class PhoneInfo:
    """Result of ``get_phone_number``; ``repr`` masks the middle digits."""

    phone_number: str
    pure_phone_number: str
    country_code: str

    def __repr__(self) -> str:
        return (
            f"PhoneInfo(phone_number={_mask(self.phone_number)!r}, "
            f"pure_phone_number={_mask(self.pure_phone_number)!r}, "
            f"country_code={self.country_code!r})"
        )


@dataclass(frozen=True)
class TextCheck:
    """Result of ``check_text`` (msg_sec_check v2): ``suggest`` is pass, review or risky."""

    suggest: str
    label: int
    trace_id: str | None = None
    detail: list[dict[str, Any]] = field(default_factory=list, compare=False)

    @property
    def passed(self) -> bool:
        """True only when WeChat suggests ``pass``."""
        return self.suggest == "pass"
