"""What stations plug into other domains: feedback reviews in workbench batches."""

from __future__ import annotations

from app.core import personal_data as personal_data_registry
from app.core import todos
from app.stations import activity, personal_data


def register_hooks() -> None:
    todos.add_batch_handler("station_feedback", activity.review_in_batch)
    personal_data_registry.register(personal_data.PERSONAL_DATA)
