"""What notify plugs into other domains: a new to-do tells the officers who may act on it;
messages in the privacy lifecycle."""

from __future__ import annotations

from app.core import personal_data as personal_data_registry
from app.core import todos
from app.notify import personal_data, service


def register_hooks() -> None:
    todos.add_open_hook(service.announce_todo)
    service.register_bulk_insert()
    personal_data_registry.register(personal_data.PERSONAL_DATA)
