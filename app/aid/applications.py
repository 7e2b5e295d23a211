"""Applications by the applicant: create and edit drafts, submit, withdraw; officers list
them and reveal personal data with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.aid import repeat
from app.aid.access import get_application, get_program
from app.aid.decisions import chain_orgs, close_step_todo, move, open_step_todo
from app.aid.history import record_event
from app.aid.models import (
    CONFIRMATIONS,
    DOCUMENT_KINDS,
    AidApplication,
    AidApplicationFile,
    AidProgram,
)
from app.aid.programs import find_category, is_eligible
from app.core import audit
from app.core.crypto import keyed_hash
from app.core.db import commit_keeping_loaded, is_unique_violation
from app.core.i18n import N_, translate
from app.core.labels import Code, Codes
from app.core.pagination import Page, keyset_page
from app.core.roles import DECIDERS, OFFICERS
from app.core.time import shown, utcnow
from app.errors import Conflict, FieldMessage, FieldProblems, Invalid
from app.extensions import db
from app.files.service import owned_files
from app.hardship.lookup import Household, household_of
from app.members.memberships import validated_id_number
from app.orgs.scope import authorize, get_org_or_404, grants_of, org_scope_clause
from app.privacy.consent import require_aid_consents

REVEALABLE = {"id_number": "beneficiary_id_number", "bank_account": "bank_account"}


@dataclass(frozen=True)
class Revealed:
    """One whole personal value an officer asked to see."""

    field: str
    value: str


def _invalid(field: str, message: str, params: dict | None = None) -> Invalid:
    return Invalid(message, params=params,
                   details={"fields": {field: [FieldMessage(message, params)]}})


def _set_org(application: AidApplication, program: AidProgram, org_id: int) -> None:
    org = get_org_or_404(org_id)
    if not is_eligible(program, org):
        raise _invalid("org_id", "%(org)s is not eligible for %(program)s.",
                       {"org": org.name, "program": program.name})
    application.org = org


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


def _own_documents(actor_id: int, documents: list[dict[str, Any]]) -> dict[int, Any]:
    """The caller's own uploads among the documents; anybody else's file id is refused."""
    wanted = [doc["file_id"] for doc in documents]
    mine = owned_files(actor_id=actor_id, file_ids=wanted)
    unknown = sorted(set(wanted) - set(mine))
    if unknown:
        raise _invalid("documents", "Unknown files (upload them first): %(files)s.",
                       {"files": unknown})
    return mine


def _set_documents(application: AidApplication, documents: list[dict[str, Any]],
                   mine: dict[int, Any]) -> None:
    """Attach the caller's own uploads (`_own_documents`)."""
    wanted = {doc["file_id"]: doc["kind"] for doc in documents}
    attached = {document.file_id: document for document in application.documents}
    kept = []
    for file_id, kind in sorted(wanted.items()):
        document = attached.get(file_id) or AidApplicationFile(file_id=file_id,
                                                               file=mine[file_id])
        document.kind = kind
        kept.append(document)
    application.documents = kept  # the ones left out are deleted (delete-orphan)


def _check_window(program: AidProgram) -> None:
    if not program.opens_at <= utcnow() < program.closes_at:
        raise Invalid("The program is not taking applications now.", code="outside_window",
                      details={"opens_at": shown(program.opens_at),
                               "closes_at": shown(program.closes_at)})


def _take_slot(application: AidApplication, *, actor_id: int, version: int,
               **values: Any) -> None:
    """Submit through the partial unique index on submitted-or-later applications: of two
    racing submits for one beneficiary the second is refused. The answer tells the caller
    only what they already know: their own application for the beneficiary by its id, and
    anybody else's as a plain "cannot be submitted" (these answers are rate-limited per user).
    """
    try:
        with db.session.begin_nested():
            move(application, "submit", version=version, **values)
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise _duplicate(application, actor_id) from None


def _duplicate(application: AidApplication, actor_id: int) -> Conflict:
    """What the caller learns of the application holding the slot: its id if it is theirs."""
    own = db.session.scalar(select(AidApplication.id).where(
        AidApplication.program_id == application.program_id,
        AidApplication.beneficiary_id_hash == application.beneficiary_id_hash,
        AidApplication.applicant_id == actor_id,
        AidApplication.id != application.id,
        AidApplication.status.not_in(("draft", "withdrawn"))))
    if own is not None:
        return Conflict("You already applied for this beneficiary in this program.",
                        code="application_exists", details={"application_id": own})
    return Conflict("This application cannot be submitted for this beneficiary; ask "
                    "your union office.", code="beneficiary_unavailable")


