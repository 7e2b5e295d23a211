"""Request fields every domain uses: version, money, coordinates, bounded text, days, the
personal numbers a person gives (mobile, bank account), and the output fields shared by shapes.

One definition each, so a bound (the largest amount, the longest title) is the same on every
endpoint that takes it and in the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from marshmallow import ValidationError, fields, missing, validate
from marshmallow.utils import get_value

from app.core.contract import domain_rule
from app.core.i18n import N_
from app.core.labels import code_label

MAX_VERSION = 2**31 - 1
# ten billion yuan: far above any budget, far below a 64-bit overflow in sums
MAX_FEN = 10**12
# the years of `day` (2000 … 2100) as the document states them next to `format: date`
DAY_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def version_field(**kwargs) -> fields.Integer:
    """The version the caller saw; a stale one gets 409 `stale_version`."""
    kwargs.setdefault("required", True)
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_VERSION), **kwargs)


def fen_field(*, minimum: int = 0, **kwargs) -> fields.Integer:
    """Money in integer fen: a JSON integer (never a string or a float), 0 … MAX_FEN."""
    return fields.Integer(strict=True, validate=validate.Range(min=minimum, max=MAX_FEN), **kwargs)


def lat_field(**kwargs) -> fields.Float:
    return fields.Float(allow_nan=False, validate=validate.Range(-90, 90), **kwargs)


def lng_field(**kwargs) -> fields.Float:
    return fields.Float(allow_nan=False, validate=validate.Range(-180, 180), **kwargs)


def no_control_characters(value: str) -> None:
    """Text a person typed: no NUL (PostgreSQL refuses it) nor other control characters."""
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
        raise ValidationError("must not contain control characters")


def text(max_length: int, *, min_length: int = 1, **kwargs) -> fields.String:
    """Bounded text; `validate=` adds validators after the length and character checks."""
    extra = kwargs.pop("validate", None)
    validators = [validate.Length(min=min_length, max=max_length), no_control_characters]
    if extra is not None:
        validators.extend(extra if isinstance(extra, list | tuple) else [extra])
    return fields.String(validate=validators, **kwargs)


class ListParam(fields.List):
    """A list filter in a query string, taken in both spellings and any mix of them:
    `services=a,b`, `services=a&services=b` (documented as the repeated form). A lone empty
    value (`services=`) is the empty list."""

    is_multiple = True  # webargs hands over every value of a repeated key
    delimiter = ","

    def __init__(self, inner, **kwargs):
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("description", "repeat the parameter or separate values with "
                                           "commas (`a,b`)")
        super().__init__(inner, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        values = value if isinstance(value, list | tuple) else [value]
        if not all(isinstance(item, str) for item in values):
            raise self.make_error("invalid")
        parts = [] if values in ([""], ("",)) else [
            part for item in values for part in item.split(self.delimiter)]
        return super()._deserialize(parts, attr, data, **kwargs)


def split_list_param(values: list[str]) -> list[str]:
    """`ListParam`'s reading of a key's raw values (fast parsers of hot query strings)."""
    if values == [""]:
        return []
    return [part for item in values for part in item.split(",")]


ID_NUMBER_PATTERN = "^[0-9]{17}[0-9Xx]$"


def id_number_field(**kwargs) -> fields.String:
    """A resident ID number (GB 11643): its shape stated in the document; the check digit,
    the birth date and the region code are checked by `core.idcard` (a 422 on this field)."""
    metadata = domain_rule("GB 11643 check digit, a birth date from 1900 to today and a "
                           "GB/T 2260 region code", pattern=ID_NUMBER_PATTERN,
                           **kwargs.pop("metadata", {}))
    return fields.String(validate=validate.Length(min=1, max=32), metadata=metadata, **kwargs)


MOBILE_PATTERN = r"^1[0-9]{10}$"


def mobile_field(**kwargs) -> fields.String:
    """A mainland mobile number a person gives to be called back on (11 digits from 1)."""
    return fields.String(validate=validate.Regexp(MOBILE_PATTERN), **kwargs)


def bank_account_number(**kwargs) -> fields.String:
    """The number of a bank account aid is paid into (8 to 30 digits, card or passbook)."""
    return fields.String(validate=validate.Regexp(r"^[0-9]{8,30}$"), **kwargs)


def day(**kwargs) -> fields.Date:
    """A calendar day (Asia/Shanghai) within a sane range (the years stated as a pattern too)."""
    metadata = {"pattern": DAY_PATTERN, **kwargs.pop("metadata", {})}
    return fields.Date(validate=validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31)),
                       metadata=metadata, **kwargs)


def calendar_month(**kwargs) -> fields.String:
    """A calendar month `YYYY-MM` within the same range as `day` (2000-01 … 2100-12)."""
    message = N_("Use a month between 2000-01 and 2100-12, like 2026-11.")
    return fields.String(validate=validate.Regexp(r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$",
                                                  error=message),
                         metadata={"example": "2026-11"}, **kwargs)


class Masked(fields.String):
    """Output: a personal number shown masked (`mask(value)`, e.g. `crypto.mask_phone`),
    documented as the plain string it is (a `fields.Function` would mark it readOnly)."""

    def __init__(self, mask, **kwargs):
        super().__init__(**kwargs)
        self.mask = mask

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(self.mask(value), attr, obj, **kwargs)


class Inline(fields.Nested):
    """Output: a nested shape read off the same object (e.g. the row's bank columns)."""

    def get_value(self, obj, attr, accessor=None, default=missing):
        return obj


class Nest(fields.Nested):
    """Output: a nested object made of flat attributes of the dumped row (a joined SELECT's
    labelled columns), e.g. `Nest(OrgRef, id="org_id", name="org_name")`; documented as the
    nested schema."""

    def __init__(self, nested, *, required: bool = False, allow_none: bool = False,
                 metadata: dict | None = None, **sources: str):
        super().__init__(nested, required=required, allow_none=allow_none, metadata=metadata)
        self.sources = sources

    def get_value(self, obj, attr, accessor=None, default=None):
        return {key: getattr(obj, source) for key, source in self.sources.items()}


class Label(fields.String):
    """Output: the label of the code at `source` (an attribute, dotted path or key) in the
    request's language (`status_label`
    next to `status`: `Label(PROJECT_STATUSES, source="status")`), documented as a string.
    An unknown code is shown as it is."""

    def __init__(self, vocabulary: Mapping[str, str], *, source: str, **kwargs) -> None:
        kwargs.setdefault("required", True)
        super().__init__(**kwargs)
        self.vocabulary, self.source = vocabulary, source

    def get_value(self, obj, attr, accessor=None, default=None):
        return code_label(self.vocabulary, get_value(obj, self.source))


class Labels(fields.List):
    """Output: the labels of the codes in the list `source`, in the same order."""

    def __init__(self, vocabulary: Mapping[str, str], *, source: str, **kwargs) -> None:
        kwargs.setdefault("required", True)
        super().__init__(fields.String(), **kwargs)
        self.vocabulary, self.source = vocabulary, source

    def get_value(self, obj, attr, accessor=None, default=None):
        return [code_label(self.vocabulary, code) for code in get_value(obj, self.source) or ()]
