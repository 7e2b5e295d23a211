"""The member takes back one of their own pending requests: an application, a transfer, a
correction — the same checks and the same guarded move for each."""

from __future__ import annotations

from typing import Any

from app.core import todos
from app.core.states import StateMachine, guarded_update, stale
from app.errors import Forbidden


def withdraw_pending(row: Any, *, actor_id: int, version: int, machine: StateMachine,
                     noun: str, todo_kind: str, not_yours: str) -> None:
    """Move `row` (loaded for `actor_id`) from pending to withdrawn and close its to-do.

    Only its owner may (`not_yours`, a message id, is the 403); a version other than the one
    the caller saw is 409 `stale_version` before any state check, so a member looking at an
    old screen learns it changed; the conditional UPDATE on version and status guards the race
    with an officer deciding at the same moment. Flushes only: the caller commits.
    """
    if row.user_id != actor_id:
        raise Forbidden(not_yours)
    if row.version != version:
        raise stale(type(row), row.id, noun=noun, machine=machine)
    machine.check(row.status, "withdraw")
    guarded_update(row, version=version, status="pending", noun=noun, machine=machine,
                   values={"status": "withdrawn"})
    todos.close_todo(kind=todo_kind, object_id=row.id)