def create_application(*, actor_id: int, program_id: int, org_id: int, category_code: str,
                       tier_code: str, beneficiary: dict[str, Any],
                       bank_account: dict[str, str], reason: str,
                       documents: list[dict[str, Any]], on_behalf: bool,
                       confirmations: list[str] | None = None) -> AidApplication:
    """A draft by a member (for themselves or family) or an officer entering it on behalf."""
    program = get_program(actor_id, program_id)
    _check_window(program)
    if on_behalf:
        authorize(actor_id, get_org_or_404(org_id), OFFICERS)
    application = AidApplication(program=program, applicant_id=actor_id,
                                 entered_by_officer=on_behalf, reason=reason, status="draft",
                                 version=1, confirmations=sorted(set(confirmations or [])),
                                 repeat_aid=[])
    # every problem at once: each step's field problems are collected, then raised together
    problems = FieldProblems()
    with problems.check():
        _set_org(application, program, org_id)
    with problems.check():
        _set_tier(application, program, category_code, tier_code)
    with problems.check():
        _set_beneficiary(application, beneficiary)
    _set_bank_account(application, bank_account)
    if not problems.has("category_code", "tier_code"):
        with problems.check():
            _check_student_fields(application, program)
    mine = {}
    with problems.check():
        mine = _own_documents(actor_id, documents)
    problems.raise_if_any()
    require_aid_consents(actor_id=actor_id,
                         beneficiary_id_number=application.beneficiary_id_number,
                         on_behalf=on_behalf, with_documents=bool(documents))
    db.session.add(application)
    db.session.flush()
    _set_documents(application, documents, mine)
    record_event(application, actor_id=actor_id, action="create", from_status=None,
                 to_status="draft")
    commit_keeping_loaded()
    return application


def update_application(*, actor_id: int, application_id: int, version: int,
                       **changes: Any) -> AidApplication:
    """Edit a draft or a returned application (e.g. after the officer's reason)."""
    application = get_application(actor_id, application_id, applicant_only=True)
    program = application.program
    move(application, "edit", version=version)
    problems = FieldProblems()
    if "org_id" in changes:
        with problems.check():
            _set_org(application, program, changes["org_id"])
    if "category_code" in changes or "tier_code" in changes:
        with problems.check():
            _set_tier(application, program,
                      changes.get("category_code", application.category_code),
                      changes.get("tier_code", application.tier_code))
    if "beneficiary" in changes:
        with problems.check():
            _set_beneficiary(application, changes["beneficiary"])
    if "bank_account" in changes:
        _set_bank_account(application, changes["bank_account"])
    if "reason" in changes:
        application.reason = changes["reason"]
    if "confirmations" in changes:
        application.confirmations = sorted(set(changes["confirmations"]))
    if not problems.has("category_code", "tier_code"):
        with problems.check():
            _check_student_fields(application, program)
    mine = {}
    if "documents" in changes:
        with problems.check():
            mine = _own_documents(actor_id, changes["documents"])
    problems.raise_if_any()
    if changes.keys() & {"beneficiary", "bank_account", "documents"}:
        require_aid_consents(actor_id=actor_id,
                             beneficiary_id_number=application.beneficiary_id_number,
                             on_behalf=application.entered_by_officer,
                             with_documents=bool(changes.get("documents")))
    if "documents" in changes:
        _set_documents(application, changes["documents"], mine)
    if "beneficiary" in changes and application.status != "draft":
        # a returned application holds its slot: another beneficiary's taken one is refused
        # (checked before the write; the unique index still refuses a racing twin)
        with db.session.no_autoflush:
            taken = db.session.scalar(select(AidApplication.id).where(
                AidApplication.program_id == application.program_id,
                AidApplication.beneficiary_id_hash == application.beneficiary_id_hash,
                AidApplication.id != application.id,
                AidApplication.status.not_in(("draft", "withdrawn"))))
            if taken is not None:
                raise _duplicate(application, actor_id)
    commit_keeping_loaded()
    return application


def _attached_kinds(application: AidApplication) -> set[str]:
    return {document.kind for document in application.documents}


def missing_documents(application: AidApplication) -> list[str]:
    category, _ = find_category(application.program, application.category_code,
                                application.tier_code)
    attached = _attached_kinds(application)
    return [kind for kind in category["required_documents"] if kind not in attached]


def unlisted_documents(application: AidApplication) -> list[str]:
    """Minimal collection: a category lists exactly the documents it needs, nothing more."""
    category, _ = find_category(application.program, application.category_code,
                                application.tier_code)
    return sorted(_attached_kinds(application) - set(category["required_documents"]))


def _check_hardship_file(application: AidApplication, household: Household | None) -> None:
    """A program may require the beneficiary's household to be filed (or other evidence)."""
    rule = application.program.hardship_file_rule
    if rule == "none" or (household is not None and household.is_filed):
        return
    if rule == "or_evidence" and "other" in _attached_kinds(application):
        return
    message = (N_("This program needs the beneficiary's household to have a filed hardship "
                  "file.") if rule == "required" else
               N_("This program needs a filed hardship file or other evidence of hardship "
                  "(attach it as other documents)."))
    raise Invalid(message, code="hardship_file_required",
                  details={"fields": {"documents": [FieldMessage(message)]}, "rule": rule})


