"""What benefits plug into other domains: the member's personal data."""

from __future__ import annotations

from app.benefits import personal_data
from app.core import personal_data as personal_data_registry


def register_hooks() -> None:
    personal_data_registry.register(personal_data.PERSONAL_DATA)
