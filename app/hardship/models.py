"""Tables of hardship files: per-county settings, files, family members, documents, home
visits and history; the file's lifecycle."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.crypto import EncryptedString
from app.core.db import BigIntPK, CreatedAtMixin
from app.core.i18n import N_
from app.core.states import StateMachine
from app.core.time import UTCDateTime, utcnow
from app.extensions import db
from app.files.models import StoredFile
from app.orgs.models import Org

LEVELS = {"deep": N_("Deep hardship"), "relative": N_("Relative hardship"),
          "accident": N_("Hardship by accident"), "none": N_("Not eligible")}
CAUSES = {"illness": N_("Illness"), "disability": N_("Disability"),
          "schooling": N_("Children's schooling"), "accident": N_("Accident"),
          "unemployment": N_("Unemployment"), "other": N_("Other cause")}
RELATIONS = {"self": N_("Self"), "spouse": N_("Spouse"), "child": N_("Child"),
             "parent": N_("Parent"), "sibling": N_("Brother or sister"),
             "grandchild": N_("Grandchild"), "other": N_("Other relation")}
HEALTH = {"healthy": N_("Healthy"), "chronic": N_("Chronic illness"),
          "serious": N_("Serious illness"), "disabled": N_("Disabled")}
SCHOOLING = {"none": N_("Not at school"), "preschool": N_("Preschool"),
             "primary": N_("Primary school"), "secondary": N_("Secondary school"),
             "vocational": N_("Vocational school"), "college": N_("College or university")}
INCOME_KINDS = {"wages": N_("Wages"), "business": N_("Business income"),
                "pension": N_("Pension"), "benefits": N_("Benefits"),
                "transfers": N_("Transfers from family"), "other": N_("Other income")}
COST_KINDS = {"medical": N_("Medical costs"), "schooling": N_("Schooling costs"),
              "housing": N_("Housing costs"), "care": N_("Care costs"),
              "other": N_("Other fixed costs")}
DOCUMENT_KINDS = {"evidence": N_("Evidence"), "visit_photo": N_("Home visit photo"),
                  "signed_application": N_("Signed application"),
                  "finance_consent": N_("Consent to a household finance check")}
STATUSES = {
    "draft": N_("Draft"), "grassroots_review": N_("Reviewed by the grassroots union"),
    "upper_review": N_("Re-checked by the level above"),
    "in_notice": N_("Published for objections"), "filed": N_("Filed"),
    "returned": N_("Returned for changes"), "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn"), "exit_notice": N_("Exit published for objections"),
    "closed": N_("Closed (out of hardship)"),
}
ACTIONS = {
    "create": N_("Create"), "edit": N_("Edit"), "submit": N_("Submit"),
    "visit": N_("Record the home visit"), "approve": N_("Approve"),
    "return": N_("Return for changes"), "reject": N_("Reject"), "withdraw": N_("Withdraw"),
    "file": N_("File"), "review": N_("Yearly review"), "close": N_("Propose closing"),
    "confirm_close": N_("Close"), "reopen": N_("Reopen"),
    "objection_upheld": N_("Objection upheld"), "follow_up": N_("Follow-up after exit"),
}
# A file holds its household's members (their ID numbers) from submit until it is closed,
# rejected or withdrawn; a draft holds nothing, so typing a stranger's number blocks nobody.
HOLDING = ("grassroots_review", "upper_review", "in_notice", "filed", "returned",
           "exit_notice")

LIFECYCLE = StateMachine("hardship_file", noun=N_("hardship file"), statuses=STATUSES,
                         actions=ACTIONS, moves={
    "edit": (("draft", "returned"), None),
    "submit": (("draft", "returned"), "grassroots_review"),
    "visit": (("grassroots_review",), None),
    "approve": (("grassroots_review", "upper_review"), None),
    "return": (("grassroots_review", "upper_review", "in_notice"), "returned"),
    "reject": (("grassroots_review", "upper_review"), "rejected"),
    "withdraw": (("draft", "returned", "grassroots_review"), "withdrawn"),
    "file": (("in_notice",), "filed"),
    "review": (("filed",), None),
    "close": (("filed",), "exit_notice"),
    "confirm_close": (("exit_notice",), "closed"),
    "reopen": (("closed",), "grassroots_review"),
    "follow_up": (("closed",), None),
    "objection_upheld": (("in_notice", "exit_notice"), None),
})


class HardshipSettings(db.Model):
    """What a county's admins configure: the local 低保 line and the notice length."""

    __tablename__ = "hardship_settings"
    __table_args__ = (
        CheckConstraint("poverty_line_fen > 0", name="line_positive"),
        CheckConstraint("notice_working_days BETWEEN 1 AND 30", name="notice_days"),
    )

    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), primary_key=True)
    poverty_line_fen: Mapped[int] = mapped_column(BigInteger)
    notice_working_days: Mapped[int] = mapped_column(Integer, default=5)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    org: Mapped[Org] = relationship(lazy="joined", innerjoin=True)


