"""The officer's to-do queue: one page of cards across domains, and badge counts.

The page is one statement: the ids of the page are picked from the scope index (role,
org_path; PostgreSQL includes waiting_since, id, exact_org and kind in it, so picking is an
index-only range per grant plus a top-N sort of narrow entries), and only those rows are
then read and joined to their org names. `core.pagination.keyset_page` would put the whole
card row (and the join) under the sort or need a second statement, so the queue keeps its
query and uses the core cursor (`encode_cursor` / `decode_cursor` on (waiting_since, id)).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import (
    DateTime,
    Integer,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)

from app.core.i18n import N_
from app.core.pagination import Page, decode_cursor, encode_cursor
from app.core.time import utcnow
from app.core.todos import BATCH_HANDLERS, TodoCount, TodoItem
from app.errors import Invalid
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import get_org_or_404, grants_of, has_role_over, subtree_bounds

KEYS = (TodoItem.waiting_since, TodoItem.id)


def card_columns():
    """The columns a phone card needs (plain columns, not ORM objects: this is polled)."""
    batchable = (and_(TodoItem.kind.in_(list(BATCH_HANDLERS)), TodoItem.batchable)
                 if BATCH_HANDLERS else literal(False))
    return (TodoItem.id, TodoItem.kind, TodoItem.object_id, TodoItem.title, TodoItem.summary,
            TodoItem.org_id, Org.name.label("org_name"), TodoItem.waiting_since,
            TodoItem.version, TodoItem.action, batchable.label("batchable"))


def _scope(table, grants: int):
    """Items the officer can decide: whose role they hold on the item's org (exact) or above
    it, one range of the scope index per grant (exact-org items sit at the range's first
    path, so "exact" only narrows the same scan); placeholders role{n}, low{n} and high{n}
    per grant, filled by `_grant_values`."""
    return or_(*(and_(table.role == bindparam(f"role{n}"),
                      table.org_path >= bindparam(f"low{n}"),
                      table.org_path < bindparam(f"high{n}"),
                      or_(table.exact_org.is_(False), table.org_path == bindparam(f"low{n}")))
                 for n in range(grants)))


@cache
def _page_statement(grants: int, kind: bool, org: bool, after: bool, dialect: str,
                    batch_kinds: tuple[str, ...]):
    """The page for an officer with `grants` grants, with or without the kind, org and
    cursor filters, built (and its cache key made) once per shape: `_scope` and the filters
    with placeholders, filled in by `_page_values` (`batch_kinds`: the card columns read the
    batch handlers registered); only items whose waiting has begun (an award waits from the
    bid deadline on)."""
    # the time in the SQL text on PostgreSQL, as for the counts below: a prepared statement's
    # generic plan reads the whole scope range (~4 ms at 20,000 items) instead of the page
    now = bindparam("now", type_=DateTime(timezone=True), literal_execute=dialect == "postgresql")
    query = select(TodoItem.id).where(and_(_scope(TodoItem, grants),
                                            TodoItem.waiting_since <= now))
    if kind:
        query = query.where(TodoItem.kind == bindparam("kind"))
    if org:
        query = query.where(TodoItem.org_path >= bindparam("org_low"),
                            TodoItem.org_path < bindparam("org_high"))
    if after:
        query = query.where(tuple_(*KEYS) > tuple_(
            bindparam("after_since", type_=TodoItem.waiting_since.type),
            bindparam("after_id", type_=TodoItem.id.type)))
    chosen = query.order_by(*KEYS).limit(bindparam("limit", type_=Integer())).subquery()
    return (select(*card_columns()).join(chosen, chosen.c.id == TodoItem.id)
            .join(Org, Org.id == TodoItem.org_id).order_by(*KEYS))


def _page_values(*, user_id: int, kind: str | None, org_id: int | None, limit: int,
                 cursor: str | None):
    """The page's statement and its values; None when the caller holds no grant."""
    grants, values = _grant_values(user_id)
    values["limit"] = limit + 1
    if kind:
        values["kind"] = kind
    if org_id is not None:
        org = get_org_or_404(org_id)
        if not has_role_over(user_id, org):
            raise Invalid("You hold no role over this org.",
                          details={"fields": {"org_id": [N_("outside your orgs")]}})
        values["org_low"], values["org_high"] = subtree_bounds(org.path)
    after = decode_cursor(cursor, KEYS)
    if after is not None:
        values["after_since"], values["after_id"] = after
    if not grants:
        return None, values
    return _page_statement(grants, bool(kind), org_id is not None, after is not None,
                           db.session.get_bind().dialect.name, tuple(BATCH_HANDLERS)), values


def page_query(*, user_id: int, kind: str | None, org_id: int | None, limit: int,
               cursor: str | None):
    """The page of the queue: ids picked from the scope index, then those rows and org names
    (the statement with the officer's values bound, for EXPLAIN in the benches)."""
    statement, values = _page_values(user_id=user_id, kind=kind, org_id=org_id, limit=limit,
                                     cursor=cursor)
    return statement.params(values) if statement is not None else None


def todos(*, user_id: int, kind: str | None, org_id: int | None, limit: int,
          cursor: str | None) -> Page:
    """Oldest first; rows with the card columns, shaped by `TodoOut`."""
    statement, values = _page_values(user_id=user_id, kind=kind, org_id=org_id, limit=limit,
                                     cursor=cursor)
    rows = db.session.execute(statement, values).all() if statement is not None else []
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    return Page(rows, encode_cursor([rows[-1].waiting_since, rows[-1].id]))


@dataclass
class Counts:
    by_kind: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


@cache
def _counts_statement(grants: int, dialect: str = "postgresql"):
    """The counts for an officer with `grants` grants, built (and its cache key made) once:
    `TodoCount` rows (one per role, org path and kind, not per item) in the grants' ranges,
    less the items there whose waiting has not begun (few: found by waiting_since).

    On PostgreSQL the time is written into the SQL text: with it as a parameter, the
    prepared statement's generic plan (from the 6th run on a connection) reads the scope
    index — every item in the range, ~5 ms at 20,000 items — instead of the waiting_since
    index, which only a known time makes cheaper."""
    now = bindparam("now", literal_execute=dialect == "postgresql")

    parts = union_all(
        select(TodoCount.kind, TodoCount.items).where(_scope(TodoCount, grants)),
        select(TodoItem.kind, literal(-1)).where(_scope(TodoItem, grants),
                                                 TodoItem.waiting_since > now),
    ).subquery()
    total = func.sum(parts.c[1])
    return select(parts.c.kind, total).group_by(parts.c.kind).having(total > 0)


def _grant_values(user_id: int) -> tuple[int, dict]:
    """The officer's grant count and `_scope`'s values for them, with the time ("now")."""
    values: dict = {"now": utcnow()}
    found = grants_of(user_id)
    for n, (grant, org) in enumerate(found):
        values[f"role{n}"] = grant.role
        values[f"low{n}"], values[f"high{n}"] = subtree_bounds(org.path)
    return len(found), values


def counts_query(*, user_id: int):
    """The counts statement with the officer's values bound (for EXPLAIN in the benches)."""
    grants, values = _grant_values(user_id)
    dialect = db.session.get_bind().dialect.name
    return _counts_statement(grants, dialect).params(values) if grants else None


def counts(*, user_id: int) -> Counts:
    grants, values = _grant_values(user_id)
    if not grants:
        return Counts({})
    statement = _counts_statement(grants, db.session.get_bind().dialect.name)
    return Counts({kind: int(count) for kind, count in db.session.execute(
        statement, values).all()})
