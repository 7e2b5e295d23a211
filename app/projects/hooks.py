"""What projects plugs into other domains: bids, projects led and team places in the privacy
lifecycle (export, erasure)."""

from __future__ import annotations

from app.core import personal_data as personal_data_registry
from app.core import todos
from app.projects import personal_data


def register_hooks() -> None:
    todos.add_kind("project_review")  # a project waiting for its review
    todos.add_kind("project_bids")    # bids closed, waiting for the award
    personal_data_registry.register(personal_data.PERSONAL_DATA)
