"""What notify plugs into other domains: a new to-do tells the officers who may act on it."""

from __future__ import annotations

from app.core import todos
from app.notify import service


def register_hooks() -> None:
    todos.add_open_hook(service.announce_todo)
