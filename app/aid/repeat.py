"""No repeat aid: the same person (or household) is not aided twice for the same need in a
year, across programs and orgs. Each program names the programs whose aid excludes it; a
conflict is flagged to the approvers with the other aid's program, year and amount only, and
refused where the program says so. People are matched by the keyed hash of their ID number
(and, for a household rule, by the hashes of the members of their open hardship file): no
plain number is ever compared. The applicant learns only that the rule applies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text

from app.aid.models import AIDED, AidApplication, AidProgram
from app.core.db import dialect_name
from app.errors import Conflict
from app.extensions import db
from app.hardship.lookup import Household


def people(application: AidApplication, household: Household | None) -> list[str]:
    hashes = {application.beneficiary_id_hash}
    if application.program.repeat_scope == "household" and household is not None:
        hashes |= set(household.member_hashes)
    return sorted(hashes)


def excluding_programs(program: AidProgram) -> set[int]:
    """The programs this one names; under a household rule the program's own aid to another
    member of the household counts too (送温暖 once per family)."""
    ids = set(program.excluded_by_program_ids or [])
    if program.repeat_scope == "household":
        ids.add(program.id)
    return ids


def other_aid(application: AidApplication, household: Household | None) -> list[dict[str, Any]]:
    """Aid given this year to the person or household by a program that excludes this one or
    that this one excludes (the same need, whichever came first): program, year and amount —
    all an approver needs, nothing about the other org or applicant."""
    program = application.program
    named = excluding_programs(program)
    rows = db.session.execute(
        select(AidProgram.id, AidProgram.name, AidProgram.year,
               AidProgram.excluded_by_program_ids, AidApplication.amount_fen)
        .join(AidProgram, AidProgram.id == AidApplication.program_id)
        .where(AidApplication.beneficiary_id_hash.in_(people(application, household)),
               AidApplication.id != application.id, AidApplication.status.in_(AIDED),
               AidProgram.year == program.year)
        .order_by(AidProgram.id, AidApplication.id))
    found: dict[int, dict[str, Any]] = {}
    for pid, name, year, their_list, amount in rows:
        if pid in named or program.id in (their_list or []):
            entry = found.setdefault(pid, {"program_id": pid, "program_name": name,
                                           "year": year, "amount_fen": 0})
            entry["amount_fen"] += amount
    return list(found.values())


def serialize_people(hashes: list[str]) -> None:
    """PostgreSQL: approvals for the same people wait for each other (transaction advisory
    locks, taken in one order), so two final approvals in programs that exclude each other
    cannot both pass the check. SQLite writes one transaction at a time anyway."""
    if dialect_name() != "postgresql":
        return
    for digest in hashes:
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 21))"),
                           {"key": f"aid-repeat:{digest}"})


def refused() -> Conflict:
    return Conflict("This program does not aid anyone already aided this year by a program "
                    "it excludes; ask your union office.", code="repeat_aid")


def check(application: AidApplication, household: Household | None, *,
          lock: bool) -> list[dict[str, Any]]:
    """The other aid found (stored on the application for the approvers), or 409 repeat_aid
    when the program refuses it. `lock` (the final approval) serialises per person first."""
    if lock:
        # every final approval takes the person's lock, excluded or not: the other program's
        # check must see this one's approval once it commits
        serialize_people(people(application, household))
    found = other_aid(application, household)
    if found and application.program.repeat_rule == "refuse":
        raise refused()
    return found
