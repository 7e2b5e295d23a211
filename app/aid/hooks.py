"""What aid plugs into other domains: batch decisions and who may read attached files."""

from __future__ import annotations

from app.aid import access, approvers, decisions, notices, personal_data
from app.core import personal_data as personal_data_registry
from app.core import todos
from app.files.service import add_access_rule
from app.notices.service import Subject, register_subject
from app.orgs.service import add_role_hook


def register_hooks() -> None:
    todos.add_batch_handler(decisions.TODO_KIND, decisions.decide_in_batch)
    todos.add_kind(approvers.NO_APPROVER_KIND)  # decided by granting an approver, not in batch
    add_role_hook(approvers.follow_approver_grants)
    add_access_rule(access.officer_may_read_attached_file)
    personal_data_registry.register(personal_data.PERSONAL_DATA)
    register_subject(Subject(notices.NOTICE_KIND, notices.on_upheld))
