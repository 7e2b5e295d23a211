"""What stations plug into other domains: feedback reviews in workbench batches."""

from __future__ import annotations

from app.core import todos
from app.stations.activity import feedback


def register_hooks() -> None:
    todos.add_batch_handler(feedback.TODO_KIND, feedback.review_in_batch)
