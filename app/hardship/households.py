"""Files as the applicant fills them: create and edit drafts with the eligibility shown,
submit (the household is held from here), withdraw; the self-test; officers' lists and
audited reveals; the county's settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.core import audit
from app.core.crypto import keyed_hash
from app.core.db import is_unique_violation
from app.core.pagination import Page, keyset_page
from app.core.roles import ADMINS, OFFICERS
from app.core.time import utcnow
from app.errors import Conflict, FieldMessage, FieldProblems, Invalid, NotFound
from app.extensions import db
from app.hardship.access import chain_of, get_file, mine_clause
from app.hardship.chain import (
    close_step_todo,
    move,
    open_step_todo,
    record_event,
    set_holding,
    settings_of,
)
from app.hardship.documents import set_evidence
from app.hardship.eligibility import Assessment, assess
from app.hardship.models import HardshipFile, HardshipMember, HardshipSettings
from app.members.memberships import validated_id_number
from app.orgs.scope import authorize, get_org, get_org_or_404, org_scope_clause
from app.privacy.consent import require_aid_consents

FIGURES = ("income_items", "fixed_costs", "accident_costs_fen")


@dataclass(frozen=True)
class Revealed:
    field: str
    value: str


def _line(county_org_id: int) -> int:
    settings = settings_of(county_org_id)
    if settings is None:
        raise Conflict("The county union has not set its minimum living standard yet.",
                       code="poverty_line_missing", details={"county_org_id": county_org_id})
    return settings.poverty_line_fen


def self_test(*, county_org_id: int, household_size: int, yearly_income_fen: int,
              yearly_fixed_costs_fen: int, accident_costs_fen: int) -> Assessment:
    """The 30-second test before applying: nothing is stored."""
    county = get_org_or_404(county_org_id)
    if county.level != "county":
        raise Invalid("Choose a county union.", details={"fields": {"county_org_id": [
            FieldMessage("Choose a county union.")]}})
    return assess(yearly_income_fen=yearly_income_fen,
                  yearly_fixed_costs_fen=yearly_fixed_costs_fen,
                  accident_costs_fen=accident_costs_fen, household_size=household_size,
                  poverty_line_fen=_line(county_org_id))


def _assess_into(hardship_file: HardshipFile) -> None:
    income = sum(item["amount_fen"] for item in hardship_file.income_items)
    costs = sum(item["amount_fen"] for item in hardship_file.fixed_costs)
    result = assess(yearly_income_fen=income, yearly_fixed_costs_fen=costs,
                    accident_costs_fen=hardship_file.accident_costs_fen,
                    household_size=hardship_file.household_size,
                    poverty_line_fen=_line(hardship_file.county_org_id))
    hardship_file.yearly_income_fen, hardship_file.yearly_fixed_costs_fen = income, costs
    hardship_file.poverty_line_fen, hardship_file.level = result.poverty_line_fen, result.level


def _members(head: dict[str, Any], family: list[dict[str, Any]],
             problems: FieldProblems) -> list[HardshipMember]:
    people = [({**head, "relation": "self"}, "head.id_number")] + [
        (person, f"family.{n}.id_number") for n, person in enumerate(family)]
    members, seen = [], set()
    for person, field in people:
        try:
            number = validated_id_number(person["id_number"], field)
        except Invalid as exc:
            problems.merge(exc)
            continue
        digest = keyed_hash(number)
        if digest in seen:
            problems.invalid(field, "This ID number is in the household twice.")
            continue
        seen.add(digest)
        members.append(HardshipMember(name=person["name"], relation=person["relation"],
                                      id_number=number, id_hash=digest,
                                      health=person["health"], schooling=person["schooling"],
                                      work=person.get("work")))
    return members


def _set_household(hardship_file: HardshipFile, head: dict[str, Any],
                   family: list[dict[str, Any]], problems: FieldProblems) -> list:
    members = _members(head, family, problems)
    if members and members[0].relation == "self":
        hardship_file.head_name = members[0].name
        hardship_file.head_id_number = members[0].id_number
        hardship_file.head_id_hash = members[0].id_hash
    hardship_file.employer = head.get("employer")
    hardship_file.household_size = 1 + len(family)
    return members


def _replace_members(hardship_file: HardshipFile, members: list[HardshipMember], *,
                     holding: bool, actor_id: int) -> None:
    """The household becomes `members`; a holding file's new numbers go through the unique
    index (a number held by another file is refused with 409)."""
    if hardship_file.id is not None:
        db.session.execute(delete(HardshipMember).where(
            HardshipMember.file_id == hardship_file.id))
        db.session.expire(hardship_file, ["members"])
    try:
        with db.session.begin_nested():
            for member in members:
                member.holding = holding
                member.file_id = hardship_file.id
                db.session.add(member)
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise _household_taken(hardship_file, actor_id) from None


def _held_elsewhere(hardship_file: HardshipFile) -> bool:
    """Read before writing (a refusal then holds no write lock on SQLite); the partial unique
    index is what refuses a racing submit."""
    with db.session.no_autoflush:
        hashes = [m.id_hash for m in hardship_file.members]
        return db.session.scalar(select(HardshipMember.id).where(
            HardshipMember.id_hash.in_(hashes), HardshipMember.holding.is_(True),
            HardshipMember.file_id != hardship_file.id).limit(1)) is not None


def _household_taken(hardship_file: HardshipFile, actor_id: int) -> Conflict:
    """What the caller learns: their own other file by its id, anybody else's as a plain
    refusal (the rule itself, nothing more; limited per user)."""
    hashes = [m.id_hash for m in db.session.scalars(select(HardshipMember).where(
        HardshipMember.file_id == hardship_file.id))] or [hardship_file.head_id_hash]
    own = db.session.scalar(select(HardshipFile.id).join(
        HardshipMember, HardshipMember.file_id == HardshipFile.id).where(
        HardshipMember.id_hash.in_(hashes), HardshipMember.holding.is_(True),
        HardshipFile.id != hardship_file.id, HardshipFile.applicant_id == actor_id).limit(1))
    if own is not None:
        return Conflict("You opened a hardship file for this household already.",
                        code="hardship_file_exists", details={"file_id": own})
    field = _held_member_field(hardship_file)
    details = {"fields": {field: [FieldMessage(HELD_ELSEWHERE)]}} if field else {}
    return Conflict("A member of this household is in another open hardship file; ask your "
                    "union office.", code="household_has_file", details=details)


HELD_ELSEWHERE = "This person is in another open hardship file."


def _held_member_field(hardship_file: HardshipFile) -> str | None:
    """The form's field of the first member whose number another open file holds
    (`head.id_number` or `family.<n>.id_number`, n in the household's order): the form shows
    the refusal next to that person, whom the caller typed in; the other file stays unnamed."""
    members = list(db.session.scalars(select(HardshipMember).where(
        HardshipMember.file_id == hardship_file.id).order_by(HardshipMember.id)))
    held = set(db.session.scalars(select(HardshipMember.id_hash).where(
        HardshipMember.id_hash.in_([m.id_hash for m in members]),
        HardshipMember.holding.is_(True), HardshipMember.file_id != hardship_file.id)))
    family = [m for m in members if m.relation != "self"]
    for member in members:
        if member.id_hash in held:
            if member.relation == "self":
                return "head.id_number"
            return f"family.{family.index(member)}.id_number"
    return None


def create_file(*, actor_id: int, org_id: int, on_behalf: bool, head: dict[str, Any],
                family: list[dict[str, Any]], main_cause: str, secondary_causes: list[str],
                income_items: list[dict], fixed_costs: list[dict], accident_costs_fen: int,
                bank_account: dict[str, str], evidence_file_ids: list[int]) -> HardshipFile:
    """A draft by the head of household (a member) or by an officer of the grassroots union
    for a worker; the eligibility is assessed as it is saved."""
    org = get_org_or_404(org_id)
    if on_behalf:
        authorize(actor_id, org, OFFICERS)
    _, _, county = chain_of(org)
    hardship_file = HardshipFile(org=org, org_id=org.id, county_org_id=county.id,
                                 applicant_id=actor_id, entered_by_officer=on_behalf,
                                 main_cause=main_cause, secondary_causes=secondary_causes,
                                 income_items=income_items, fixed_costs=fixed_costs,
                                 accident_costs_fen=accident_costs_fen,
                                 bank_holder=bank_account["holder"],
                                 bank_name=bank_account["bank"],
                                 bank_account=bank_account["number"], status="draft", version=1)
    problems = FieldProblems()
    members = _set_household(hardship_file, head, family, problems)
    problems.raise_if_any()
    require_aid_consents(actor_id=actor_id, beneficiary_id_number=hardship_file.head_id_number,
                         on_behalf=on_behalf, with_documents=bool(evidence_file_ids))
    _assess_into(hardship_file)
    hardship_file.documents = []
    set_evidence(actor_id, hardship_file, evidence_file_ids)
    db.session.add(hardship_file)
    db.session.flush()
    _replace_members(hardship_file, members, holding=False, actor_id=actor_id)
    record_event(hardship_file, actor_id=actor_id, action="create", from_status=None,
                 to_status="draft", org_id=org.id)
    db.session.commit()
    return get_file(actor_id, hardship_file.id)


def update_file(*, actor_id: int, file_id: int, version: int, **changes: Any) -> HardshipFile:
    """Edit a draft or a returned file; a returned file keeps holding its household."""
    hardship_file = get_file(actor_id, file_id, applicant_only=True)
    move(hardship_file, "edit", version=version)
    db.session.refresh(hardship_file)
    problems = FieldProblems()
    members = None
    if "head" in changes or "family" in changes:
        head = changes.get("head") or _head_of(hardship_file)
        family = changes["family"] if "family" in changes else _family_of(hardship_file)
        members = _set_household(hardship_file, head, family, problems)
    problems.raise_if_any()
    for key in ("main_cause", "secondary_causes", *FIGURES):
        if key in changes:
            setattr(hardship_file, key, changes[key])
    if "bank_account" in changes:
        account = changes["bank_account"]
        hardship_file.bank_holder, hardship_file.bank_name = account["holder"], account["bank"]
        hardship_file.bank_account = account["number"]
    if changes.keys() & {"head", "family", "bank_account", "evidence_file_ids"}:
        require_aid_consents(actor_id=actor_id,
                             beneficiary_id_number=hardship_file.head_id_number,
                             on_behalf=hardship_file.entered_by_officer,
                             with_documents=bool(changes.get("evidence_file_ids")))
    _assess_into(hardship_file)
    if "evidence_file_ids" in changes:
        set_evidence(actor_id, hardship_file, changes["evidence_file_ids"])
    if members is not None:
        _replace_members(hardship_file, members, holding=hardship_file.status == "returned",
                         actor_id=actor_id)
    record_event(hardship_file, actor_id=actor_id, action="edit",
                 from_status=hardship_file.status, to_status=hardship_file.status)
    db.session.commit()
    return get_file(actor_id, file_id)


def _head_of(hardship_file: HardshipFile) -> dict[str, Any]:
    head = next(m for m in hardship_file.members if m.relation == "self")
    return {"name": head.name, "id_number": head.id_number, "health": head.health,
            "schooling": head.schooling, "work": head.work, "employer": hardship_file.employer}


def _family_of(hardship_file: HardshipFile) -> list[dict[str, Any]]:
    return [{"name": m.name, "relation": m.relation, "id_number": m.id_number,
             "health": m.health, "schooling": m.schooling, "work": m.work}
            for m in hardship_file.members if m.relation != "self"]


def submit(*, actor_id: int, file_id: int, version: int) -> HardshipFile:
    """Into the chain at the grassroots union; from here the household is held: a member's
    ID number in another open file is refused by the database (409)."""
    hardship_file = get_file(actor_id, file_id, applicant_only=True)
    grassroots, _, _ = chain_of(hardship_file.org)
    _assess_into(hardship_file)
    if hardship_file.level == "none":
        raise Invalid("By the eligibility test this household is not in hardship.",
                      code="not_eligible",
                      details={"level": "none",
                               "monthly_per_person_fen": hardship_file.monthly_per_person_fen,
                               "poverty_line_fen": hardship_file.poverty_line_fen})
    from_status = hardship_file.status
    if _held_elsewhere(hardship_file):
        raise _household_taken(hardship_file, actor_id)
    try:
        with db.session.begin_nested():
            move(hardship_file, "submit", version=version, step_org_id=grassroots.id,
                 level=hardship_file.level, yearly_income_fen=hardship_file.yearly_income_fen,
                 yearly_fixed_costs_fen=hardship_file.yearly_fixed_costs_fen,
                 poverty_line_fen=hardship_file.poverty_line_fen, last_comment=None)
            set_holding(hardship_file, True)
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise _household_taken(hardship_file, actor_id) from None
    db.session.refresh(hardship_file)
    record_event(hardship_file, actor_id=actor_id, action="submit", from_status=from_status,
                 to_status="grassroots_review", org_id=grassroots.id)
    open_step_todo(hardship_file, grassroots, what="入户核查并初审")
    db.session.commit()
    return get_file(actor_id, file_id)


def withdraw(*, actor_id: int, file_id: int, version: int) -> HardshipFile:
    hardship_file = get_file(actor_id, file_id, applicant_only=True)
    from_status = move(hardship_file, "withdraw", version=version, step_org_id=None)
    set_holding(hardship_file, False)
    close_step_todo(hardship_file.id)
    db.session.refresh(hardship_file)
    record_event(hardship_file, actor_id=actor_id, action="withdraw", from_status=from_status,
                 to_status="withdrawn")
    db.session.commit()
    return get_file(actor_id, file_id)


def reveal(*, actor_id: int, file_id: int, field: str, reason: str,
           member_id: int | None = None) -> Revealed:
    """An officer over the file's org reads one whole value; audited with the reason."""
    hardship_file = get_file(actor_id, file_id)
    authorize(actor_id, hardship_file.org, OFFICERS)
    if field == "bank_account":
        value = hardship_file.bank_account
    else:
        member = next((m for m in hardship_file.members
                       if (m.id == member_id if member_id else m.relation == "self")), None)
        if member is None:
            raise NotFound("No such member of this household.")
        value = member.id_number
    audit.record(actor_id=actor_id, actor_role="officer", org_id=hardship_file.org_id,
                 action="pii.reveal", target_type="hardship_file", target_id=hardship_file.id,
                 field=field if member_id is None else f"{field}:{member_id}", reason=reason)
    db.session.commit()
    return Revealed(field=field, value=value)


def list_for_officer(*, actor_id: int, status: str | None, level: str | None,
                     org_id: int | None, limit: int, cursor: str | None) -> Page:
    query = select(HardshipFile).where(org_scope_clause(actor_id, HardshipFile.org_id),
                                       HardshipFile.status != "draft")
    if status:
        query = query.where(HardshipFile.status == status)
    if level:
        query = query.where(HardshipFile.level == level)
    if org_id is not None:
        query = query.where(HardshipFile.org_id == org_id)
    return keyset_page(query, keys=[HardshipFile.id], limit=limit, cursor=cursor)


def list_mine(*, actor_id: int, limit: int, cursor: str | None) -> Page:
    """Files the caller opened or whose household the caller belongs to, newest first."""
    query = select(HardshipFile).where(mine_clause(actor_id))
    return keyset_page(query, keys=[HardshipFile.id], limit=limit, cursor=cursor,
                       descending=True)


def get_settings(*, org_id: int) -> HardshipSettings:
    settings = settings_of(get_org_or_404(org_id).id)
    if settings is None:
        raise NotFound("The county union has not set its minimum living standard yet.")
    return settings


def put_settings(*, actor_id: int, org_id: int, poverty_line_fen: int,
                 notice_working_days: int, version: int | None = None) -> HardshipSettings:
    """A county's admins set the 低保 line (monthly, per person) and the notice length."""
    org = get_org(actor_id, org_id, roles=ADMINS)
    if org.level != "county":
        raise Invalid("The minimum living standard is set by a county union.",
                      details={"fields": {"org_id": [
                          FieldMessage("The minimum living standard is set by a county union.")]}})
    settings = settings_of(org.id)
    if settings is None:
        settings = HardshipSettings(org_id=org.id, org=org, version=1)
        db.session.add(settings)
    elif version is not None and version != settings.version:
        raise Conflict("These settings changed since you loaded them.", code="stale_version",
                       details={"version": settings.version})
    else:
        settings.version += 1
    before = {"poverty_line_fen": settings.poverty_line_fen,
              "notice_working_days": settings.notice_working_days}
    settings.poverty_line_fen, settings.notice_working_days = poverty_line_fen, notice_working_days
    settings.updated_by, settings.updated_at = actor_id, utcnow()
    audit.record(actor_id=actor_id, actor_role="admin", org_id=org.id,
                 action="hardship.settings", target_type="org", target_id=org.id,
                 before=before, after={"poverty_line_fen": poverty_line_fen,
                                       "notice_working_days": notice_working_days})
    db.session.commit()
    return settings
