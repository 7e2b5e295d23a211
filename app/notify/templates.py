"""Subscribe-message field values formatted by their type's rules (WECHAT.md §4b).

Each value is made into what its type allows — datetimes and ISO strings into times and dates
in Asia/Shanghai, fen into an amount, names cut by the Chinese/Latin rule, car numbers
normalised, a long `thing` shortened — and then checked by the one rule set WeChat's fake
also uses (`wxclient.values`). A value that cannot be made valid ("12a" as a number,
"approved" as a phrase, "明天" as a date) raises :class:`ValueRefused`: the message is not
sent, rather than sent and refused with 47003.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime

from app.core.time import SHANGHAI
from wxclient.values import field_type, is_cjk, problem

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
SPACES = re.compile(r"\s+")
CAR_SEPARATORS = re.compile(r"[\s·•・.\-]")
TIME_FORMAT = "%Y年%m月%d日 %H:%M"
DATE_FORMAT = "%Y年%m月%d日"

__all__ = ["ValueRefused", "field_type", "fit", "render"]


class ValueRefused(ValueError):
    """A value WeChat would refuse for its field's type, and no rule can make it valid."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


def _text(value: object) -> str:
    return SPACES.sub(" ", CONTROL.sub(" ", str(value))).strip()


def _as_datetime(value: object) -> datetime | date | None:
    """A datetime/date, or an ISO string of one; naive datetimes are UTC (how they are stored)."""
    if isinstance(value, datetime | date):
        parsed: datetime | date = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return parsed.date()
    else:
        return None
    if isinstance(parsed, datetime):
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(SHANGHAI)
    return parsed


def _time(value: object) -> str:
    moment = _as_datetime(value)
    if isinstance(moment, datetime):
        return moment.strftime(TIME_FORMAT)
    return _text(value)  # a date alone is no time: checked (and refused) as given


def _date(value: object) -> str:
    moment = _as_datetime(value)
    if isinstance(moment, datetime):
        return moment.strftime(TIME_FORMAT)
    if isinstance(moment, date):
        return moment.strftime(DATE_FORMAT)
    return _text(value)


def _amount(value: object) -> str:
    """Integer fen → ¥yuan.fen; a text amount is kept (a bare number gets the ¥)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        if value < 0:
            return str(value)
        return f"¥{value // 100}.{value % 100:02d}"
    text = _text(value).replace(",", "").replace(" ", "")
    if re.fullmatch(r"\d+(\.\d+)?元?", text):
        text = "¥" + text
    return text


def _number(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    return unicodedata.normalize("NFKC", _text(value)).replace(",", "")


def _name(value: object) -> str:
    text = _text(value)
    limit = 10 if any(is_cjk(c) for c in text) else 20
    return text[:limit].strip()


def _car_number(value: object) -> str:
    return CAR_SEPARATORS.sub("", unicodedata.normalize("NFKC", _text(value))).upper()


def _thing(value: object) -> str:
    text = _text(value)
    return text[:19] + "…" if len(text) > 20 else text


def _phone(value: object) -> str:
    return unicodedata.normalize("NFKC", _text(value)).replace(" ", "")


def _nfkc(value: object) -> str:
    """Full-width letters and digits become ASCII; nothing is cut."""
    return unicodedata.normalize("NFKC", _text(value))


FORMATTERS = {
    "thing": _thing,
    "time": _time,
    "date": _date,
    "amount": _amount,
    "number": _number,
    "name": _name,
    "car_number": _car_number,
    "phone_number": _phone,
    "letter": _nfkc,
    "character_string": _nfkc,
}


def fit(key: str, value: object) -> str:
    """The value formatted for the field's type; ValueRefused when WeChat would refuse it."""
    kind = field_type(key)
    if value is None:
        raise ValueRefused(key, "the value is empty")
    text = FORMATTERS.get(kind, _text)(value)
    reason = problem(kind, text)
    if reason is not None:
        raise ValueRefused(key, reason)
    return text


def render(fields: dict[str, str], data: dict, now: datetime) -> dict[str, str]:
    """Template field → value from the outbox data, formatted by the field's type.

    `$time` is the sending time. Raises ValueRefused for the first value that cannot be sent.
    """
    return {key: fit(key, now if source == "$time" else data.get(source))
            for key, source in fields.items()}
