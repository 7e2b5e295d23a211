"""Who may see what in aid, and the loaders that load a thing or refuse: one scheme,
`get_<thing>(actor_id, <thing>_id, *, …)`, 404 to whoever may not know it exists."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, false, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload, with_expression

from app.aid.models import AidApplication, AidApplicationFile, AidProgram, DisbursementBatch
from app.core.roles import OFFICERS, Role
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.orgs.models import LEVELS, OfficerRole, Org
from app.orgs.scope import authorize, has_role_over, org_scope_clause


def is_officer_over(actor_id: int | None, org: Org, roles: Iterable[str] = OFFICERS) -> bool:
    """The actor holds one of `roles` on `org` or above it."""
    return has_role_over(actor_id, org, roles)


def get_program(actor_id: int, program_id: int, *,
                roles: Iterable[str] | None = None) -> AidProgram:
    """Programs are public to logged-in users (applicants need their rules); with `roles` the
    actor must hold one over the owner org (404 outside it, 403 for the wrong role). The
    budget figures are loaded for officers over the owner org only."""
    program = db.session.scalar(
        select(AidProgram).where(AidProgram.id == program_id)
        .options(selectinload(AidProgram.eligible_orgs), with_program_viewer(actor_id))
        .execution_options(populate_existing=True))
    if program is None:
        raise NotFound("No such aid program.")
    if roles is not None:
        authorize(actor_id, program.owner_org, tuple(roles))
    return program


def with_program_viewer(actor_id: int):
    """Loader option: `AidProgram.viewer_is_officer` for the actor, in the same SELECT."""
    return with_expression(AidProgram.viewer_is_officer,
                           org_scope_clause(actor_id, AidProgram.owner_org_id))


def application_options(actor_id: int) -> list:
    """What every application response reads, loaded with it: program, documents with their
    files, history, the step org, and whether the actor decides the current step."""
    decides = exists().where(OfficerRole.user_id == actor_id,
                             OfficerRole.org_id == AidApplication.step_org_id,
                             OfficerRole.role == Role.APPROVER)
    return [joinedload(AidApplication.program),
            joinedload(AidApplication.documents),
            selectinload(AidApplication.events),
            with_expression(AidApplication.viewer_decides_step,
                            decides if actor_id is not None else false())]


# The applicant org and the orgs above it, one alias per level: made once, so each request
# reuses their column collections (fresh aliases cost ~40 column proxies and a heap of
# reference cycles per request, i.e. garbage-collector runs).
_ORG_CHAIN = tuple(aliased(Org, name=f"org_up_{n}") for n in range(len(LEVELS)))


def get_application(actor_id: int, application_id: int, *,
                    applicant_only: bool = False) -> AidApplication:
    """The applicant and officers over the applicant org see it (officers once it was
    submitted); anyone else gets 404.
    `applicant_only`: officers who may see it get 403 (only the applicant changes it).

    One SELECT loads the application with its program, documents, the applicant org and
    every org above it (joined by parent, at most one per level), so the step org, the next
    step's org and the orgs of its history come from the session without further queries.
    """
    chain = _ORG_CHAIN
    query = (select(AidApplication, *chain[1:])
             .join(chain[0], chain[0].id == AidApplication.org_id)
             .where(AidApplication.id == application_id)
             .options(contains_eager(AidApplication.org.of_type(chain[0])),
                      *application_options(actor_id))
             .execution_options(populate_existing=True))
    for child, parent in zip(chain, chain[1:], strict=False):
        query = query.outerjoin(parent, parent.id == child.parent_id)
    row = db.session.execute(query).unique().first()
    application = row[0] if row is not None else None
    if application is not None:
        application.orgs_above = tuple(org for org in row[1:] if org is not None)
    # a draft is the applicant's until it is submitted: officers over the org do not see it
    # (an officer entering one on someone's behalf is its applicant)
    if application is None or not (application.applicant_id == actor_id
                                   or (application.status != "draft"
                                       and (application.viewer_decides_step
                                            or is_officer_over(actor_id, application.org)))):
        raise NotFound("No such application.")
    application.viewer_is_applicant = application.applicant_id == actor_id
    if applicant_only and application.applicant_id != actor_id:
        raise Forbidden("Only the applicant may change or withdraw this application.")
    return application


def get_batch(actor_id: int, batch_id: int, *,
              roles: Iterable[str] = OFFICERS) -> DisbursementBatch:
    """Officers over the program's owner org see its batches; others get 404."""
    batch = db.session.scalar(
        select(DisbursementBatch).where(DisbursementBatch.id == batch_id)
        .options(joinedload(DisbursementBatch.program)))
    if batch is None:
        raise NotFound("No such batch.")
    authorize(actor_id, batch.program.owner_org, tuple(roles))
    return batch


def officer_may_read_attached_file(actor_id: int, file_id: int) -> int | None:
    """Officers who may see an application may read the documents attached to it (as
    officers of the application's org) — not while it is the applicant's draft."""
    attached = (
        select(AidApplication.org_id)
        .select_from(AidApplicationFile)
        .join(AidApplication, AidApplication.id == AidApplicationFile.application_id)
        .where(AidApplicationFile.file_id == file_id, AidApplication.status != "draft",
               org_scope_clause(actor_id, AidApplication.org_id))
        .limit(1)
    )
    return db.session.scalar(attached)
