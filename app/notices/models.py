"""Tables of public notices (公示) and the objections lodged against them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import BigIntPK, CreatedAtMixin
from app.core.i18n import N_
from app.core.states import StateMachine
from app.core.time import UTCDateTime
from app.core.workdays import shanghai_today
from app.extensions import db
from app.orgs.models import Org

# what a notice publishes; each kind's domain registers what an upheld objection does
SUBJECT_KINDS = {
    "hardship_file": N_("Hardship file to be filed"),
    "hardship_exit": N_("Hardship file to be closed"),
    "aid_application": N_("Aid to be paid"),
}
# open: published (running, or paused by objections); closed: the subject moved on (passed,
# or stopped by an upheld objection or an officer)
STATUSES = ("open", "closed")
CLOSED_REASONS = ("passed", "upheld", "withdrawn")
# what a reader sees: derived from the status, the open objections and the end date
PHASES = {
    "running": N_("Being published"), "paused": N_("Paused by an objection"),
    "ended": N_("Notice period over"), "passed": N_("Passed"),
    "upheld": N_("Stopped by an objection"), "withdrawn": N_("Withdrawn"),
}
OBJECTION_STATUSES = {"open": N_("Waiting for an officer"), "upheld": N_("Upheld"),
                      "dismissed": N_("Dismissed")}
OBJECTION_ACTIONS = {"uphold": N_("Uphold"), "dismiss": N_("Dismiss")}
OBJECTION = StateMachine("objection", noun=N_("objection"), statuses=OBJECTION_STATUSES,
                         actions=OBJECTION_ACTIONS, moves={
    "uphold": (("open",), "upheld"),
    "dismiss": (("open",), "dismissed"),
})
LIVE = "status = 'open'"


class Notice(CreatedAtMixin, db.Model):
    """One subject published for objections for `working_days` working days after
    `starts_on` (the publication day itself does not count), the last being `ends_on`.

    An open objection stops the clock (`paused_on`: the day the first one still open was
    lodged); when the last open one is dismissed, `ends_on` moves on by the working days the
    pause took and `paused_working_days` adds them up (service.resume)."""

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint(f"subject_kind IN {tuple(SUBJECT_KINDS)}", name="subject_kind"),
        CheckConstraint("open_objections >= 0", name="objections_not_negative"),
        CheckConstraint("working_days BETWEEN 1 AND 30", name="working_days"),
        # one live notice per subject: a second publication of the same subject is refused
        Index("uq_notices_live_subject", "subject_kind", "subject_id", unique=True,
              postgresql_where=db.text(LIVE), sqlite_where=db.text(LIVE)),
        Index("ix_notices_org_status", "org_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(24))
    subject_id: Mapped[int] = mapped_column(BigIntPK)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    title: Mapped[str] = mapped_column(String(100))
    masked_name: Mapped[str] = mapped_column(String(50))
    place: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(50))
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    working_days: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date())
    ends_on: Mapped[date] = mapped_column(Date())
    status: Mapped[str] = mapped_column(String(8), default="open")
    closed_reason: Mapped[str | None] = mapped_column(String(16))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # moved only by counter UPDATEs (objections.py): lodging +1, resolving −1
    open_objections: Mapped[int] = mapped_column(Integer, default=0)
    paused_on: Mapped[date | None] = mapped_column(Date())
    paused_working_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1)

    org: Mapped[Org] = relationship(lazy="joined", innerjoin=True)

    @property
    def phase(self) -> str:
        if self.status == "closed":
            return self.closed_reason or "passed"
        if self.open_objections:
            return "paused"
        return "running" if shanghai_today() <= self.ends_on else "ended"


class NoticeObjection(CreatedAtMixin, db.Model):
    """Anyone logged in may object to a notice with a reason; an officer resolves it."""

    __tablename__ = "notice_objections"
    __table_args__ = (
        CheckConstraint(f"status IN {tuple(OBJECTION_STATUSES)}", name="status"),
        # one open objection per person per notice: stuffing a notice with objections from
        # one account pauses it no longer than one does
        Index("uq_notice_objections_open_per_user", "notice_id", "user_id", unique=True,
              postgresql_where=db.text("status = 'open'"),
              sqlite_where=db.text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"),
                                           index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    notice: Mapped[Notice] = relationship(lazy="joined", innerjoin=True)
