"""Subscribe-message field values cut to WeChat's per-type limits (WECHAT.md §4b)."""

from __future__ import annotations

import re
from datetime import datetime

from app.core.time import SHANGHAI

LIMITS = {"thing": 20, "number": 32, "letter": 32, "symbol": 5, "character_string": 32,
          "phrase": 5, "name": 10, "car_number": 8, "phone_number": 17}
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def field_type(key: str) -> str:
    """thing1 → thing; character_string2 → character_string."""
    return key.rstrip("0123456789")


def fit(key: str, value: object) -> str:
    text = CONTROL.sub(" ", str(value)).strip()
    kind = field_type(key)
    if kind in ("time", "date"):
        return text
    if kind == "amount":
        return text[:11]
    limit = LIMITS.get(kind)
    if limit is None:
        return text
    if len(text) > limit:
        text = text[: limit - 1] + "…" if kind == "thing" else text[:limit]
    return text


def render(fields: dict[str, str], data: dict, now: datetime) -> dict[str, str]:
    """Template field → value from the outbox data, fitted to the field's type."""
    values = {}
    for key, source in fields.items():
        if source == "$time":
            value = now.astimezone(SHANGHAI).strftime("%Y年%m月%d日 %H:%M")
        else:
            value = data.get(source, "")
        values[key] = fit(key, value) or "-"
    return values
