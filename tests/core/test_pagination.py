"""keyset_page: every row once, in order, on single and composite keys; bad cursors are 422."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.core.db import BigIntPK
from app.core.pagination import cursor_pattern, decode_cursor, encode_cursor, keyset_page
from app.core.time import UTCDateTime
from app.errors import Invalid
from app.extensions import db

START = datetime(2026, 11, 1, tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Entry(Base):
    __tablename__ = "kit_entries"
    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)  # as every table's id
    kind: Mapped[str] = mapped_column(String(8))
    waiting_since: Mapped[datetime] = mapped_column(UTCDateTime())


@pytest.fixture
def entries(app_ctx):
    Base.metadata.create_all(db.engine)
    # 23 rows, several sharing a time: the id breaks ties in the composite key
    db.session.add_all(Entry(id=n, kind="even" if n % 2 == 0 else "odd",
                             waiting_since=START + timedelta(hours=n // 3)) for n in range(1, 24))
    db.session.commit()
    yield
    db.session.remove()
    Base.metadata.drop_all(db.engine)


def walk(query, **options) -> tuple[list[int], int]:
    seen, cursor, pages = [], None, 0
    while True:
        found = keyset_page(query, limit=5, cursor=cursor, **options)
        pages += 1
        seen += [(item[0] if options.get("rows") else item).id for item in found.items]
        cursor = found.next_cursor
        if cursor is None:
            return seen, pages


@pytest.mark.parametrize("descending", [False, True])
def test_a_walk_by_id_sees_every_row_once_in_order(entries, descending):
    seen, pages = walk(select(Entry), keys=[Entry.id], descending=descending)
    assert seen == sorted(range(1, 24), reverse=descending) and pages == 5


def test_filters_stay_applied_on_every_page(entries):
    seen, _ = walk(select(Entry).where(Entry.kind == "odd"), keys=[Entry.id])
    assert seen == list(range(1, 24, 2))


@pytest.mark.parametrize("descending", [False, True])
def test_a_composite_key_with_a_time_pages_through_ties(entries, descending):
    seen, _ = walk(select(Entry), keys=[Entry.waiting_since, Entry.id], descending=descending)
    expected = sorted(range(1, 24), key=lambda n: (n // 3, n), reverse=descending)
    assert seen == expected


def test_rows_mode_pages_whole_rows(entries):
    seen, _ = walk(select(Entry, Entry.kind), keys=[Entry.id], rows=True)
    assert seen == list(range(1, 24))


def test_an_exact_fit_has_no_next_page(entries):
    found = keyset_page(select(Entry), keys=[Entry.id], limit=23, cursor=None)
    assert len(found.items) == 23 and found.next_cursor is None
    assert found.as_dict()["next_cursor"] is None


@pytest.mark.parametrize("cursor", [
    "%%%", "WzNd", "1.2", "-3", "3.", "+3", "1e3", "0x10", "\u0661\u0662", "9" * 19, " 3",
    "\u4e2d\u6587"])
def test_a_mangled_cursor_is_a_422(entries, cursor):
    with pytest.raises(Invalid) as refused:
        keyset_page(select(Entry), keys=[Entry.id], limit=5, cursor=cursor)
    assert refused.value.details == {"fields": {"cursor": ["Start again from the first page."]}}


@pytest.mark.parametrize("cursor", ["yesterday.3", "2026-11-01T00:00:00.3", "5", "1.2.3",
                                    "5.-3", "9" * 18 + ".3"])
def test_a_composite_cursor_with_a_bad_time_is_a_422(entries, cursor):
    with pytest.raises(Invalid):
        keyset_page(select(Entry), keys=[Entry.waiting_since, Entry.id], limit=5,
                    cursor=cursor)


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(single=st.from_regex(cursor_pattern(int), fullmatch=True),
       composite=st.from_regex(cursor_pattern(datetime, int), fullmatch=True))
def test_every_cursor_the_document_allows_decodes(entries, single, composite):
    """The pattern the OpenAPI document states is the whole grammar: a schema-valid cursor
    is never refused (nor a 500), whatever page it lands on."""
    keyset_page(select(Entry), keys=[Entry.id], limit=5, cursor=single)
    keyset_page(select(Entry), keys=[Entry.waiting_since, Entry.id], limit=5, cursor=composite)


def test_a_cursor_keeps_microseconds_and_reads_back_in_utc():
    when = datetime(2026, 11, 1, 8, 30, 15, 123456, tzinfo=UTC)
    cursor = encode_cursor([when, 42])
    assert re.fullmatch(cursor_pattern(datetime, int), cursor)
    assert decode_cursor(cursor, [Entry.waiting_since, Entry.id]) == [when, 42]
    with pytest.raises(TypeError):
        encode_cursor(["text"])