def submit(*, actor_id: int, application_id: int, version: int) -> AidApplication:
    """Into the chain at its first step; a returned application starts again from there."""
    application = get_application(actor_id, application_id, applicant_only=True)
    program = application.program
    now = utcnow()
    _check_window(program)
    if not is_eligible(program, application.org):
        raise _invalid("org_id", "The applicant org is not eligible for this program.")
    unlisted = unlisted_documents(application)
    if unlisted:
        raise Invalid("Documents this category does not ask for: %(kinds)s.",
                      params={"kinds": Codes(DOCUMENT_KINDS, unlisted)},
                      code="documents_not_needed",
                      details={"fields": {"documents": [
                          translate(N_("Remove the %(kind)s: this category does not ask for it."),
                                    {"kind": Code(DOCUMENT_KINDS, kind)}) for kind in unlisted]},
                               "unlisted": unlisted})
    missing = missing_documents(application)
    if missing:
        raise Invalid("Missing documents: %(kinds)s.",
                      params={"kinds": Codes(DOCUMENT_KINDS, missing)},
                      code="documents_missing",
                      details={"fields": {"documents": [
                          translate(N_("Upload the %(kind)s."),
                                    {"kind": Code(DOCUMENT_KINDS, kind)}) for kind in missing]},
                               "missing": missing})
    missing_confirmations = [code for code in program.required_confirmations or []
                             if code not in (application.confirmations or [])]
    if missing_confirmations:
        raise Invalid("Confirm first: %(items)s.",
                      params={"items": Codes(CONFIRMATIONS, missing_confirmations)},
                      code="confirmations_missing",
                      details={"fields": {"confirmations": [
                          translate(N_("Confirm: %(item)s."), {"item": Code(CONFIRMATIONS, c)})
                          for c in missing_confirmations]}, "missing": missing_confirmations})
    household = household_of(application.beneficiary_id_hash)
    _check_hardship_file(application, household)
    found = repeat.check(application, household, lock=False)
    first = chain_orgs(application)[0]
    from_status = application.status
    _take_slot(application, actor_id=actor_id, version=version, status="submitted", step=0,
               step_org_id=first.id, submitted_at=now, last_comment=None, repeat_aid=found,
               hardship_file_id=household.file_id if household and household.is_filed else None,
               hardship_level=household.level if household and household.is_filed else None)
    record_event(application, actor_id=actor_id,
                 action="resubmit" if from_status == "returned" else "submit",
                 from_status=from_status, to_status="submitted", step=0, org_id=first.id)
    open_step_todo(application, program_name=program.name, step_org=first,
                   version=application.version)
    commit_keeping_loaded()
    return application


def withdraw(*, actor_id: int, application_id: int, version: int) -> AidApplication:
    """The applicant takes it back before the final decision; the beneficiary's slot frees."""
    application = get_application(actor_id, application_id, applicant_only=True)
    from_status = application.status
    move(application, "withdraw", version=version, status="withdrawn", step=None,
         step_org_id=None)
    close_step_todo(application.id)
    record_event(application, actor_id=actor_id, action="withdraw", from_status=from_status,
                 to_status="withdrawn")
    commit_keeping_loaded()
    return application


def reveal(*, actor_id: int, application_id: int, field: str, reason: str) -> Revealed:
    """An officer over the applicant org reads one whole value; audited with the reason."""
    application = get_application(actor_id, application_id)
    authorize(actor_id, application.org, OFFICERS)
    audit.record(actor_id=actor_id, actor_role="officer", org_id=application.org_id,
                 action="pii.reveal", target_type="aid_application", target_id=application.id,
                 field=field, reason=reason)
    commit_keeping_loaded()
    return Revealed(field=field, value=getattr(application, REVEALABLE[field]))


def _listed(query):
    """What a page of applications shows, joined into the page's own SELECT (each is one row
    per application, so the LIMIT still counts applications)."""
    return query.options(joinedload(AidApplication.program), joinedload(AidApplication.org),
                         joinedload(AidApplication.step_org))


def list_for_officer(*, actor_id: int, program_id: int | None, status: str | None,
                     waiting_for_me: bool, limit: int, cursor: str | None) -> Page:
    """Submitted-or-later applications under the officer's orgs, oldest first."""
    query = select(AidApplication).where(org_scope_clause(actor_id, AidApplication.org_id),
                                         AidApplication.status != "draft")
    if waiting_for_me:
        mine = [org.id for _, org in grants_of(actor_id, DECIDERS)]
        query = query.where(AidApplication.status == "submitted",
                            AidApplication.step_org_id.in_(mine))
    if program_id is not None:
        query = query.where(AidApplication.program_id == program_id)
    if status:
        query = query.where(AidApplication.status == status)
    return keyset_page(_listed(query), keys=[AidApplication.id], limit=limit, cursor=cursor)


def list_mine(*, actor_id: int, limit: int, cursor: str | None) -> Page:
    """The caller's own applications, newest first."""
    query = select(AidApplication).where(AidApplication.applicant_id == actor_id)
    return keyset_page(_listed(query), keys=[AidApplication.id], limit=limit, cursor=cursor,
                       descending=True)
