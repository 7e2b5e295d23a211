"""What notices plug into others: the objection to-do kind, objections' personal data."""

from __future__ import annotations

from app.core import personal_data as personal_data_registry
from app.core import todos
from app.notices import personal_data
from app.notices.objections import TODO_KIND


def register_hooks() -> None:
    todos.add_kind(TODO_KIND)  # decided one by one with a reason: no batch handler
    personal_data_registry.register(personal_data.PERSONAL_DATA)
