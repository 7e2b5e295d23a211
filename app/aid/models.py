"""Tables of aid: programs, eligible orgs, applications, their history and files, batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.core.crypto import EncryptedString
from app.core.db import BigIntPK, CreatedAtMixin
from app.core.i18n import N_
from app.core.states import StateMachine
from app.core.time import UTCDateTime, utcnow
from app.errors import FieldMessage
from app.extensions import db
from app.files.models import StoredFile
from app.orgs.models import LEVELS, Org

KINDS = ("student", "family")
KIND_LABELS = {"student": N_("Student aid"), "family": N_("Family aid")}
DOCUMENT_KINDS = {
    "id_card": N_("ID card"),
    "household_register": N_("Household register"),
    "enrollment_certificate": N_("Certificate of enrolment"),
    "admission_letter": N_("Admission letter"),
    "monitoring_certificate": N_("Certificate of poverty-return monitoring"),
    "bank_card": N_("Bank card"),
    "other": N_("Other documents"),
}
RELATIONS = ("self", "child", "spouse", "parent", "sibling", "grandchild", "other")
RELATION_LABELS = {
    "self": N_("Self"), "child": N_("Child"), "spouse": N_("Spouse"), "parent": N_("Parent"),
    "sibling": N_("Brother or sister"), "grandchild": N_("Grandchild"),
    "other": N_("Other relation"),
}
# draft → submitted (step by step) → approved → paid; returned goes back to the applicant.
STATUSES = ("draft", "submitted", "returned", "approved", "rejected", "withdrawn", "paid")
# The beneficiary's slot in a program is taken on submit: a draft holds nothing (anybody may
# type a stranger's ID number into one, and that must not block the person's own application).
# A withdrawn application frees the slot (they may apply again); a rejected one keeps it,
# otherwise a rejection could be undone by applying again.
HOLDS_SLOT = "status NOT IN ('draft', 'withdrawn')"
BATCH_STATUSES = ("open", "paid")
# the labels of the codes (`core.labels`)
STATUS_LABELS = {
    "draft": N_("Draft"), "submitted": N_("Being reviewed"),
    "returned": N_("Returned for changes"), "approved": N_("Approved"),
    "rejected": N_("Rejected"), "withdrawn": N_("Withdrawn"), "paid": N_("Paid out"),
}
ACTION_LABELS = {
    "create": N_("Create"), "edit": N_("Edit"), "submit": N_("Submit"),
    "resubmit": N_("Submit again"), "approve": N_("Approve"),
    "return": N_("Return for changes"), "reject": N_("Reject"), "withdraw": N_("Withdraw"),
    "pay": N_("Pay out"), "unbatch": N_("Remove from the batch"),
    "revoke": N_("Revoke after an objection"),
}
BATCH_STATUS_LABELS = {"open": N_("Waiting for the handover"), "paid": N_("Paid out")}
# no repeat aid (issue 21): whose aid counts (the beneficiary, or their whole household as
# their open hardship file lists it) and what a conflict does
REPEAT_SCOPES = {"person": N_("The same person"), "household": N_("The same household")}
REPEAT_RULES = {"flag": N_("Flag it to the approver"), "refuse": N_("Refuse the application")}
HARDSHIP_FILE_RULES = {"none": N_("No hardship file needed"),
                       "required": N_("An open hardship file is required"),
                       "or_evidence": N_("An open hardship file or other evidence")}
# exclusions the national rules name, which a program may ask the applicant to confirm
CONFIRMATIONS = {
    "not_military_academy": N_("Not a student at a military academy"),
    "not_free_teacher_training": N_("Not on a free teacher-training place"),
    "not_funded_elsewhere": N_("Not already funded by government or others for this need"),
}
# aid given: what the repeat-aid rule counts
AIDED = ("approved", "paid")

# action → (statuses it may start from, status it leads to; None: decided by the step)
LIFECYCLE = StateMachine("application", noun=N_("aid application"), statuses=STATUS_LABELS,
                         actions=ACTION_LABELS, moves={
    "edit": (("draft", "returned"), None),
    "submit": (("draft", "returned"), "submitted"),
    "approve": (("submitted",), None),  # the next step, or approved after the last one
    "return": (("submitted",), "returned"),
    "reject": (("submitted",), "rejected"),
    "withdraw": (("draft", "submitted", "returned"), "withdrawn"),
    "pay": (("approved",), "paid"),
    # an objection to the program's public notice upheld: the approval is undone
    "revoke": (("approved",), "rejected"),
})


class AidProgram(CreatedAtMixin, db.Model):
    """A funded program. Budget counters move only by conditional UPDATEs (see budget.py)."""

    __tablename__ = "aid_programs"
    __table_args__ = (
        CheckConstraint("budget_fen >= 0", name="budget_not_negative"),
        CheckConstraint("reserved_fen >= 0 AND paid_fen >= 0", name="counters_not_negative"),
        # The last line of defence against overspending, whatever the application code does.
        CheckConstraint("reserved_fen + paid_fen <= budget_fen", name="within_budget"),
        CheckConstraint("opens_at < closes_at", name="window"),
        CheckConstraint(f"repeat_scope IN {tuple(REPEAT_SCOPES)}", name="repeat_scope"),
        CheckConstraint(f"repeat_rule IN {tuple(REPEAT_RULES)}", name="repeat_rule"),
        CheckConstraint(f"hardship_file_rule IN {tuple(HARDSHIP_FILE_RULES)}",
                        name="hardship_file_rule"),
        CheckConstraint("notice_working_days IS NULL OR notice_working_days BETWEEN 1 AND 30",
                        name="notice_working_days"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    # [{"code", "name", "kind", "required_documents": [...], "tiers": [{"code", "name",
    #   "amount_fen"}]}] — fixed when the program is created.
    categories: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    chain: Mapped[list[str]] = mapped_column(JSON)
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    reserved_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # no repeat aid: the programs whose aid in the same year excludes this program's
    excluded_by_program_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    repeat_scope: Mapped[str] = mapped_column(String(16), default="person")
    repeat_rule: Mapped[str] = mapped_column(String(8), default="flag")
    hardship_file_rule: Mapped[str] = mapped_column(String(16), default="none")
    required_confirmations: Mapped[list[str]] = mapped_column(JSON, default=list)
    # 公示 before payment: approved applications are published this many working days
    notice_working_days: Mapped[int | None] = mapped_column(Integer)

    owner_org: Mapped[Org] = relationship(lazy="joined", innerjoin=True)
    eligible_orgs: Mapped[list[Org]] = relationship(
        secondary="aid_program_orgs", order_by=Org.id, viewonly=True)
    # loaded with `with_expression` by access.get_program: the viewer is an officer over the
    # owner org (who alone see the budget figures)
    viewer_is_officer: Mapped[bool | None] = query_expression()
    # set by the services: what the program's admins should fix (approvers.with_warnings),
    # and whether the viewer may apply (programs.list_programs)
    warnings = None
    eligible_for_viewer = None

    @property
    def left_fen(self) -> int:
        return self.budget_fen - self.reserved_fen - self.paid_fen

    @property
    def budget_for_viewer(self) -> AidProgram | None:
        """The program's budget figures when the viewer may see them."""
        return self if self.viewer_is_officer else None

    @property
    def is_open(self) -> bool:
        return self.opens_at <= utcnow() < self.closes_at