class HardshipFile(CreatedAtMixin, db.Model):
    """One household's file, opened at its grassroots union (village, community, workplace)."""

    __tablename__ = "hardship_files"
    __table_args__ = (
        CheckConstraint(f"status IN {tuple(STATUSES)}", name="status"),
        CheckConstraint(f"level IN {tuple(LEVELS)}", name="level"),
        CheckConstraint(f"main_cause IN {tuple(CAUSES)}", name="main_cause"),
        CheckConstraint("yearly_income_fen >= 0 AND yearly_fixed_costs_fen >= 0 "
                        "AND accident_costs_fen >= 0", name="money_not_negative"),
        Index("ix_hardship_files_org_status", "org_id", "status"),
        Index("ix_hardship_files_step_org", "step_org_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    county_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                              index=True)
    entered_by_officer: Mapped[bool] = mapped_column(Boolean, default=False)
    head_name: Mapped[str] = mapped_column(String(50))
    head_id_number: Mapped[str] = mapped_column(EncryptedString())
    head_id_hash: Mapped[str] = mapped_column(String(64), index=True)
    employer: Mapped[str | None] = mapped_column(String(100))
    main_cause: Mapped[str] = mapped_column(String(16))
    secondary_causes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"kind", "amount_fen"}], yearly amounts
    income_items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    fixed_costs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    yearly_income_fen: Mapped[int] = mapped_column(BigInteger)
    yearly_fixed_costs_fen: Mapped[int] = mapped_column(BigInteger)
    accident_costs_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    household_size: Mapped[int] = mapped_column(Integer)
    poverty_line_fen: Mapped[int] = mapped_column(BigInteger)
    level: Mapped[str] = mapped_column(String(16))
    bank_holder: Mapped[str] = mapped_column(String(50))
    bank_name: Mapped[str] = mapped_column(String(100))
    bank_account: Mapped[str] = mapped_column(EncryptedString())
    status: Mapped[str] = mapped_column(String(24), default="draft")
    step_org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    last_comment: Mapped[str | None] = mapped_column(Text)
    exit_reason: Mapped[str | None] = mapped_column(Text)
    exit_decision: Mapped[str | None] = mapped_column(Text)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_on: Mapped[date | None] = mapped_column(Date())
    review_due_on: Mapped[date | None] = mapped_column(Date())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    follow_up_until: Mapped[date | None] = mapped_column(Date())
    followed_up_on: Mapped[date | None] = mapped_column(Date())
    de_identified: Mapped[bool] = mapped_column(Boolean, default=False)

    org: Mapped[Org] = relationship(foreign_keys=[org_id], lazy="joined", innerjoin=True)
    county_org: Mapped[Org] = relationship(foreign_keys=[county_org_id])
    step_org: Mapped[Org | None] = relationship(foreign_keys=[step_org_id])
    members: Mapped[list[HardshipMember]] = relationship(
        order_by="HardshipMember.id", passive_deletes=True,
        cascade="save-update, merge, expunge, delete, delete-orphan")
    documents: Mapped[list[HardshipDocument]] = relationship(
        order_by="HardshipDocument.file_id", passive_deletes=True,
        cascade="save-update, merge, expunge, delete, delete-orphan")
    visits: Mapped[list[HardshipVisit]] = relationship(
        order_by="HardshipVisit.id", passive_deletes=True, cascade="save-update, merge")
    events: Mapped[list[HardshipEvent]] = relationship(
        order_by="HardshipEvent.id", passive_deletes=True, cascade="save-update, merge")

    @property
    def live_notice(self):
        """The notice being published for this file (filing or exit), if any."""
        from app.notices.service import live_notice

        kind = {"in_notice": "hardship_file", "exit_notice": "hardship_exit"}.get(self.status)
        return live_notice(kind, self.id) if kind else None

    @property
    def monthly_per_person_fen(self) -> int:
        from app.hardship.eligibility import monthly_per_person_fen

        return monthly_per_person_fen(self.yearly_income_fen, self.yearly_fixed_costs_fen,
                                      self.household_size)


