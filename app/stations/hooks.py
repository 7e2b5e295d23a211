"""What stations plug into other domains: feedback reviews in workbench batches, personal data."""

from __future__ import annotations

from app.core import personal_data as personal_data_registry
from app.core import todos
from app.stations import personal_data
from app.stations.activity import feedback


def register_hooks() -> None:
    todos.add_batch_handler(feedback.TODO_KIND, feedback.review_in_batch)
    todos.add_kind(feedback.ANSWER_KIND)
    personal_data_registry.register(personal_data.PERSONAL_DATA)
