"""Bids (揭榜): members submit, edit and withdraw until the award; one bid wins."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.core import audit, todos
from app.core import time as clock
from app.core.db import is_unique_violation
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.members.models import Membership
from app.projects import transitions
from app.projects.models import Bid, Project, TeamMember
from app.projects.service import (
    DECIDERS,
    bidding_open,
    close_todos,
    get_managed_project,
    get_visible_project,
    is_officer_over,
    org_of,
)


def require_member(actor_id: int) -> None:
    """Only users whose union membership was approved may bid or volunteer."""
    approved = db.session.scalar(select(Membership.id).where(
        Membership.user_id == actor_id, Membership.status == "approved").limit(1))
    if approved is None:
        raise Forbidden("Only union members may do this; apply for membership first.",
                        code="members_only")


def require_open(project: Project) -> None:
    """Bids change only while the project is published and before its deadline."""
    if project.status != "published":
        raise Conflict("This project is not open for bids.", code="not_open",
                       details={"status": project.status})
    if not bidding_open(project):
        raise Conflict("The bid deadline has passed.", code="bidding_closed",
                       details={"bid_deadline": str(project.bid_deadline)})


def check_amount(project: Project, requested_fen: int) -> None:
    if requested_fen > project.budget_fen:
        raise Invalid("The requested amount exceeds the budget.",
                      details={"fields": {"requested_fen": [
                          f"must be at most {project.budget_fen}"]}})


def submit(*, actor_id: int, project_id: int, plan: str, qualifications: str,
           team: list[dict[str, Any]], requested_fen: int) -> Bid:
    project = get_visible_project(actor_id, project_id)
    require_member(actor_id)
    require_open(project)
    check_amount(project, requested_fen)
    bid = Bid(project_id=project.id, bidder_id=actor_id, plan=plan,
              qualifications=qualifications, team=team, requested_fen=requested_fen,
              status="submitted", version=1)
    try:
        with db.session.begin_nested():
            db.session.add(bid)
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise Conflict("You already have a live bid on this project; edit it instead.",
                       code="bid_exists") from None
    audit.record(actor_id=actor_id, actor_role="member", org_id=project.org_id,
                 action="bid.submit", target_type="bid", target_id=bid.id,
                 after={"requested_fen": requested_fen})
    wait_for_award(project)
    db.session.commit()
    return bid


def wait_for_award(project: Project) -> None:
    """Put the project in the approvers' queue from the bid deadline on (idempotent)."""
    if todos.find_todo("project_bids", project.id) is not None:
        return
    org = org_of(project)
    try:
        # Two first bids racing both try to open the item; the loser keeps the winner's row.
        with db.session.begin_nested():
            todos.open_todo(
                kind="project_bids", object_id=project.id, org_id=org.id, org_path=org.path,
                role="approver", title=f"揭榜待定：{project.title}", version=project.version,
                summary=f"{org.name} · 预算 {project.budget_fen / 100:.2f} 元",
                action=f"/api/v1/projects/{project.id}/award",
                waiting_since=project.bids_close_at,
            )
            db.session.flush()
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise


def get_own_bid(actor_id: int, project_id: int, bid_id: int) -> tuple[Project, Bid]:
    project = get_visible_project(actor_id, project_id)
    bid = db.session.get(Bid, bid_id)
    if bid is None or bid.project_id != project.id or bid.bidder_id != actor_id:
        raise NotFound("No such bid.")
    return project, bid


