"""Tables of 揭榜挂帅 projects: projects, bids, team, hours, reports, tranches, 问效."""

from __future__ import annotations

from dataclasses import dataclass
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
    UniqueConstraint,
    literal,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.auth.models import User
from app.core.db import BigIntPK, CreatedAtMixin
from app.core.i18n import N_
from app.core.states import StateMachine
from app.core.time import UTCDateTime
from app.extensions import db
from app.orgs.models import Org

PROJECT_LEVELS = ("county", "town", "village")
STATUSES = ("draft", "published", "awarded", "in_progress", "under_review", "completed",
            "failed", "cancelled")
CATEGORIES = {
    "employment": N_("Employment and business"),
    "skills": N_("Skills"),
    "culture": N_("Culture and leisure"),
    "rights": N_("Workers' rights"),
    "care": N_("Help for families in need"),
    "safety": N_("Work safety"),
    "services": N_("Service sites"),
    "other": N_("Other"),
}
# the labels of the codes (`core.labels`): statuses, actions, bids, team roles, outcomes
PROJECT_STATUSES = {
    "draft": N_("Draft"), "published": N_("Open for bids"), "awarded": N_("Awarded"),
    "in_progress": N_("In progress"), "under_review": N_("Results under review"),
    "completed": N_("Completed"), "failed": N_("Failed"), "cancelled": N_("Cancelled"),
}
PROJECT_ACTIONS = {
    "edit": N_("Edit"), "publish": N_("Publish"), "cancel": N_("Cancel"),
    "award": N_("Choose the winning bid"), "start": N_("Start"),
    "submit": N_("Submit the results for review"), "complete": N_("Mark completed"),
    "fail": N_("Mark failed"), "rework": N_("Send back for rework"),
}
OUTCOME_LABELS = {"completed": N_("Completed"), "failed": N_("Failed"),
                  "rework": N_("Needs rework")}
BID_STATUS_LABELS = {"submitted": N_("Bid submitted"), "withdrawn": N_("Withdrawn"),
                     "won": N_("Won"), "lost": N_("Not chosen")}
BID_ACTIONS = {"edit": N_("Edit"), "withdraw": N_("Withdraw")}
TEAM_ROLE_LABELS = {"leader": N_("Project leader"), "working_group": N_("Working group"),
                    "instructor": N_("Instructor"), "volunteer": N_("Volunteer")}
BID_STATUSES = ("submitted", "withdrawn", "won", "lost")
LIVE_BID = "status <> 'withdrawn'"
WON_BID = "status = 'won'"
TEAM_ROLES = ("leader", "working_group", "instructor", "volunteer")
OUTCOMES = ("completed", "failed", "rework")

# The project lifecycle: action → (statuses it may start from, status it leads to).
LIFECYCLE = StateMachine("project", noun=N_("project"), statuses=PROJECT_STATUSES,
                         actions=PROJECT_ACTIONS, moves={
    "publish": (("draft",), "published"),
    "cancel": (("draft", "published"), "cancelled"),
    "award": (("published",), "awarded"),
    "start": (("awarded",), "in_progress"),
    "submit": (("in_progress",), "under_review"),
    "complete": (("under_review",), "completed"),
    "fail": (("under_review",), "failed"),
    "rework": (("under_review",), "in_progress"),
})
# statuses in which money may be released and the team may change
RUNNING = ("awarded", "in_progress", "under_review")
# statuses in which members may sign up as volunteers, and beneficiaries answer the survey
VOLUNTEER_OPEN = ("awarded", "in_progress")
SURVEY_OPEN = ("in_progress", "under_review", "completed")
# A bid is live while submitted; the award (or a cancel) settles every live bid.
BID_STATES = StateMachine("bid", noun=N_("bid"), statuses=BID_STATUS_LABELS,
                          actions=BID_ACTIONS, moves={
    "edit": (("submitted",), None),
    "withdraw": (("submitted",), "withdrawn"),
    "win": (("submitted",), "won"),
    "lose": (("submitted",), "lost"),
})


@dataclass(frozen=True)
class GoalProgress:
    """One goal with the latest reported actual against its target."""

    name: str
    unit: str
    target: float
    actual: float | None
    ratio: float | None


@dataclass(frozen=True)
class Satisfaction:
    answers: int
    satisfied: int
    rate: float | None


