"""State machines as data, and the one guarded write that moves a row between states.

A domain declares its machine once:

    LIFECYCLE = StateMachine("project", {
        "publish": (("draft",), "published"),
        "cancel": (("draft", "published"), "cancelled"),
        "edit": (("draft",), None),          # allowed from draft, status unchanged
    })

`LIFECYCLE.check(row.status, action)` returns the target status or raises 409
`invalid_transition` naming the actions allowed from where the row is. `guarded_update`
is the conditional `UPDATE … WHERE id = :id AND version = :seen [AND status = :expected]`
every decision runs: of two writers that saw the same version exactly one matches, the
other gets 409 `stale_version`. It never rolls back the caller's session — the request's
transaction ends as a whole (the error handler and the session teardown discard it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from sqlalchemy import ClauseElement, ColumnElement, bindparam, inspect, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.core.i18n import N_
from app.core.labels import Code, Codes
from app.errors import Conflict, InvalidTransition
from app.extensions import db

Move = tuple[tuple[str, ...], str | None]


class StateMachine:
    """action → (statuses it may start from, status it leads to or None for "stays").

    `noun` (a message id: "project"), `statuses` and `actions` (vocabularies, `core.labels`)
    are the words the 409 shows instead of the codes: "当前揭榜项目状态为“投标中”…"."""

    def __init__(self, name: str, moves: Mapping[str, Move], *, noun: str | None = None,
                 statuses: Mapping[str, str] | None = None,
                 actions: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.moves = dict(moves)
        self.noun = {name: noun or name}
        self.statuses = statuses or {}
        self.actions = actions or {}

    def allowed(self, status: str) -> list[str]:
        """The actions that may start from `status`, in declaration order."""
        return [action for action, (sources, _) in self.moves.items() if status in sources]

    def sources(self, action: str) -> tuple[str, ...]:
        return self.moves[action][0]

    def can(self, status: str, action: str) -> bool:
        return status in self.moves[action][0]

    def check(self, status: str, action: str) -> str:
        """The status `action` leads to from `status`, or 409 naming what is allowed."""
        sources, target = self.moves[action]
        if status not in sources:
            allowed = self.allowed(status)
            raise InvalidTransition(
                (N_("This %(thing)s is %(status)s; it cannot %(action)s. Allowed now: %(allowed)s.")
                 if allowed else
                 N_("This %(thing)s is %(status)s; it cannot %(action)s. Nothing is allowed now.")),
                params={"status": Code(self.statuses, status),
                        "thing": Code(self.noun, self.name),
                        "action": Code(self.actions, action),
                        "allowed": Codes(self.actions, allowed)},
                details={"status": status, "action": action, "allowed": allowed})
        return status if target is None else target


def stale(model: type, row_id: int, *, noun: str, machine: StateMachine | None = None
          ) -> Conflict:
    """The 409 a loser of a guarded update gets: the row's current status and version, and
    with a machine the actions allowed from that status."""
    current = db.session.execute(
        select(*[getattr(model, name) for name in ("status", "version")
                 if hasattr(model, name)]).where(model.id == row_id)
    ).first()
    details: dict[str, Any] = dict(current._mapping) if current is not None else {}
    if machine is not None and "status" in details:
        details["allowed"] = machine.allowed(details["status"])
    return Conflict("This %(noun)s changed since you loaded it.", params={"noun": noun},
                    code="stale_version", details=details)


def guarded_update(row: Any, *, values: Mapping[str, Any], version: int | None = None,
                   status: str | Iterable[str] | None = None,
                   where: Iterable[ColumnElement[bool]] = (), noun: str | None = None,
                   machine: StateMachine | None = None, bump_version: bool = True) -> None:
    """Move `row` with a conditional UPDATE on the version (and status) the caller saw.

    `version` defaults to the row's loaded version; `status` (one or several) adds the
    expected status to the WHERE; `where` adds further conditions (e.g. the step). A row
    count other than one raises 409 `stale_version` — the caller's session is left as it
    is. On success the row holds what was written without reading it back: the plain
    `values` and the new version; a value computed by the database (an SQL expression) and a
    relationship whose foreign key changed are expired, so reading them loads them.
    """
    model = type(row)
    seen = row.version if version is None else version
    expected = None if status is None else (status,) if isinstance(status, str) else tuple(status)
    where = tuple(where)
    if where or any(isinstance(value, ClauseElement) for value in values.values()):
        conditions = [model.id == row.id, model.version == seen, *where]
        if expected is not None:
            conditions.append(model.status.in_(expected))
        changes = dict(values)
        if bump_version:
            changes["version"] = model.version + 1
        statement, params = (update(model).where(*conditions).values(**changes)
                             .execution_options(synchronize_session=False)), None
    else:  # the usual shape: built once per model, columns written and flags
        statement = _guarded_statement(model, tuple(values), expected is not None, bump_version)
        params = {"row_id": row.id, "seen_version": seen,
                  **{f"value_{key}": value for key, value in values.items()}}
        if expected is not None:
            params["expected_statuses"] = expected
    moved = db.session.execute(statement, params).rowcount
    if moved != 1:
        raise stale(model, row.id, machine=machine,
                    noun=noun or model.__tablename__.rstrip("s").replace("_", " "))
    _hold_written(row, values, seen + 1 if bump_version else None)


@cache
def _guarded_statement(model: type, keys: tuple[str, ...], with_status: bool,
                       bump_version: bool):
    """`guarded_update`'s UPDATE with placeholders for the plain values of `keys` (building
    it and its cache key on every decision cost more than a part of sending it)."""
    conditions = [model.id == bindparam("row_id"), model.version == bindparam("seen_version")]
    if with_status:
        conditions.append(model.status.in_(bindparam("expected_statuses", expanding=True)))
    changes: dict[str, Any] = {key: bindparam(f"value_{key}") for key in keys}
    if bump_version:
        changes["version"] = model.version + 1
    return (update(model).where(*conditions).values(**changes)
            .execution_options(synchronize_session=False))


def _hold_written(row: Any, values: Mapping[str, Any], version: int | None) -> None:
    written = dict(values) if version is None else {**values, "version": version}
    mapper = inspect(row).mapper
    if any(key not in mapper.column_attrs for key in written):  # a column named otherwise
        db.session.expire(row)
        return
    computed = [key for key, value in written.items() if isinstance(value, ClauseElement)]
    moved_relations = [relation.key for relation in mapper.relationships
                       if any(column.key in written for column in relation.local_columns)]
    for key, value in written.items():
        if key not in computed:
            set_committed_value(row, key, value)
    if computed or moved_relations:
        db.session.expire(row, [*computed, *moved_relations])
