"""Applications by the applicant: create and edit drafts, submit, withdraw; officers list and
reveal personal data with a reason."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.aid import history
from app.aid.access import get_program_or_404, get_visible_application
from app.aid.models import AidApplication, AidApplicationFile, AidProgram
from app.aid.programs import find_category, is_eligible
from app.aid.transitions import transition
from app.core import audit
from app.core.crypto import keyed_hash
from app.core.db import is_unique_violation
from app.core.http import cursor_id, page
from app.core.time import utcnow
from app.errors import Conflict, Forbidden, Invalid
from app.extensions import db
from app.files.service import owned_files
from app.members.service import validated_id_number
from app.orgs.models import Org
from app.orgs.scope import ANY_ROLE, authorize, get_org_or_404, grants_of, org_scope_clause
from app.orgs.service import ancestor_at_level
from app.privacy.consent import require_aid_consents

REVEALABLE = {"id_number": "beneficiary_id_number", "bank_account": "bank_account"}


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(message, details={"fields": {field: [message]}})


def _set_org(application: AidApplication, program: AidProgram, org_id: int) -> None:
    org = get_org_or_404(org_id)
    if not is_eligible(program, org):
        raise _invalid("org_id", f"{org.name} is not eligible for {program.name}.")
    application.org_id = org.id


def _set_tier(application: AidApplication, program: AidProgram, category_code: str,
              tier_code: str) -> None:
    _, tier = find_category(program, category_code, tier_code)
    application.category_code, application.tier_code = category_code, tier_code
    application.amount_fen = tier["amount_fen"]


def _set_beneficiary(application: AidApplication, beneficiary: dict[str, Any]) -> None:
    number = validated_id_number(beneficiary["id_number"], "beneficiary.id_number")
    application.beneficiary_name = beneficiary["name"]
    application.beneficiary_id_number = number
    application.beneficiary_id_hash = keyed_hash(number)
    application.relation = beneficiary["relation"]
    application.school = beneficiary.get("school")
    application.grade = beneficiary.get("grade")
    application.household_county = beneficiary["household_county"]


def _set_bank_account(application: AidApplication, bank_account: dict[str, str]) -> None:
    application.bank_holder = bank_account["holder"]
    application.bank_name = bank_account["bank"]
    application.bank_account = bank_account["number"]


def _check_student_fields(application: AidApplication, program: AidProgram) -> None:
    category, _ = find_category(program, application.category_code, application.tier_code)
    if category["kind"] == "student" and not (application.school and application.grade):
        raise _invalid("beneficiary", "Students need a school and a grade or admission year.")


def _set_documents(application: AidApplication, actor_id: int,
                   documents: list[dict[str, Any]]) -> None:
    """Attach the caller's own uploads; anybody else's file id is refused."""
    wanted = {doc["file_id"]: doc["kind"] for doc in documents}
    mine = owned_files(actor_id=actor_id, file_ids=list(wanted))
    unknown = sorted(set(wanted) - set(mine))
    if unknown:
        raise _invalid("documents", f"Unknown files (upload them first): {unknown}.")
    db.session.execute(delete(AidApplicationFile)
                       .where(AidApplicationFile.application_id == application.id))
    db.session.add_all(AidApplicationFile(application_id=application.id, file_id=file_id,
                                          kind=kind) for file_id, kind in wanted.items())


def _flush_unique(application: AidApplication) -> None:
    """Flush in a savepoint: the partial unique index refuses a second live application."""
    try:
        with db.session.begin_nested():
            db.session.add(application)
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise Conflict("This beneficiary already has an application in this program.",
                       code="application_exists") from None


def create_application(*, actor_id: int, program_id: int, org_id: int, category_code: str,
                       tier_code: str, beneficiary: dict[str, Any],
                       bank_account: dict[str, str], reason: str,
                       documents: list[dict[str, Any]], on_behalf: bool) -> AidApplication:
    """A draft by a member (for themselves or family) or an officer entering it on behalf."""
    program = get_program_or_404(program_id)
    if on_behalf:
        authorize(actor_id, get_org_or_404(org_id), ANY_ROLE)
    application = AidApplication(program_id=program.id, applicant_id=actor_id,
                                 entered_by_officer=on_behalf, reason=reason, status="draft",
                                 version=1)
    _set_org(application, program, org_id)
    _set_tier(application, program, category_code, tier_code)
    _set_beneficiary(application, beneficiary)
    _set_bank_account(application, bank_account)
    _check_student_fields(application, program)
    require_aid_consents(actor_id=actor_id,
                         beneficiary_id_number=application.beneficiary_id_number,
                         on_behalf=on_behalf, with_documents=bool(documents))
    _flush_unique(application)
    _set_documents(application, actor_id, documents)
    history.record_event(application, actor_id=actor_id, action="create", from_status=None,
                         to_status="draft")
    db.session.commit()
    return application


def get_own_application(actor_id: int, application_id: int) -> AidApplication:
    application = get_visible_application(actor_id, application_id)
    if application.applicant_id != actor_id:
        raise Forbidden("Only the applicant may change or withdraw this application.")
    return application


def update_application(*, actor_id: int, application_id: int, version: int,
                       **changes: Any) -> AidApplication:
    """Edit a draft or a returned application (e.g. after the officer's reason)."""
    application = get_own_application(actor_id, application_id)
    program = db.session.get(AidProgram, application.program_id)
    transition(application, "edit", version=version)
    if "org_id" in changes:
        _set_org(application, program, changes["org_id"])
    if "category_code" in changes or "tier_code" in changes:
        _set_tier(application, program, changes.get("category_code", application.category_code),
                  changes.get("tier_code", application.tier_code))
    if "beneficiary" in changes:
        _set_beneficiary(application, changes["beneficiary"])
    if "bank_account" in changes:
        _set_bank_account(application, changes["bank_account"])
    if "reason" in changes:
        application.reason = changes["reason"]
    _check_student_fields(application, program)
    if changes.keys() & {"beneficiary", "bank_account", "documents"}:
        require_aid_consents(actor_id=actor_id,
                             beneficiary_id_number=application.beneficiary_id_number,
                             on_behalf=application.entered_by_officer,
                             with_documents=bool(changes.get("documents")))
    _flush_unique(application)
    if "documents" in changes:
        _set_documents(application, actor_id, changes["documents"])
    db.session.commit()
    return application


def missing_documents(application: AidApplication, program: AidProgram) -> list[str]:
    category, _ = find_category(program, application.category_code, application.tier_code)
    attached = set(db.session.scalars(select(AidApplicationFile.kind).where(
        AidApplicationFile.application_id == application.id)))
    return [kind for kind in category["required_documents"] if kind not in attached]


def unlisted_documents(application: AidApplication, program: AidProgram) -> list[str]:
    """Minimal collection: a category lists exactly the documents it needs, nothing more."""
    category, _ = find_category(program, application.category_code, application.tier_code)
    attached = set(db.session.scalars(select(AidApplicationFile.kind).where(
        AidApplicationFile.application_id == application.id)))
    return sorted(attached - set(category["required_documents"]))


def chain_orgs(application: AidApplication, program: AidProgram) -> list[Org]:
    """The org deciding each step: the applicant org's ancestor at that level."""
    org = db.session.get(Org, application.org_id)
    orgs = []
    for level in program.chain:
        step_org = ancestor_at_level(org, level)
        if step_org is None:
            raise _invalid("org_id", f"{org.name} has no {level} above it for this chain.")
        orgs.append(step_org)
    return orgs


def submit(*, actor_id: int, application_id: int, version: int) -> AidApplication:
    """Into the chain at its first step; a returned application starts again from there."""
    application = get_own_application(actor_id, application_id)
    program = db.session.get(AidProgram, application.program_id)
    now = utcnow()
    if not program.opens_at <= now < program.closes_at:
        raise Invalid("The program is not taking applications now.", code="outside_window",
                      details={"opens_at": program.opens_at.isoformat(),
                               "closes_at": program.closes_at.isoformat()})
    if not is_eligible(program, db.session.get(Org, application.org_id)):
        raise _invalid("org_id", "The applicant org is not eligible for this program.")
    unlisted = unlisted_documents(application, program)
    if unlisted:
        raise Invalid(f"Documents this category does not ask for: {', '.join(unlisted)}.",
                      code="documents_not_needed",
                      details={"fields": {"documents": [f"not needed: {kind}"
                                                        for kind in unlisted]},
                               "unlisted": unlisted})
    missing = missing_documents(application, program)
    if missing:
        raise Invalid(f"Missing documents: {', '.join(missing)}.", code="documents_missing",
                      details={"fields": {"documents": [f"missing {kind}" for kind in missing]},
                               "missing": missing})
    first = chain_orgs(application, program)[0]
    from_status = application.status
    transition(application, "submit", version=version, status="submitted", step=0,
               step_org_id=first.id, submitted_at=now, last_comment=None)
    history.record_event(application, actor_id=actor_id,
                         action="resubmit" if from_status == "returned" else "submit",
                         from_status=from_status, to_status="submitted", step=0,
                         org_id=first.id)
    history.open_step_todo(application, program_name=program.name, step_org=first,
                           version=application.version)
    db.session.commit()
    return application


def withdraw(*, actor_id: int, application_id: int, version: int) -> AidApplication:
    """The applicant takes it back before the final decision; the beneficiary's slot frees."""
    application = get_own_application(actor_id, application_id)
    from_status = application.status
    transition(application, "withdraw", version=version, status="withdrawn", step=None,
               step_org_id=None)
    history.close_step_todo(application.id)
    history.record_event(application, actor_id=actor_id, action="withdraw",
                         from_status=from_status, to_status="withdrawn")
    db.session.commit()
    return application


def reveal(*, actor_id: int, application_id: int, field: str, reason: str) -> str:
    """An officer over the applicant org reads one whole value; audited with the reason."""
    application = get_visible_application(actor_id, application_id)
    authorize(actor_id, db.session.get(Org, application.org_id), ANY_ROLE)
    audit.record(actor_id=actor_id, actor_role="officer", org_id=application.org_id,
                 action="pii.reveal", target_type="aid_application", target_id=application.id,
                 field=field, reason=reason)
    db.session.commit()
    return getattr(application, REVEALABLE[field])


def list_for_officer(*, actor_id: int, program_id: int | None, status: str | None,
                     waiting_for_me: bool, limit: int,
                     cursor: str | None) -> tuple[list[AidApplication], str | None]:
    """Submitted-or-later applications under the officer's orgs, oldest first."""
    query = select(AidApplication).where(org_scope_clause(actor_id, AidApplication.org_id),
                                         AidApplication.status != "draft")
    if waiting_for_me:
        mine = [org.id for _, org in grants_of(actor_id, ("approver",))]
        query = query.where(AidApplication.status == "submitted",
                            AidApplication.step_org_id.in_(mine))
    if program_id is not None:
        query = query.where(AidApplication.program_id == program_id)
    if status:
        query = query.where(AidApplication.status == status)
    after = cursor_id(cursor)
    if after is not None:
        query = query.where(AidApplication.id > after)
    return page(list(db.session.scalars(query.order_by(AidApplication.id).limit(limit + 1))),
                limit)


def list_mine(*, actor_id: int, limit: int,
              cursor: str | None) -> tuple[list[AidApplication], str | None]:
    query = select(AidApplication).where(AidApplication.applicant_id == actor_id)
    after = cursor_id(cursor)
    if after is not None:
        query = query.where(AidApplication.id < after)
    return page(list(db.session.scalars(
        query.order_by(AidApplication.id.desc()).limit(limit + 1))), limit)