class Project(CreatedAtMixin, db.Model):
    """One listed problem. `released_fen` is the running sum of its tranches."""

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint(f"category IN {tuple(CATEGORIES)}", name="category"),
        CheckConstraint("budget_fen >= 0", name="budget_not_negative"),
        # Last line of defence for tranches: the conditional UPDATE in reports.release_tranche
        # keeps the sum within the budget; this refuses any write that would not.
        CheckConstraint("released_fen >= 0 AND released_fen <= budget_fen", name="released"),
        Index("ix_projects_org_status", "org_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    title: Mapped[str] = mapped_column(String(100))
    problem: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(24))
    goals: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    actuals: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    granted_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    released_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    bid_deadline: Mapped[date] = mapped_column(Date)
    bids_close_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    winner_bid_id: Mapped[int | None] = mapped_column(BigInteger)
    score: Mapped[int | None] = mapped_column(Integer)
    survey_answers: Mapped[int] = mapped_column(Integer, default=0)
    survey_satisfied: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # joined on every load: every project the API shows carries its org (no per-row query);
    # the list, which joins orgs for its filters anyway, fills it with contains_eager
    org: Mapped[Org] = relationship(Org, lazy="joined", innerjoin=True)
    # the caller's live bid on it, filled per caller with `allowed_actions` (actions.py)
    my_bid = None

    @property
    def progress(self) -> list[GoalProgress]:
        """Per goal: the latest reported actual against the target."""
        rows = []
        for goal in self.goals:
            actual = (self.actuals or {}).get(goal["name"])
            ratio = round(actual / goal["target"], 4) if actual is not None else None
            rows.append(GoalProgress(goal["name"], goal["unit"], goal["target"], actual, ratio))
        return rows

    @property
    def satisfaction(self) -> Satisfaction:
        answers = self.survey_answers
        rate = round(self.survey_satisfied / answers, 4) if answers else None
        return Satisfaction(answers, self.survey_satisfied, rate)


class Bid(CreatedAtMixin, db.Model):
    """A member's offer to take a project on (揭榜)."""

    __tablename__ = "project_bids"
    __table_args__ = (
        CheckConstraint(f"status IN {BID_STATUSES}", name="status"),
        CheckConstraint("requested_fen >= 0", name="requested_not_negative"),
        # One live bid per member per project, whatever the concurrency.
        Index("uq_project_bids_live_bidder", "project_id", "bidder_id", unique=True,
              postgresql_where=db.text(LIVE_BID), sqlite_where=db.text(LIVE_BID)),
        # Exactly one winner per project: the last defence behind the conditional award.
        Index("uq_project_bids_winner", "project_id", unique=True,
              postgresql_where=db.text(WON_BID), sqlite_where=db.text(WON_BID)),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                           index=True)
    plan: Mapped[str] = mapped_column(Text)
    qualifications: Mapped[str] = mapped_column(Text)
    team: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    requested_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # "my bids" loads it with the page (joinedload); nothing else reads it
    project: Mapped[Project] = relationship(Project, lazy="raise_on_sql")
    # joined on every load: a bid shows its bidder's name and picture
    bidder: Mapped[User] = relationship(User, foreign_keys=[bidder_id], lazy="joined",
                                        innerjoin=True)


class TeamMember(CreatedAtMixin, db.Model):
    """The leader, working-group officers, instructors (指导员) and volunteers of a project."""

    __tablename__ = "project_team"
    __table_args__ = (
        CheckConstraint(f"role IN {TEAM_ROLES}", name="role"),
        UniqueConstraint("project_id", "user_id", "role"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    duty: Mapped[str | None] = mapped_column(String(100))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # joined on every load: the team shows each member's nickname
    user: Mapped[User] = relationship(User, foreign_keys=[user_id], lazy="joined",
                                      innerjoin=True)
    # "my projects" loads it with the page (joinedload); nothing else reads it
    project: Mapped[Project] = relationship(Project, lazy="raise_on_sql")
    # volunteer minutes logged so far: the team list loads them with `with_expression`
    # (team.minutes_logged); a member just added has none
    minutes: Mapped[int] = query_expression(default_expr=literal(0))

    @property
    def hours(self) -> float:
        return round((self.minutes or 0) / 60, 1)


class VolunteerHours(CreatedAtMixin, db.Model):
    """Hours the leader logged for one volunteer on one day."""

    __tablename__ = "project_volunteer_hours"
    __table_args__ = (CheckConstraint("minutes > 0", name="minutes_positive"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    team_member_id: Mapped[int] = mapped_column(
        ForeignKey("project_team.id", ondelete="CASCADE"), index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    worked_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))
    logged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ProgressReport(CreatedAtMixin, db.Model):
    """The leader's report for a period: KPI actuals to date, text, photo file ids."""

    __tablename__ = "project_reports"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    period: Mapped[str] = mapped_column(String(20))
    actuals: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)
    photo_file_ids: Mapped[list[int]] = mapped_column(JSON, default=list)


class Tranche(CreatedAtMixin, db.Model):
    """Funds released against a milestone."""

    __tablename__ = "project_tranches"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    milestone: Mapped[str] = mapped_column(String(200))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    released_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Evaluation(CreatedAtMixin, db.Model):
    """An approver's 问效 of a submitted result."""

    __tablename__ = "project_evaluations"
    __table_args__ = (
        CheckConstraint(f"outcome IN {OUTCOMES}", name="outcome"),
        CheckConstraint("score >= 0 AND score <= 100", name="score"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    score: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)


class SurveyAnswer(CreatedAtMixin, db.Model):
    """A beneficiary's one-question satisfaction answer; one per user per project."""

    __tablename__ = "project_survey_answers"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    satisfied: Mapped[bool] = mapped_column(Boolean)
