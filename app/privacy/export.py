"""A person's own data (PIPL Art. 45): everything held about the caller, as JSON.

The caller's own values are shown whole (it is their data). Anything about other people —
beneficiaries who are family members, people an officer entered applications for — stays
masked. Privacy reads every domain's tables here on purpose: one module that lists every
table holding personal data is where a new table gets noticed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app.aid.models import AidApplication, AidApplicationFile
from app.auth.models import User
from app.core.crypto import mask_bank_account, mask_id_number
from app.core.time import to_shanghai
from app.extensions import db
from app.files.models import StoredFile
from app.members.models import Membership
from app.notify.models import InAppMessage
from app.orgs.scope import roles_of
from app.privacy.consent import list_mine
from app.privacy.deletion import latest_request
from app.privacy.models import Consent
from app.projects.models import Bid, Project, TeamMember
from app.stations.models import Checkin, Feedback


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return to_shanghai(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(obj: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    return {column: _plain(getattr(obj, column)) for column in columns}


def _aid_application(application: AidApplication) -> dict[str, Any]:
    """Whole numbers only where the beneficiary is the caller themselves."""
    own = application.relation == "self" and not application.entered_by_officer
    number, account = application.beneficiary_id_number, application.bank_account
    return {
        **_row(application, ("id", "program_id", "org_id", "entered_by_officer",
                             "category_code", "tier_code", "amount_fen", "reason", "status",
                             "created_at", "submitted_at", "decided_at", "paid_at")),
        "beneficiary": {
            "name": application.beneficiary_name if own else _mask_name(
                application.beneficiary_name),
            "id_number": number if own else mask_id_number(number),
            "relation": application.relation, "school": application.school,
            "grade": application.grade, "household_county": application.household_county,
        },
        "bank_account": {"holder": application.bank_holder if own else _mask_name(
            application.bank_holder), "bank": application.bank_name,
            "number": account if own else mask_bank_account(account)},
        "documents": [{"file_id": file_id, "kind": kind} for file_id, kind in db.session.execute(
            select(AidApplicationFile.file_id, AidApplicationFile.kind).where(
                AidApplicationFile.application_id == application.id))],
    }


def _mask_name(name: str | None) -> str | None:
    """张小明 → 张**: a family member's name is theirs, not the caller's."""
    return None if not name else name[0] + "*" * (len(name) - 1)


def _bid(bid: Bid) -> dict[str, Any]:
    """The proposed team names other people: masked like any family member."""
    return {**_row(bid, ("id", "project_id", "plan", "qualifications", "requested_fen",
                         "status", "created_at", "updated_at")),
            "team": [{**member, "name": _mask_name(member.get("name"))}
                     for member in bid.team or []]}


def _consent(consent: Consent, counts: bool) -> dict[str, Any]:
    return {**_row(consent, ("id", "purpose", "data_kind", "policy_version", "guardian_relation",
                             "paper_reference", "granted_at", "withdrawn_at")),
            "subject_name": _mask_name(consent.subject_name), "counts": counts}


def export_for(*, user_id: int) -> dict[str, Any]:
    """Everything held about one user, grouped by domain."""
    user = db.session.get(User, user_id)
    scalars = db.session.scalars
    request = latest_request(user_id)
    return {
        "profile": {**_row(user, ("id", "nickname", "phone", "created_at", "last_login_at")),
                    "roles": roles_of(user_id)},
        "memberships": [_row(m, (
            "id", "org_id", "real_name", "id_number", "phone", "employer", "occupation",
            "industry", "status", "reason", "created_at", "decided_at"))
            for m in scalars(select(Membership).where(Membership.user_id == user_id)
                             .order_by(Membership.id))],
        "aid_applications": [_aid_application(a) for a in scalars(
            select(AidApplication).where(AidApplication.applicant_id == user_id)
            .order_by(AidApplication.id))],
        "bids": [_bid(b) for b in scalars(select(Bid).where(Bid.bidder_id == user_id)
                                          .order_by(Bid.id))],
        "projects_led": [_row(p, ("id", "org_id", "title", "status", "budget_fen",
                                  "granted_fen", "released_fen", "created_at"))
                         for p in scalars(select(Project).where(
                             Project.leader_id == user_id).order_by(Project.id))],
        "project_teams": [_row(t, ("project_id", "role", "duty", "created_at"))
                          for t in scalars(select(TeamMember).where(
                              TeamMember.user_id == user_id).order_by(TeamMember.id))],
        "checkins": [_row(c, ("id", "station_id", "created_at")) for c in scalars(
            select(Checkin).where(Checkin.user_id == user_id).order_by(Checkin.id))],
        "feedback": [_row(f, ("id", "station_id", "rating", "text", "status", "answer",
                              "created_at")) for f in scalars(
            select(Feedback).where(Feedback.user_id == user_id).order_by(Feedback.id))],
        "messages": [_row(m, ("id", "event", "title", "body", "page", "read_at", "created_at"))
                     for m in scalars(select(InAppMessage).where(
                         InAppMessage.user_id == user_id).order_by(InAppMessage.id))],
        "consents": [_consent(c, counts) for c, counts in list_mine(actor_id=user_id)],
        "files": [_row(f, ("id", "original_name", "content_type", "size_bytes", "created_at"))
                  for f in scalars(select(StoredFile).where(StoredFile.uploader_id == user_id)
                                   .order_by(StoredFile.id))],
        "deletion_request": None if request is None else _row(request, (
            "id", "status", "reasons", "requested_at", "erase_at", "erased_at")),
    }