class HardshipMember(db.Model):
    """A person of the household (the head is one, relation "self"). `holding` is true while
    the file holds the household: the partial unique index then refuses the same ID number
    in any other holding file — two officers filing one family at once get one file."""

    __tablename__ = "hardship_members"
    __table_args__ = (
        CheckConstraint(f"relation IN {tuple(RELATIONS)}", name="relation"),
        CheckConstraint(f"health IN {tuple(HEALTH)}", name="health"),
        CheckConstraint(f"schooling IN {tuple(SCHOOLING)}", name="schooling"),
        Index("uq_hardship_members_holding_id", "id_hash", unique=True,
              postgresql_where=db.text("holding"), sqlite_where=db.text("holding")),
        Index("ix_hardship_members_id_hash", "id_hash"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("hardship_files.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(50))
    relation: Mapped[str] = mapped_column(String(16))
    id_number: Mapped[str] = mapped_column(EncryptedString())
    id_hash: Mapped[str] = mapped_column(String(64))
    health: Mapped[str] = mapped_column(String(16))
    schooling: Mapped[str] = mapped_column(String(16))
    work: Mapped[str | None] = mapped_column(String(100))
    holding: Mapped[bool] = mapped_column(Boolean, default=False)


class HardshipDocument(db.Model):
    """A file attached to a hardship file: evidence, or the home visit's photos, signed
    application and consent to the household finance check (with the visit's id)."""

    __tablename__ = "hardship_documents"
    __table_args__ = (CheckConstraint(f"kind IN {tuple(DOCUMENT_KINDS)}", name="kind"),)

    hardship_file_id: Mapped[int] = mapped_column(
        ForeignKey("hardship_files.id", ondelete="CASCADE"), primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    kind: Mapped[str] = mapped_column(String(24))
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("hardship_visits.id", ondelete="CASCADE"))

    file: Mapped[StoredFile] = relationship(lazy="joined", innerjoin=True)


class HardshipVisit(CreatedAtMixin, db.Model):
    """The home visit (入户核查) by two officers of the file's union."""

    __tablename__ = "hardship_visits"
    __table_args__ = (
        CheckConstraint("first_officer_id <> second_officer_id", name="two_officers"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    hardship_file_id: Mapped[int] = mapped_column(
        ForeignKey("hardship_files.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date())
    first_officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    second_officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    findings: Mapped[str] = mapped_column(Text)


class HardshipEvent(db.Model):
    """The file's history: every step, visit, review, closing and reopening."""

    __tablename__ = "hardship_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    hardship_file_id: Mapped[int] = mapped_column(
        ForeignKey("hardship_files.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    org: Mapped[Org | None] = relationship()
