"""What rights plug into other domains: to-do kinds, who may read attached files, personal
data."""

from __future__ import annotations

from app.core import personal_data as personal_data_registry
from app.core import todos
from app.files.service import add_access_rule
from app.rights import access, cases, deadlines, personal_data


def register_hooks() -> None:
    todos.add_kind(cases.TODO_KIND)  # accepted on the case's page, not in batch
    todos.add_kind(deadlines.OVERDUE_KIND)
    add_access_rule(access.officer_may_read_attached_file)
    personal_data_registry.register(personal_data.PERSONAL_DATA)