class AidProgramOrg(db.Model):
    """An eligible org: applicants must belong to it or its subtree."""

    __tablename__ = "aid_program_orgs"

    program_id: Mapped[int] = mapped_column(ForeignKey("aid_programs.id", ondelete="CASCADE"),
                                            primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), primary_key=True, index=True)


class AidApplication(CreatedAtMixin, db.Model):
    """One beneficiary's request to one program."""

    __tablename__ = "aid_applications"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint(f"relation IN {RELATIONS}", name="relation"),
        # One submitted (or later) application per beneficiary per program: of two racing
        # submits the database refuses the second.
        Index("uq_aid_applications_program_beneficiary", "program_id", "beneficiary_id_hash",
              unique=True, postgresql_where=db.text(HOLDS_SLOT),
              sqlite_where=db.text(HOLDS_SLOT)),
        Index("ix_aid_applications_program_status", "program_id", "status"),
        Index("ix_aid_applications_step_org_status", "step_org_id", "status"),
        Index("ix_aid_applications_org_id", "org_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("aid_programs.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                              index=True)
    entered_by_officer: Mapped[bool] = mapped_column(default=False)
    category_code: Mapped[str] = mapped_column(String(32))
    tier_code: Mapped[str] = mapped_column(String(32))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    beneficiary_name: Mapped[str] = mapped_column(String(50))
    beneficiary_id_number: Mapped[str] = mapped_column(EncryptedString())
    beneficiary_id_hash: Mapped[str] = mapped_column(String(64))
    relation: Mapped[str] = mapped_column(String(16))
    school: Mapped[str | None] = mapped_column(String(100))
    grade: Mapped[str | None] = mapped_column(String(50))
    household_county: Mapped[str] = mapped_column(String(100))
    bank_holder: Mapped[str] = mapped_column(String(50))
    bank_name: Mapped[str] = mapped_column(String(100))
    bank_account: Mapped[str] = mapped_column(EncryptedString())
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    step: Mapped[int | None] = mapped_column(Integer)
    step_org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    last_comment: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("aid_disbursement_batches.id", ondelete="SET NULL"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmations: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the beneficiary's open hardship file when submitted, and its level then
    hardship_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("hardship_files.id", ondelete="SET NULL"))
    hardship_level: Mapped[str | None] = mapped_column(String(16))
    # other aid the repeat-aid rule found (program, year, amount), for the approvers
    repeat_aid: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    program: Mapped[AidProgram] = relationship()
    org: Mapped[Org] = relationship(foreign_keys=[org_id])
    step_org: Mapped[Org | None] = relationship(foreign_keys=[step_org_id])
    # no refresh-expire cascade: expiring the application after a guarded write must not
    # make its documents and history re-read one by one
    documents: Mapped[list[AidApplicationFile]] = relationship(
        order_by="AidApplicationFile.file_id", passive_deletes=True,
        cascade="save-update, merge, expunge, delete, delete-orphan")
    events: Mapped[list[AidApplicationEvent]] = relationship(
        order_by="AidApplicationEvent.id", passive_deletes=True,
        cascade="save-update, merge, expunge, delete, delete-orphan")
    # loaded with `with_expression` by access.get_application: the viewer holds the approver
    # role on the current step's org itself (a grant above it does not decide a step)
    viewer_decides_step: Mapped[bool | None] = query_expression()
    # not a column: the orgs above the applicant org, nearest first, set by
    # access.get_application (step orgs and the orgs of the history are among them)
    orgs_above: tuple[Org, ...] = ()
    # set by access.get_application: the viewer is the applicant (who never sees other aid)
    viewer_is_applicant: bool = True

    @property
    def repeat_aid_for_viewer(self) -> list[dict[str, Any]] | None:
        """Other aid found by the repeat-aid rule: officers only (null for the applicant)."""
        return None if self.viewer_is_applicant else self.repeat_aid

    @property
    def current_step(self) -> Step | None:
        if self.step is None or self.step_org_id is None:
            return None
        return Step(index=self.step, level=self.program.chain[self.step], org=self.step_org)

    @property
    def category_name(self) -> str:
        """The program's name of the category (the program's data, not a vocabulary)."""
        category = next((c for c in self.program.categories if c["code"] == self.category_code),
                        None)
        return category["name"] if category else self.category_code

    @property
    def tier_name(self) -> str:
        category = next((c for c in self.program.categories if c["code"] == self.category_code),
                        {"tiers": []})
        tier = next((t for t in category["tiers"] if t["code"] == self.tier_code), None)
        return tier["name"] if tier else self.tier_code


