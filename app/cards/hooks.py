"""What cards plug into other domains: their personal data in the privacy lifecycle."""

from __future__ import annotations

from app.cards import personal_data
from app.core import personal_data as personal_data_registry


def register_hooks() -> None:
    personal_data_registry.register(personal_data.PERSONAL_DATA)
