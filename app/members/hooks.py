"""What members plug into other domains: membership decisions in workbench batches."""

from __future__ import annotations

from app.core import todos
from app.members import service


def register_hooks() -> None:
    todos.add_batch_handler("membership", service.decide_in_batch)
