"""Applications as the API shows them: personal numbers masked, steps and history named."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.aid.models import AidApplication, AidApplicationEvent, AidApplicationFile, AidProgram
from app.core.crypto import mask_bank_account, mask_id_number
from app.extensions import db
from app.files.models import StoredFile
from app.orgs.models import Org

PLAIN = ("id", "program_id", "applicant_id", "entered_by_officer", "category_code", "tier_code",
         "amount_fen", "reason", "status", "version", "last_comment", "batch_id", "created_at",
         "submitted_at", "decided_at", "paid_at")


def _org_names(org_ids: set[int]) -> dict[int, str]:
    ids = {org_id for org_id in org_ids if org_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Org.id, Org.name).where(Org.id.in_(ids))).all())


def application_views(applications: list[AidApplication]) -> list[dict[str, Any]]:
    """Masked output for a page of applications, with org and program names in two queries."""
    names = _org_names({a.org_id for a in applications} | {a.step_org_id for a in applications})
    programs = {p.id: p for p in db.session.scalars(select(AidProgram).where(
        AidProgram.id.in_({a.program_id for a in applications})))} if applications else {}
    views = []
    for application in applications:
        program = programs[application.program_id]
        step = None
        if application.step is not None and application.step_org_id is not None:
            step = {"index": application.step, "level": program.chain[application.step],
                    "org": {"id": application.step_org_id,
                            "name": names[application.step_org_id]}}
        views.append({
            **{column: getattr(application, column) for column in PLAIN},
            "program_name": program.name,
            "org": {"id": application.org_id, "name": names[application.org_id]},
            "beneficiary": {
                "name": application.beneficiary_name,
                "id_number": mask_id_number(application.beneficiary_id_number),
                "relation": application.relation, "school": application.school,
                "grade": application.grade, "household_county": application.household_county,
            },
            "bank_account": {"holder": application.bank_holder, "bank": application.bank_name,
                             "number": mask_bank_account(application.bank_account)},
            "current_step": step,
        })
    return views


def application_detail(application: AidApplication) -> dict[str, Any]:
    """One application with its documents and full history (what the applicant follows)."""
    view = application_views([application])[0]
    documents = db.session.execute(
        select(AidApplicationFile.kind, StoredFile)
        .join(StoredFile, StoredFile.id == AidApplicationFile.file_id)
        .where(AidApplicationFile.application_id == application.id)
        .order_by(StoredFile.id)).all()
    events = list(db.session.scalars(
        select(AidApplicationEvent).where(AidApplicationEvent.application_id == application.id)
        .order_by(AidApplicationEvent.id)))
    names = _org_names({event.org_id for event in events})
    view["documents"] = [{"file_id": stored.id, "kind": kind,
                          "original_name": stored.original_name,
                          "content_type": stored.content_type} for kind, stored in documents]
    view["history"] = [{
        "action": event.action, "from_status": event.from_status, "to_status": event.to_status,
        "step": event.step, "comment": event.comment, "actor_id": event.actor_id,
        "created_at": event.created_at,
        "org": {"id": event.org_id, "name": names[event.org_id]} if event.org_id else None,
    } for event in events]
    return view