def change_own_bid(bid: Bid, version: int, values: dict[str, Any]) -> None:
    """Conditional UPDATE: the award or another edit in between makes this one 409."""
    changed = db.session.execute(
        update(Bid).where(Bid.id == bid.id, Bid.status == "submitted", Bid.version == version)
        .values(version=Bid.version + 1, updated_at=clock.utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        current = db.session.get(Bid, bid.id)
        raise Conflict("This bid changed since you loaded it.", code="stale_version",
                       details={"status": current.status, "version": current.version})
    db.session.expire(bid)


def edit(*, actor_id: int, project_id: int, bid_id: int, version: int,
         **changes: Any) -> Bid:
    project, bid = get_own_bid(actor_id, project_id, bid_id)
    require_open(project)
    if "requested_fen" in changes:
        check_amount(project, changes["requested_fen"])
    change_own_bid(bid, version, changes)
    audit.record(actor_id=actor_id, actor_role="member", org_id=project.org_id,
                 action="bid.edit", target_type="bid", target_id=bid.id,
                 after={"fields": sorted(changes)})
    db.session.commit()
    return bid


def withdraw(*, actor_id: int, project_id: int, bid_id: int, version: int) -> Bid:
    project, bid = get_own_bid(actor_id, project_id, bid_id)
    if project.status != "published":
        raise Conflict("Bids can be withdrawn only until the award.", code="not_open",
                       details={"status": project.status})
    change_own_bid(bid, version, {"status": "withdrawn"})
    audit.record(actor_id=actor_id, actor_role="member", org_id=project.org_id,
                 action="bid.withdraw", target_type="bid", target_id=bid.id)
    live = db.session.scalar(select(func.count()).select_from(Bid).where(
        Bid.project_id == project.id, Bid.status == "submitted"))
    if not live:
        todos.close_todo(kind="project_bids", object_id=project.id)
    db.session.commit()
    return bid


def list_bids(*, actor_id: int, project_id: int) -> list[Bid]:
    """Officers over the project's org see every bid; anyone else only their own."""
    project = get_visible_project(actor_id, project_id)
    query = select(Bid).where(Bid.project_id == project.id)
    if not is_officer_over(actor_id, project):
        query = query.where(Bid.bidder_id == actor_id)
    return list(db.session.scalars(query.order_by(Bid.id)))


def award(*, actor_id: int, project_id: int, bid_id: int, version: int) -> Project:
    """Pick the winning bid after the deadline; of racing officers exactly one succeeds.

    Guards: the conditional project UPDATE (status published + the version seen) lets one
    transaction through; the bid's own conditional UPDATE refuses a bid withdrawn meanwhile;
    the partial unique index on won bids is the last defence.
    """
    project = get_managed_project(actor_id, project_id, DECIDERS)
    transitions.check(project, "award")
    if bidding_open(project):
        raise Conflict("Bids are still open until the deadline.", code="bidding_open",
                       details={"bids_close_at": project.bids_close_at.isoformat()})
    bid = db.session.get(Bid, bid_id)
    if bid is None or bid.project_id != project.id:
        raise NotFound("No such bid on this project.")
    if bid.status != "submitted":
        raise Conflict("This bid cannot win.", code="bid_not_live",
                       details={"status": bid.status})
    winner_id, amount = bid.bidder_id, bid.requested_fen
    transitions.move(project, "award", actor_id=actor_id, actor_role="approver",
                     version=version, values={
                         "winner_bid_id": bid.id, "leader_id": winner_id,
                         "granted_fen": amount, "awarded_at": clock.utcnow()})
    won = db.session.execute(
        update(Bid).where(Bid.id == bid.id, Bid.status == "submitted")
        .values(status="won", version=Bid.version + 1, updated_at=clock.utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        db.session.rollback()
        raise Conflict("The bid was withdrawn meanwhile.", code="bid_not_live")
    transitions.settle_bids(project.id)
    db.session.add(TeamMember(project_id=project.id, user_id=winner_id, role="leader",
                              duty="揭榜人", added_by=actor_id))
    close_todos(project.id)
    transitions.tell(project, "award", actor_id=actor_id, users={winner_id},
                     extra="恭喜您揭榜成功，请组建工作专班开展实施。")
    losers = transitions.concerned_users(project.id) - {winner_id}
    transitions.tell(project, "award", actor_id=actor_id, users=losers,
                     extra="您的揭榜方案未被选中，感谢参与。")
    db.session.commit()
    return project
