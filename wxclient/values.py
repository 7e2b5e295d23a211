"""Which subscribe-message values WeChat accepts, per value type (WECHAT.md §4b).

One rule set, used by the fake server (it answers 47003 for a value breaking its type, as
WeChat does) and by the app before it sends (a value that cannot be made valid is not sent).
A template field's type is its key without the trailing digits: ``thing1`` → ``thing``,
``character_string2`` → ``character_string``. Standard library only.
"""

from __future__ import annotations

import re

__all__ = ["CJK", "SYMBOLS", "field_type", "is_cjk", "problem"]

# "Symbols": printable ASCII punctuation and the common full-width / CJK punctuation.
SYMBOLS = frozenset(
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~·•—–…、。，．：；！？（）【】《》「」『』“”‘’～￥¥€£"
)
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

_NUMBER_RE = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
_LETTER_RE = re.compile(r"^[A-Za-z]+$")
_AMOUNT_RE = re.compile(r"^[¥￥$€£]([0-9]{1,10})(?:\.[0-9]{1,2})?元?$")
_PHONE_RE = re.compile(r"^[0-9+\-()]*[0-9][0-9+\-()]*$")
_CAR_RE = re.compile(f"^[{CJK}]?[A-Za-z0-9]+[{CJK}]?$")
_PHRASE_RE = re.compile(f"^[{CJK}]{{1,5}}$")

_HM = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?"
_MM = r"(?:0[1-9]|1[0-2])"
_DD = r"(?:0[1-9]|[12][0-9]|3[01])"
_YMD_CN = r"[0-9]{4}年(?:0?[1-9]|1[0-2])月(?:0?[1-9]|[12][0-9]|3[01])日"
_DATE = (
    rf"(?:[0-9]{{4}}-{_MM}-{_DD}|[0-9]{{4}}/{_MM}/{_DD}|[0-9]{{4}}\.{_MM}\.{_DD}"
    rf"|[0-9]{{4}}-{_MM}|{_MM}-{_DD}|{_YMD_CN})"
)
_DATE_ONE = rf"{_DATE}(?: ?{_HM})?"
_TIME_ONE = rf"(?:{_DATE} ?)?{_HM}"
_DATE_RE = re.compile(rf"^{_DATE_ONE}(?: ?~ ?{_DATE_ONE})?$")
_TIME_RE = re.compile(rf"^{_TIME_ONE}(?: ?~ ?{_TIME_ONE})?$")


def field_type(key: str) -> str:
    """thing1 → thing; character_string2 → character_string."""
    return key.rstrip("0123456789")


def is_cjk(char: str) -> bool:
    return bool(_CJK_RE.match(char))


def _is_symbol(char: str) -> bool:
    return char in SYMBOLS


def _name_problem(value: str) -> str | None:
    if any(c.isdigit() for c in value):
        return "a name has no digits"
    if any(is_cjk(c) for c in value):  # Chinese or mixed: counted as a Chinese name
        if any(not (is_cjk(c) or c.isalpha() or _is_symbol(c) or c == " ") for c in value):
            return "a name is Chinese characters, letters or symbols"
        return "a Chinese name has at most 10 characters" if len(value) > 10 else None
    if any(
        not (("A" <= c <= "Z") or ("a" <= c <= "z") or _is_symbol(c) or c == " ") for c in value
    ):
        return "a Latin name is letters and symbols"
    return "a Latin name has at most 20 characters" if len(value) > 20 else None


def problem(kind: str, value: object) -> str | None:
    """Why WeChat would refuse ``value`` for a field of type ``kind``; None when valid.

    ``enum`` values (only the template's own list) and unknown types are checked only for
    being a non-empty single-line text.
    """
    if not isinstance(value, str):
        return "the value is not a text"
    if not value.strip():
        return "the value is empty"
    if _CONTROL_RE.search(value):
        return "the value has a line break or control character"
    n = len(value)
    if kind == "thing":
        return "at most 20 characters" if n > 20 else None
    if kind == "number":
        if not _NUMBER_RE.match(value):
            return "only digits, with an optional decimal point"
        return "at most 32 digits" if n > 32 else None
    if kind == "letter":
        if not _LETTER_RE.match(value):
            return "only letters"
        return "at most 32 letters" if n > 32 else None
    if kind == "symbol":
        if not all(_is_symbol(c) for c in value):
            return "only symbols"
        return "at most 5 symbols" if n > 5 else None
    if kind == "character_string":
        if not all(c.isascii() and (c.isalnum() or _is_symbol(c)) for c in value):
            return "only digits, letters and symbols"
        return "at most 32 characters" if n > 32 else None
    if kind == "time":
        return None if _TIME_RE.match(value) else "a 24-hour time, optionally after a date"
    if kind == "date":
        return None if _DATE_RE.match(value) else "a date such as 2026-01-31 or 2026年1月31日"
    if kind == "amount":
        return (
            None
            if _AMOUNT_RE.match(value)
            else ("one currency symbol and at most 10 digits, such as ¥123.45")
        )
    if kind == "phone_number":
        if not _PHONE_RE.match(value):
            return "only digits and + - ( )"
        return "at most 17 characters" if n > 17 else None
    if kind == "car_number":
        if not _CAR_RE.match(value):
            return "letters and digits, Chinese only first or last"
        return "at most 8 characters" if n > 8 else None
    if kind == "name":
        return _name_problem(value)
    if kind == "phrase":
        return None if _PHRASE_RE.match(value) else "at most 5 Chinese characters"
    return None
