"""What relief plugs into other domains: its to-do kind and who may read its files."""

from __future__ import annotations

from app.core import todos
from app.files.service import add_access_rule
from app.relief import allocations


def register_hooks() -> None:
    todos.add_kind(allocations.TODO_KIND)  # acknowledged one by one, never in a batch
    add_access_rule(allocations.officer_may_read_relief_file)
