"""What files plugs into other domains: uploads in the privacy
lifecycle (export, erasure)."""

from __future__ import annotations

from app.core import personal_data as personal_data_registry
from app.files import personal_data


def register_hooks() -> None:
    personal_data_registry.register(personal_data.PERSONAL_DATA)
