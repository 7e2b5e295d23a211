"""Who may see an application: its applicant and officers over its org; loading or refusing."""

from __future__ import annotations

from sqlalchemy import select

from app.aid.models import AidApplication, AidApplicationFile, AidProgram
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import ANY_ROLE, grants_of, has_role_over, org_scope_clause


def get_program_or_404(program_id: int) -> AidProgram:
    program = db.session.get(AidProgram, program_id)
    if program is None:
        raise NotFound("No such aid program.")
    return program


def is_officer_over(actor_id: int, org_id: int) -> bool:
    return has_role_over(actor_id, db.session.get(Org, org_id), ANY_ROLE)


def get_visible_application(actor_id: int, application_id: int) -> AidApplication:
    """The applicant and officers over the applicant org see it; anyone else gets 404."""
    application = db.session.get(AidApplication, application_id)
    if application is None or not (application.applicant_id == actor_id
                                   or is_officer_over(actor_id, application.org_id)):
        raise NotFound("No such application.")
    return application


def holds_role_exactly(actor_id: int, org_id: int, role: str) -> bool:
    """A step is decided on its own org: a grant on an ancestor does not count."""
    return any(org.id == org_id for _, org in grants_of(actor_id, (role,)))


def officer_may_read_attached_file(actor_id: int, file_id: int) -> int | None:
    """Officers who may see an application may read the documents attached to it (as
    officers of the application's org)."""
    attached = (
        select(AidApplication.org_id)
        .select_from(AidApplicationFile)
        .join(AidApplication, AidApplication.id == AidApplicationFile.application_id)
        .where(AidApplicationFile.file_id == file_id,
               org_scope_clause(actor_id, AidApplication.org_id))
        .limit(1)
    )
    return db.session.scalar(attached)