@dataclass(frozen=True)
class Step:
    """Where a submitted application waits: the chain step, its level and deciding org."""

    index: int
    level: str
    org: Org


class AidApplicationFile(db.Model):
    """A document attached to an application, with its kind (身份证, 在读证明 …)."""

    __tablename__ = "aid_application_files"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("aid_applications.id", ondelete="CASCADE"), primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    kind: Mapped[str] = mapped_column(String(32))

    file: Mapped[StoredFile] = relationship(lazy="joined", innerjoin=True)


class AidApplicationEvent(db.Model):
    """The history the applicant follows: every submit, decision, withdrawal and payment."""

    __tablename__ = "aid_application_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("aid_applications.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    step: Mapped[int | None] = mapped_column(Integer)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    org: Mapped[Org | None] = relationship()


class DisbursementBatch(CreatedAtMixin, db.Model):
    """A handover (发放仪式): approved applications paid together."""

    __tablename__ = "aid_disbursement_batches"
    __table_args__ = (
        CheckConstraint(f"status IN {BATCH_STATUSES}", name="status"),
        CheckConstraint("total_fen >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("aid_programs.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(8), default="open")
    total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    count: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    program: Mapped[AidProgram] = relationship()


def chain_problems(chain: list[str]) -> list[str]:
    """An approval chain's levels must climb the tree (village → town → county …), each once."""
    positions = [LEVELS.index(level) for level in chain if level in LEVELS]
    if any(lower <= upper for lower, upper in zip(positions, positions[1:], strict=False)):
        return [FieldMessage("Levels must go upwards (e.g. village, town, county, province).")]
    return []


def category_problems(categories: list[dict[str, Any]]) -> list[str]:
    """Category codes, and tier codes within a category, must be unique."""
    problems = []
    codes = [category["code"] for category in categories if "code" in category]
    if len(set(codes)) != len(codes):
        problems.append(FieldMessage("Category codes must be unique."))
    for category in categories:
        tier_codes = [tier["code"] for tier in category.get("tiers") or [] if "code" in tier]
        if len(set(tier_codes)) != len(tier_codes):
            problems.append(FieldMessage("Tier codes of %(category)s must be unique.",
                                         {"category": category.get("code", "?")}))
    return problems
