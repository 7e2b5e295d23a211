"""What hardship files plug into others: to-do kinds, notice subjects, who may read attached
files, personal data."""

from __future__ import annotations

from app.core import personal_data as personal_data_registry
from app.core import todos
from app.files.service import add_access_rule
from app.hardship import access, chain, personal_data, upkeep
from app.notices.service import Subject, register_subject


def register_hooks() -> None:
    # decided one by one (each step checks the visit or the notice): no batch handlers
    for kind in (chain.TODO_KIND, upkeep.REVIEW_KIND, upkeep.FOLLOW_UP_KIND):
        todos.add_kind(kind)
    register_subject(Subject(chain.NOTICE_KIND, chain.on_upheld, chain.on_notice_moved))
    register_subject(Subject(chain.EXIT_NOTICE_KIND, chain.on_upheld, chain.on_notice_moved))
    add_access_rule(access.officer_may_read_attached_file)
    personal_data_registry.register(personal_data.PERSONAL_DATA)
