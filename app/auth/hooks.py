"""What auth plugs into other domains: the account (profile, erasure, logins) in the privacy
lifecycle (export, erasure)."""

from __future__ import annotations

from app.auth import personal_data
from app.core import personal_data as personal_data_registry


def register_hooks() -> None:
    personal_data_registry.register(personal_data.PERSONAL_DATA)
