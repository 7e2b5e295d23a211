"""What events plug into other domains: its to-do kinds and its personal data."""

from __future__ import annotations

from app.core import personal_data as personal_data_registry
from app.core import todos
from app.events import personal_data, requests, works


def register_hooks() -> None:
    todos.add_kind(requests.TODO_KIND)  # decided with an event to create: never in a batch
    todos.add_kind(works.TODO_KIND)
    personal_data_registry.register(personal_data.PERSONAL_DATA)
