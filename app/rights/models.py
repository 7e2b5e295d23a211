"""Rights cases, their history (notes, actions, follow-up calls), files, and the per-org
deadline settings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
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
from app.core.time import UTCDateTime
from app.core.workdays import shanghai_today
from app.extensions import db
from app.files.models import StoredFile
from app.orgs.models import Org

CATEGORIES = {
    "wage_arrears": N_("Wage arrears"),
    "labour_contract": N_("Labour contract"),
    "work_injury": N_("Work injury"),
    "social_insurance": N_("Social insurance"),
    "dismissal": N_("Dismissal"),
    "other": N_("Other matters"),
}
CONTACT_METHODS = {"phone": N_("By phone"), "wechat": N_("By WeChat message"),
                   "in_app": N_("In the app only")}
STATUSES = ("submitted", "accepted", "in_progress", "resolved", "closed")
STATUS_LABELS = {"submitted": N_("Waiting to be accepted"), "accepted": N_("Accepted"),
                 "in_progress": N_("Being handled"), "resolved": N_("Resolved"),
                 "closed": N_("Case closed")}
# the officers' steps on a case (in_progress), each kept in its history
STEP_KINDS = {
    "note": N_("Note"),
    "mediation": N_("Mediation"),
    "labour_inspectorate": N_("Referred to the labour inspectorate"),
    "legal_aid": N_("Referred to legal aid"),
    "lawyer": N_("Legal aid lawyer assigned"),
}
ACTION_LABELS = {
    "submit": N_("Submit"), "accept": N_("Accept"), "step": N_("Record a step"),
    "resolve": N_("Resolve"), "follow_up": N_("Follow-up call"), "close": N_("Rate and close"),
    "reopen": N_("Reopen"), "escalate": N_("Escalated as overdue"),
}
LIFECYCLE = StateMachine("rights_case", {
    "accept": (("submitted",), "accepted"),
    "step": (("accepted", "in_progress"), "in_progress"),
    "resolve": (("accepted", "in_progress"), "resolved"),
    "follow_up": (("resolved",), None),
    "close": (("resolved",), "closed"),
    "reopen": (("resolved",), "in_progress"),
}, noun=N_("rights case"), statuses=STATUS_LABELS, actions=ACTION_LABELS)
OPEN_STATUSES = ("submitted", "accepted", "in_progress")
DEFAULT_ACCEPT_DAYS = 1
DEFAULT_RESOLVE_DAYS = 15
REOPEN_DAYS = 7  # calendar days after the resolution in which the member may reopen


class RightsCase(CreatedAtMixin, db.Model):
    """A member's request for help. What happened, what they want and how to reach them are
    encrypted; officers' reads of them are audited."""

    __tablename__ = "rights_cases"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint(f"category IN {tuple(CATEGORIES)}", name="category"),
        CheckConstraint(f"contact_method IN {tuple(CONTACT_METHODS)}", name="contact_method"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
        CheckConstraint("amount_recovered_fen IS NULL OR amount_recovered_fen >= 0",
                        name="amount_not_negative"),
        Index("ix_rights_cases_org_status", "org_id", "status"),
        Index("ix_rights_cases_status_accept_due", "status", "accept_due"),
        Index("ix_rights_cases_status_resolve_due", "status", "resolve_due"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    category: Mapped[str] = mapped_column(String(24))
    what_happened: Mapped[str] = mapped_column(EncryptedString())
    what_wanted: Mapped[str] = mapped_column(EncryptedString())
    employer: Mapped[str] = mapped_column(String(100))
    contact_method: Mapped[str] = mapped_column(String(16))
    contact_phone: Mapped[str | None] = mapped_column(EncryptedString())
    amount_claimed_fen: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    version: Mapped[int] = mapped_column(Integer, default=1)
    accept_due: Mapped[date] = mapped_column(Date())
    resolve_due: Mapped[date] = mapped_column(Date())
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(Text)
    amount_recovered_fen: Mapped[int | None] = mapped_column(BigInteger)
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    # set once, by the one UPDATE that escalates an overdue case (… WHERE escalated_at IS NULL)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_to_org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))

    org: Mapped[Org] = relationship(foreign_keys=[org_id])
    escalated_to_org: Mapped[Org | None] = relationship(foreign_keys=[escalated_to_org_id])
    documents: Mapped[list[RightsCaseFile]] = relationship(
        order_by="RightsCaseFile.file_id", cascade="all, delete-orphan", passive_deletes=True)
    events: Mapped[list[RightsCaseEvent]] = relationship(
        order_by="RightsCaseEvent.id", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def overdue(self) -> bool:
        """Past its deadline (accept or resolve, working days in Asia/Shanghai)."""
        today = shanghai_today()
        if self.status == "submitted":
            return today > self.accept_due
        return self.status in OPEN_STATUSES and today > self.resolve_due

    @property
    def escalated(self) -> bool:
        return self.escalated_at is not None


class RightsCaseFile(db.Model):
    __tablename__ = "rights_case_files"

    case_id: Mapped[int] = mapped_column(ForeignKey("rights_cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)

    file: Mapped[StoredFile] = relationship(lazy="joined")


class RightsCaseEvent(CreatedAtMixin, db.Model):
    """One step of the case's history. The note may hold what the member said: encrypted."""

    __tablename__ = "rights_case_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("rights_cases.id", ondelete="CASCADE"),
                                         index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(EncryptedString())
    called_on: Mapped[date | None] = mapped_column(Date())
    caller_name: Mapped[str | None] = mapped_column(String(50))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))


class RightsSettings(db.Model):
    """An org's deadlines in working days (its subtree inherits them unless it has its own)."""

    __tablename__ = "rights_settings"
    __table_args__ = (
        CheckConstraint("accept_days BETWEEN 1 AND 30", name="accept_days"),
        CheckConstraint("resolve_days BETWEEN 1 AND 120", name="resolve_days"),
    )

    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"),
                                        primary_key=True)
    accept_days: Mapped[int] = mapped_column(Integer)
    resolve_days: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
