"""Keyset pagination for every list: `limit` + opaque `cursor` → `{"items", "next_cursor"}`.

A list service builds its filtered `select(...)` and hands it to `keyset_page` with the key
columns it is ordered by (unique as a whole, the last one usually the id). The cursor is the
key of the last item shown, written so that its whole grammar is a regular expression the
OpenAPI document states (`cursor_field(*kinds)`): each key value in decimal, an integer as it
is, a time as microseconds since 1970-01-01 UTC, joined by `.` (`1764581234567890.42`). Every
string the pattern admits decodes to valid key values, so a schema-valid cursor is never
refused; anything else is a 422 (`validation_error` on `cursor`), never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from marshmallow import Schema, fields, validate
from sqlalchemy import Select, literal, tuple_
from sqlalchemy.types import TypeDecorator

from app.core.http import StrictSchema
from app.core.i18n import N_
from app.errors import Invalid
from app.extensions import db

T = TypeVar("T")
MAX_LIMIT = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# one key value each: 18 digits stay inside a 64-bit key column; 17 digits of microseconds
# reach the year 5138, far inside what a datetime holds
_PARTS: dict[type, str] = {int: "[0-9]{1,18}", datetime: "[0-9]{1,17}"}
CURSOR_MESSAGE = N_("Start again from the first page.")


def cursor_pattern(*kinds: type) -> str:
    """The regular expression of the cursors over keys of these Python types."""
    return "^" + r"\.".join(_PARTS[kind] for kind in kinds) + "$"


def cursor_field(*kinds: type) -> fields.String:
    """The `cursor` query field of a list keyed by columns of these types (`int`, `datetime`)."""
    return fields.String(load_default=None,
                         validate=validate.Regexp(cursor_pattern(*kinds), error=CURSOR_MESSAGE),
                         metadata={"description": "`next_cursor` of the previous page"})


class ListQuerySchema(StrictSchema):
    """`limit` and the cursor of a list keyed by its integer id; a list keyed otherwise
    declares `cursor = cursor_field(datetime, int)` (its key columns' types)."""

    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = cursor_field(int)


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """`{"items": [item, …], "next_cursor": str | null}` — the shape of every keyset page."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item), required=True),
        "next_cursor": fields.String(allow_none=True),
    }, name=name)


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"items": self.items, "next_cursor": self.next_cursor}


def _invalid_cursor() -> Invalid:
    return Invalid("The cursor is not valid.",
                   details={"fields": {"cursor": [N_("Start again from the first page.")]}})


def _encode_value(value: Any) -> str:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return str((aware - _EPOCH) // _MICROSECOND)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**18:
        return str(value)
    raise TypeError(f"a cursor holds integer ids and times, not {value!r}")


def encode_cursor(values: Sequence[Any]) -> str:
    return ".".join(_encode_value(value) for value in values)


def _python_type(column) -> type:
    kind = column.type
    while isinstance(kind, TypeDecorator):  # UTCDateTime: its impl says what it holds
        kind = kind.impl
    return kind.python_type


def decode_cursor(cursor: str | None, columns: Sequence) -> list[Any] | None:
    """Cursor → one value per key column, read by the column's type (`cursor_pattern`)."""
    if not cursor:
        return None
    parts = cursor.split(".")
    if len(parts) != len(columns):
        raise _invalid_cursor()
    values: list[Any] = []
    for part, column in zip(parts, columns, strict=True):
        kind = _python_type(column)
        if kind not in _PARTS:
            raise TypeError(f"a cursor key column holds integers or times, not {kind}")
        if not re.fullmatch(_PARTS[kind], part):
            raise _invalid_cursor()
        number = int(part)
        values.append(_EPOCH + number * _MICROSECOND if kind is datetime else number)
    return values


def keyset_page(query: Select, *, keys: Sequence, limit: int, cursor: str | None,
                descending: bool = False, rows: bool = False,
                key_of: Callable[[Any], Sequence[Any]] | None = None) -> Page:
    """One page of `query` ordered by `keys`, after the cursor's key.

    `rows=False` returns the first entity of each row (`scalars`), `rows=True` whole rows.
    `key_of(item)` gives an item's key values; by default the key columns' attribute names
    read off the item (or off the row's first entity).
    """
    after = decode_cursor(cursor, keys)
    if after is not None:
        if len(keys) == 1:
            condition = keys[0] < after[0] if descending else keys[0] > after[0]
        else:
            # each value bound with its column's type (UTCDateTime stores naive UTC on SQLite)
            bound = tuple_(*[literal(value, type_=key.type)
                             for value, key in zip(after, keys, strict=True)])
            condition = tuple_(*keys) < bound if descending else tuple_(*keys) > bound
        query = query.where(condition)
    order = [key.desc() for key in keys] if descending else list(keys)
    query = query.order_by(*order).limit(limit + 1)
    found = list(db.session.execute(query) if rows else db.session.scalars(query))
    if len(found) <= limit:
        return Page(found, None)
    items = found[:limit]
    if key_of is None:
        names = [key.key for key in keys]

        def key_of(item):
            entity = item[0] if rows else item
            return [getattr(entity, name) for name in names]

    return Page(items, encode_cursor(key_of(items[-1])))
