"""Keyset pagination for every list: `limit` + opaque `cursor` → `{"items", "next_cursor"}`.

A list service builds its filtered `select(...)` and hands it to `keyset_page` with the key
columns it is ordered by (unique as a whole, the last one usually the id). The cursor is the
key of the last item shown, base64url JSON; a mangled cursor is a 422, never a 500.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
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
# what a 64-bit key column can hold; a bigger number in a cursor overflows the driver
_INT_RANGE = range(-(2**63), 2**63)


class ListQuerySchema(StrictSchema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=validate.Length(max=512))


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


def encode_cursor(values: Sequence[Any]) -> str:
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _python_type(column) -> type:
    kind = column.type
    while isinstance(kind, TypeDecorator):  # UTCDateTime: its impl says what it holds
        kind = kind.impl
    return kind.python_type


def decode_cursor(cursor: str | None, columns: Sequence) -> list[Any] | None:
    """Opaque cursor → one value per key column, each checked against the column's type."""
    if not cursor:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise _invalid_cursor() from None
    if not isinstance(data, list) or len(data) != len(columns):
        raise _invalid_cursor()
    values = []
    for value, column in zip(data, columns, strict=True):
        kind = _python_type(column)
        if kind is int and (not isinstance(value, int) or isinstance(value, bool)
                            or value not in _INT_RANGE):
            raise _invalid_cursor()
        if kind is str and not isinstance(value, str):
            raise _invalid_cursor()
        if kind is datetime:
            try:
                value = datetime.fromisoformat(value)
                # aware, and still a datetime once in UTC (0001-01-01T00:00+14:00 is not)
                value = value.astimezone(UTC) if value.tzinfo is not None else None
            except (TypeError, ValueError, OverflowError):
                raise _invalid_cursor() from None
            if value is None:
                raise _invalid_cursor()
        values.append(value)
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
