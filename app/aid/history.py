"""The application's history (what the applicant follows) and its to-do queue entries."""

from __future__ import annotations

from app.aid.models import AidApplication, AidApplicationEvent
from app.core import todos
from app.extensions import db
from app.orgs.models import Org

TODO_KIND = "aid_application"


def record_event(application: AidApplication, *, actor_id: int | None, action: str,
                 from_status: str | None, to_status: str, comment: str | None = None,
                 step: int | None = None, org_id: int | None = None) -> None:
    db.session.add(AidApplicationEvent(
        application_id=application.id, actor_id=actor_id, action=action,
        from_status=from_status, to_status=to_status, step=step, org_id=org_id,
        comment=comment,
    ))


def open_step_todo(application: AidApplication, *, program_name: str, step_org: Org,
                   version: int) -> None:
    """The step's approvers (on that org exactly) see the application in their queue."""
    todos.open_todo(
        kind=TODO_KIND, object_id=application.id, org_id=step_org.id, org_path=step_org.path,
        exact_org=True, role="approver", version=version,
        title=f"帮扶申请：{application.beneficiary_name}",
        summary=f"{program_name} · {application.amount_fen / 100:.0f}元",
        action=f"/api/v1/aid/applications/{application.id}/decisions",
    )


def close_step_todo(application_id: int) -> None:
    todos.close_todo(kind=TODO_KIND, object_id=application_id)
