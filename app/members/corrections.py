"""Corrections of a member's name or ID number: the member asks with a document, an officer
(approver) over their org reviews it; an approval changes the membership (a new ID number
held by another member is 409 already_member, as on an approval)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.core import audit, todos
from app.core.crypto import keyed_hash, mask_id_number
from app.core.db import insert_unique, is_unique_violation
from app.core.i18n import N_
from app.core.labels import code_label
from app.core.pages import page_path
from app.core.roles import DECIDERS, Role
from app.core.states import guarded_update, stale
from app.core.time import utcnow
from app.errors import Conflict, FieldMessage, Forbidden, Invalid, NotFound
from app.extensions import db
from app.files.service import owned_files
from app.members.access import get_correction
from app.members.memberships import validated_id_number
from app.members.models import (
    CORRECTION,
    CORRECTION_FIELDS,
    Membership,
    MembershipCorrection,
)
from app.members.withdrawal import withdraw_pending
from app.notify.service import notify
from app.orgs.scope import has_role_over
from app.privacy.consent import require_consent

TODO_KIND = "membership_correction"
DECISIONS = {"approve": "approved", "reject": "rejected"}


def request_correction(*, actor_id: int, field: str, value: str,
                       document_file_id: int) -> MembershipCorrection:
    """The member asks for a new name or ID number with a document of their own upload."""
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == actor_id,
                                 Membership.status == "approved")
        .options(joinedload(Membership.org)))
    if membership is None:
        raise NotFound("You have no approved membership.", code="not_a_member")
    if field == "id_number":
        value = validated_id_number(value, "value")
        require_consent(actor_id, "membership", "id_number")
    if value == getattr(membership, field):
        raise Invalid("This is what your membership says already.", details={"fields": {
            "value": [FieldMessage(N_("enter the corrected value"))]}})
    if not owned_files(actor_id=actor_id, file_ids=[document_file_id]):
        raise Invalid("Upload the document first.", details={"fields": {
            "document_file_id": [FieldMessage(N_("one of your own uploads"))]}})
    correction = MembershipCorrection(membership=membership, user_id=actor_id, field=field,
                                      new_value=value, document_file_id=document_file_id,
                                      status="pending", version=1)
    insert_unique(correction, duplicate=Conflict(
        "You already asked for a correction; wait for its review or withdraw it.",
        code="correction_pending"))
    shown = mask_id_number(value) if field == "id_number" else value
    todos.open_todo(
        kind=TODO_KIND, object_id=correction.id, org_id=membership.org_id,
        org_path=membership.org.path, role=Role.APPROVER, version=1, batchable=False,
        title=f"会员信息更正：{membership.real_name}",
        summary=f"{code_label(CORRECTION_FIELDS, field)} → {shown}",
        action=f"/api/v1/membership-corrections/{correction.id}/decision")
    db.session.commit()
    return correction


def decide(*, actor_id: int, correction_id: int, action: str, reason: str | None,
           version: int) -> MembershipCorrection:
    """An approver over the member's org approves (the membership changes) or rejects."""
    correction = get_correction(actor_id, correction_id)
    membership = correction.membership
    if correction.user_id == actor_id:
        raise Forbidden("Nobody reviews their own correction.")
    if not has_role_over(actor_id, membership.org, DECIDERS):
        raise Forbidden("Only an approver over the member's org reviews a correction.")
    if action == "reject" and not reason:
        raise Invalid("Say why the correction is rejected.",
                      details={"fields": {"reason": [N_("required when rejecting")]}})
    if correction.version != version:
        raise stale(MembershipCorrection, correction_id, noun="correction request",
                    machine=CORRECTION)
    CORRECTION.check(correction.status, action)
    field, value = correction.field, correction.new_value
    guarded_update(correction, version=version, status="pending", machine=CORRECTION,
                   noun="correction request",
                   values={"status": DECISIONS[action], "decision_reason": reason,
                           "decided_by": actor_id, "decided_at": utcnow()})
    if action == "approve":
        changes = {field: value}
        if field == "id_number":
            changes["id_number_hash"] = keyed_hash(value)
        try:
            with db.session.begin_nested():
                guarded_update(membership, status="approved", noun="membership",
                               values=changes)
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            raise Conflict("Another member holds this ID number; reject the correction.",
                           code="already_member") from None
    audit.record(actor_id=actor_id, actor_role=Role.APPROVER, org_id=membership.org_id,
                 action=f"membership_correction.{action}", target_type="membership",
                 target_id=membership.id, field=field, reason=reason)
    todos.close_todo(kind=TODO_KIND, object_id=correction_id)
    outcome = "通过" if action == "approve" else "未通过"
    notify(user_id=correction.user_id, event=f"membership_correction.{DECISIONS[action]}",
           title=f"信息更正{outcome}",
           body=f"您的{code_label(CORRECTION_FIELDS, field)}更正申请{outcome}。"
           + (f"原因：{reason}" if reason else ""),
           data={"result": outcome, "reason": reason or ""},
           page=page_path("members/detail", id=membership.id))
    db.session.commit()
    return correction


def withdraw(*, actor_id: int, correction_id: int, version: int) -> MembershipCorrection:
    correction = get_correction(actor_id, correction_id)
    withdraw_pending(correction, actor_id=actor_id, version=version, machine=CORRECTION,
                     noun="correction request", todo_kind=TODO_KIND,
                     not_yours=N_("Only the member withdraws their correction request."))
    db.session.commit()
    return correction
