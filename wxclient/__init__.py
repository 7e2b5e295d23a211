"""Thin typed client of the WeChat mini-program server API (no Flask dependency).

The bundled fake server lives in :mod:`wxclient.fake` and is not imported here.
"""

from .breaker import CircuitBreaker, CircuitOpen
from .client import PNG_SIGNATURE, WeChatClient
from .errors import (
    InvalidCode,
    NotSubscribed,
    RateLimited,
    SystemBusy,
    TemplateError,
    TokenInvalid,
    TransportError,
    WeChatError,
    error_for,
)
from .models import PhoneInfo, SessionInfo, TextCheck
from .tokens import MemoryTokenStore, RedisTokenStore, TokenStore

__all__ = [
    "PNG_SIGNATURE",
    "CircuitBreaker",
    "CircuitOpen",
    "InvalidCode",
    "MemoryTokenStore",
    "NotSubscribed",
    "PhoneInfo",
    "RateLimited",
    "RedisTokenStore",
    "SessionInfo",
    "SystemBusy",
    "TemplateError",
    "TextCheck",
    "TokenInvalid",
    "TokenStore",
    "TransportError",
    "WeChatClient",
    "WeChatError",
    "error_for",
]
