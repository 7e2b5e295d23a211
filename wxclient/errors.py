"""Exception hierarchy for WeChat server API failures, keyed by WeChat ``errcode``."""

from __future__ import annotations

__all__ = [
    "CODE_EXCHANGE_ERRCODES",
    "INVALID_REPLY_ERRCODE",
    "TRANSPORT_ERRCODE",
    "InvalidCode",
    "NotSubscribed",
    "RateLimited",
    "SystemBusy",
    "TemplateError",
    "TokenInvalid",
    "TransportError",
    "WeChatError",
    "error_for",
]

#: Pseudo errcode for network failures, timeouts, HTTP 5xx and non-JSON replies.
TRANSPORT_ERRCODE = -2
#: Pseudo errcode for a reply that parsed but failed validation (e.g. foreign watermark appid).
INVALID_REPLY_ERRCODE = -3


class WeChatError(Exception):
    """A failed WeChat API call.

    ``errcode``/``errmsg`` are WeChat's values (or a negative pseudo code for local failures).
    The message never contains the app secret, a session key or an access token: the client
    builds it only from WeChat's ``errmsg`` after redacting known secrets.
    """

    def __init__(self, errcode: int, errmsg: str = "", api: str | None = None) -> None:
        self.errcode = int(errcode)
        self.errmsg = str(errmsg)
        self.api = api
        super().__init__(self.errcode, self.errmsg)

    def __str__(self) -> str:
        where = f"{self.api}: " if self.api else ""
        return f"{where}errcode={self.errcode} errmsg={self.errmsg}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(errcode={self.errcode!r}, errmsg={self.errmsg!r})"


class InvalidCode(WeChatError):
    """The login/phone code is invalid, expired or already used (40029, 40163)."""


class RateLimited(WeChatError):
    """Frequency limit reached (45011)."""


class TokenInvalid(WeChatError):
    """The access_token is invalid, not the latest, or expired (40001, 40014, 42001)."""


class SystemBusy(WeChatError):
    """WeChat reported a transient system error (-1)."""


class NotSubscribed(WeChatError):
    """The user has no remaining subscription for this template (43101)."""


class TemplateError(WeChatError):
    """Bad template id, template data or page (40037, 47003, 41030)."""


class TransportError(WeChatError):
    """Connection error, timeout, HTTP 5xx or a non-JSON reply (errcode -2 by convention).

    ``maybe_delivered`` is False only when the request surely never reached the server
    (connection refused or connect timeout), so even a non-idempotent call may be resent.
    """

    maybe_delivered: bool = True


_BY_CODE: dict[int, type[WeChatError]] = {
    40029: InvalidCode,
    40163: InvalidCode,
    45011: RateLimited,
    40001: TokenInvalid,
    40014: TokenInvalid,
    42001: TokenInvalid,
    -1: SystemBusy,
    43101: NotSubscribed,
    40037: TemplateError,
    47003: TemplateError,
    41030: TemplateError,
}

#: Extra codes that mean "bad code" on code-exchange APIs (jscode2session, getuserphonenumber):
#: 41008 = code missing, 40226 = high-risk user refused, plus the general 40029/40163.
CODE_EXCHANGE_ERRCODES = frozenset({40029, 40163, 41008, 40226})


def error_for(
    errcode: int, errmsg: str = "", api: str | None = None, *, code_exchange: bool = False
) -> WeChatError:
    """Build the most specific :class:`WeChatError` subclass for ``errcode``.

    With ``code_exchange=True`` (login or phone code APIs) the wider
    :data:`CODE_EXCHANGE_ERRCODES` set maps to :class:`InvalidCode`.
    """
    errcode = int(errcode)
    if errcode == TRANSPORT_ERRCODE:
        return TransportError(errcode, errmsg, api)
    if code_exchange and errcode in CODE_EXCHANGE_ERRCODES:
        return InvalidCode(errcode, errmsg, api)
    cls = _BY_CODE.get(errcode, WeChatError)
    return cls(errcode, errmsg, api)
