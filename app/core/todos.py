"""The officer to-do queue: domains open and close items in their own transactions.

A domain calls `open_todo` when something starts waiting on an officer and `close_todo`
when it stops (decided, withdrawn, cancelled). The workbench only reads this table, so a
domain added later plugs in by calling these two functions and, for batch-safe kinds,
registering a handler with `add_batch_handler` from its `hooks.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from functools import cache

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Index,
    Integer,
    String,
    UniqueConstraint,
    bindparam,
    delete,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import BigIntPK
from app.core.time import UTCDateTime, utcnow
from app.extensions import db

PathType = String(255).with_variant(String(255, collation="C"), "postgresql")


class TodoItem(db.Model):
    """One thing waiting on officers holding `role` on `org_id` (or above it unless exact)."""

    __tablename__ = "todo_items"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        # One range per officer grant: (role, org_path in the grant's subtree). The included
        # columns let PostgreSQL filter, sort and count from the index alone.
        Index("ix_todo_items_scope", "role", "org_path",
              postgresql_include=["waiting_since", "id", "exact_org", "kind"]),
        # the counts subtract the few items whose waiting has not begun (see TodoCount)
        Index("ix_todo_items_waiting_since", "waiting_since"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(BigIntPK)
    org_id: Mapped[int] = mapped_column(BigIntPK)
    org_path: Mapped[str] = mapped_column(PathType)
    exact_org: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(200))
    waiting_since: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # False when the kind's batch handler would refuse this item (e.g. a final aid step)
    batchable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class TodoCount(db.Model):
    """How many items wait per (role, org_path, exact_org, kind): the badge counts add these
    up over an officer's grants instead of counting the items (tens of thousands in a busy
    county). Kept in the transaction that opens or closes the item (`open_todo`,
    `close_todo`, `close_todos`), so a count is exact once that transaction commits; items
    whose `waiting_since` is still ahead are in here too and the counts subtract them."""

    __tablename__ = "todo_counts"

    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    org_path: Mapped[str] = mapped_column(PathType, primary_key=True)
    exact_org: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    items: Mapped[int] = mapped_column(Integer)


def _count(steps: Counter) -> None:
    """Add each step to its (role, org_path, exact_org, kind) count in one statement, rows in
    key order (two transactions touching the same counts lock them in the same order)."""
    rows = [{"role": role, "org_path": org_path, "exact_org": exact_org, "kind": kind,
             "items": step}
            for (role, org_path, exact_org, kind), step in sorted(steps.items()) if step]
    if len(rows) == 1:
        db.session.execute(_count_statement(db.session.get_bind().dialect.name), rows[0])
    elif rows:
        db.session.execute(_upsert(db.session.get_bind().dialect.name, rows))


@cache
def _count_statement(dialect: str):
    """The upsert of one count, built once per dialect (it runs with every item write)."""
    return _upsert(dialect, {
        column: bindparam(column) for column in ("role", "org_path", "exact_org", "kind", "items")
    })


def _upsert(dialect: str, values):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = TodoCount.__table__  # Core, not the ORM's bulk-insert path
    statement = insert(table).values(values)
    return statement.on_conflict_do_update(
        index_elements=[table.c.role, table.c.org_path, table.c.exact_org, table.c.kind],
        set_={"items": table.c["items"] + statement.excluded["items"]})


@cache
def _close_statement():
    """The delete of one item (by kind and object), built once."""
    table = TodoItem.__table__
    return _closing(table.c.kind == bindparam("kind"), table.c.object_id == bindparam("object_id"))


def _closing(*criteria):
    """DELETE … RETURNING the counts' key of each item removed (Core: the session holds no
    TodoItem it reads back; the caller flushes first so items added before are removed)."""
    table = TodoItem.__table__
    return delete(table).where(*criteria).returning(
        table.c.role, table.c.org_path, table.c.exact_org, table.c.kind)


def open_todo(*, kind: str, object_id: int, org_id: int, org_path: str, role: str, title: str,
              summary: str, version: int, action: str, exact_org: bool = False,
              waiting_since: datetime | None = None, batchable: bool = True) -> None:
    """Put (or refresh) an item in the queue; flushes only, the caller commits.

    The queue shows an item from `waiting_since` on (a future one waits unseen). `batchable`
    False marks an item its kind's batch handler refuses, so the card never offers it.
    """
    db.session.flush()
    steps = _closed(db.session.execute(_close_statement(), {"kind": kind, "object_id": object_id}))
    steps[(role, org_path, exact_org, kind)] += 1  # one upsert for the old row and the new
    item = TodoItem(
        kind=kind, object_id=object_id, org_id=org_id, org_path=org_path, exact_org=exact_org,
        role=role, title=title[:120], summary=summary[:200], version=version, action=action,
        waiting_since=waiting_since or utcnow(), batchable=batchable,
    )
    db.session.add(item)
    _count(steps)
    for hook in OPEN_HOOKS:
        hook(item)


# called with each newly opened item, in the same transaction (e.g. to tell the officers)
OPEN_HOOKS: list[Callable[[TodoItem], None]] = []


def add_open_hook(hook: Callable[[TodoItem], None]) -> None:
    """Registered from `register_domain_hooks` (idempotent: apps are built many times)."""
    if hook not in OPEN_HOOKS:
        OPEN_HOOKS.append(hook)


def close_todo(*, kind: str, object_id: int) -> None:
    db.session.flush()  # an item opened earlier in this transaction is in the table
    _count(_closed(db.session.execute(_close_statement(), {"kind": kind, "object_id": object_id})))


def close_todos(*criteria: ColumnElement[bool]) -> None:
    """Remove the items matching `criteria` (and take them off the counts)."""
    db.session.flush()
    _count(_closed(db.session.execute(_closing(*criteria))))


def _closed(result) -> Counter:
    """The count steps of the rows a DELETE … RETURNING removed."""
    return Counter({key: -times for key, times in Counter(map(tuple, result.all())).items()})


def reschedule(*, kind: str, object_id: int, waiting_since: datetime) -> None:
    """An open item waits until `waiting_since` now (e.g. a notice period got longer);
    nothing when there is none. Flushes only."""
    db.session.execute(update(TodoItem).where(TodoItem.kind == kind,
                                              TodoItem.object_id == object_id)
                       .values(waiting_since=waiting_since)
                       .execution_options(synchronize_session=False))


def find_todo(kind: str, object_id: int) -> TodoItem | None:
    return db.session.scalar(select(TodoItem).where(TodoItem.kind == kind,
                                                    TodoItem.object_id == object_id))


# every kind a domain puts in the queue (registered from its hooks.py)
KINDS: set[str] = set()


def add_kind(kind: str) -> None:
    KINDS.add(kind)


# kind → handler(actor_id=…, object_id=…, version=…, action=…, comment=…) for batch decisions
BatchHandler = Callable[..., object]
BATCH_HANDLERS: dict[str, BatchHandler] = {}


def add_batch_handler(kind: str, handler: BatchHandler) -> None:
    """Register a domain's single-item decision as safe to run in a batch."""
    add_kind(kind)
    BATCH_HANDLERS[kind] = handler
