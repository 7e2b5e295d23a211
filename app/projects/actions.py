"""What the caller may do on a project now: the `allowed_actions` every project response carries.

Each action is the value an endpoint takes, so a screen shows a button per entry and posts it
as is: `edit` is `PATCH /projects/{id}`; `publish`, `cancel`, `award`, `start`, `submit` are
`POST /projects/{id}/<action>`; `bid` is `POST …/bids`, `volunteer` `POST …/volunteers`,
`report` `POST …/reports`, `release_tranche` `POST …/tranches`, `add_team_member`
`POST …/team`, `answer_survey` `POST …/survey`; `completed`, `failed` and `rework` are the
`outcome` of `POST …/evaluation`. The list follows the same checks as the endpoints (the
caller's roles over the org, membership, leadership, the bidding window, what the caller
already did), so every action listed succeeds when posted with the current version and
every other one is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from app.core.roles import DECIDERS, MANAGERS
from app.extensions import db
from app.orgs.scope import has_role_over
from app.projects.access import bidding_open, member_org_path, serves
from app.projects.models import (
    LIFECYCLE,
    OUTCOMES,
    RUNNING,
    SURVEY_OPEN,
    VOLUNTEER_OPEN,
    Bid,
    Project,
    TeamMember,
)

# the evaluation outcome each review move is posted as
OUTCOME_OF = {"complete": "completed", "fail": "failed", "rework": "rework"}
ACTIONS = ("edit", "publish", "cancel", "bid", "award", "start", "volunteer", "report",
           "release_tranche", "add_team_member", "submit", *OUTCOMES, "answer_survey")


@dataclass
class Caller:
    """What the checks need to know of the caller, loaded once for a page of projects."""

    id: int
    member_path: str | None  # the org path of their approved membership
    live_bids: set[int] = field(default_factory=set)      # projects with a live bid of theirs
    my_bids: dict[int, Bid] = field(default_factory=dict)  # that live bid, per project
    volunteering: set[int] = field(default_factory=set)   # projects they volunteer on
    on_team: set[int] = field(default_factory=set)        # projects they are on the team of
    with_live_bids: set[int] = field(default_factory=set)  # projects with any bid to award

    @property
    def member(self) -> bool:
        return self.member_path is not None


def load_caller(actor_id: int, project_ids: list[int]) -> Caller:
    """Four statements whatever the number of projects."""
    def ids(query) -> set[int]:
        return set(db.session.scalars(query)) if project_ids else set()

    in_page = (Bid.project_id.in_(project_ids),)
    mine = {bid.project_id: bid for bid in db.session.scalars(select(Bid).where(
        *in_page, Bid.bidder_id == actor_id, Bid.status != "withdrawn"))} if project_ids else {}
    team = db.session.execute(select(TeamMember.project_id, TeamMember.role).where(
        TeamMember.project_id.in_(project_ids), TeamMember.user_id == actor_id)).all() \
        if project_ids else []
    return Caller(
        id=actor_id, member_path=member_org_path(actor_id), live_bids=set(mine), my_bids=mine,
        volunteering={pid for pid, role in team if role == "volunteer"},
        on_team={pid for pid, _role in team},
        with_live_bids=ids(select(Bid.project_id).where(
            *in_page, Bid.status == "submitted").distinct()),
    )


def allowed_for(caller: Caller, project: Project) -> list[str]:
    """The actions `caller` may post on `project` now, in the order of ACTIONS."""
    status, pid = project.status, project.id
    manager = has_role_over(caller.id, project.org, MANAGERS)
    decider = has_role_over(caller.id, project.org, DECIDERS)
    leader = project.leader_id == caller.id
    bids_open = bidding_open(project)
    allowed = {
        "edit": manager and status == "draft",
        "publish": manager and LIFECYCLE.can(status, "publish") and bids_open,
        "cancel": manager and LIFECYCLE.can(status, "cancel"),
        "bid": (caller.member and status == "published" and bids_open
                and pid not in caller.live_bids),
        "award": (decider and LIFECYCLE.can(status, "award") and not bids_open
                  and pid in caller.with_live_bids),
        "start": (leader or manager) and LIFECYCLE.can(status, "start"),
        "volunteer": (caller.member and status in VOLUNTEER_OPEN and not leader
                      and pid not in caller.volunteering),
        "report": leader and status == "in_progress",
        "release_tranche": (manager and status in RUNNING
                            and project.released_fen < project.budget_fen),
        "add_team_member": manager and status in RUNNING,
        "submit": leader and LIFECYCLE.can(status, "submit"),
        # beneficiaries only, not the people who work on it; a new answer replaces the old
        "answer_survey": (status in SURVEY_OPEN and serves(project, caller.member_path)
                          and not leader and pid not in caller.on_team),
    }
    for move, outcome in OUTCOME_OF.items():
        allowed[outcome] = decider and not leader and LIFECYCLE.can(status, move)
    return [action for action in ACTIONS if allowed[action]]


def with_actions(actor_id: int, projects: Iterable[Project]) -> None:
    """Fill `allowed_actions` and `my_bid` on each project for the caller (what `ProjectOut`
    shows)."""
    projects = list(projects)
    caller = load_caller(actor_id, [project.id for project in projects])
    for project in projects:
        project.allowed_actions = allowed_for(caller, project)
        project.my_bid = caller.my_bids.get(project.id)


def for_caller(actor_id: int, project: Project) -> Project:
    """The project with its `allowed_actions` for the caller."""
    with_actions(actor_id, [project])
    return project
