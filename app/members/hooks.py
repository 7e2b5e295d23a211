"""What members plug into other domains: membership decisions in workbench batches, their
personal data in the privacy lifecycle."""

from __future__ import annotations

from app.core import personal_data as personal_data_registry
from app.core import todos
from app.files.service import add_access_rule
from app.members import access, corrections, memberships, personal_data, transfers


def register_hooks() -> None:
    todos.add_batch_handler(memberships.TODO_KIND, memberships.decide_in_batch)
    todos.add_batch_handler(transfers.TODO_KIND, transfers.decide_in_batch)
    todos.add_kind(corrections.TODO_KIND)  # reviewed with its document, not in batch
    add_access_rule(access.officer_may_read_correction_document)
    personal_data_registry.register(personal_data.PERSONAL_DATA)
