"""Bids (揭榜): members submit, edit and withdraw until the award (the award: awards.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core import audit, todos
from app.core import time as clock
from app.core.db import insert_unique, is_unique_violation
from app.core.i18n import N_, translate
from app.core.pagination import Page, keyset_page
from app.core.states import guarded_update
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.projects.access import bidding_open, get_project, is_officer_over, require_member
from app.projects.models import BID_STATES, Bid, Project


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
                          translate(N_("must be at most the budget, %(budget_fen)s fen"),
                                    {"budget_fen": project.budget_fen})]}})


def submit(*, actor_id: int, project_id: int, plan: str, qualifications: str,
           team: list[dict[str, Any]], requested_fen: int) -> Bid:
    project = get_project(actor_id, project_id)
    require_member(actor_id)
    require_open(project)
    check_amount(project, requested_fen)
    bid = Bid(project_id=project.id, bidder_id=actor_id, plan=plan,
              qualifications=qualifications, team=team, requested_fen=requested_fen,
              status="submitted", version=1)
    insert_unique(bid, duplicate=Conflict(
        "You already have a live bid on this project; edit it instead.", code="bid_exists"))
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
    org = project.org
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
    project = get_project(actor_id, project_id)
    bid = db.session.get(Bid, bid_id)
    if bid is None or bid.project_id != project.id or bid.bidder_id != actor_id:
        raise NotFound("No such bid.")
    return project, bid


def change_own_bid(bid: Bid, action: str, version: int, values: dict[str, Any]) -> None:
    """From the version the bidder saw. A bid already withdrawn, won or lost is 409
    `invalid_transition` naming its status (from there no move is left, so `allowed` is
    empty); the award or another edit in between makes it 409 `stale_version` with the bid's
    status and version (no `allowed`: the bid machine's other moves, win and lose, are no
    bidder's to take)."""
    BID_STATES.check(bid.status, action)
    guarded_update(bid, values={**values, "updated_at": clock.utcnow()}, version=version,
                   status=BID_STATES.sources(action), noun="bid")


def edit(*, actor_id: int, project_id: int, bid_id: int, version: int,
         **changes: Any) -> Bid:
    project, bid = get_own_bid(actor_id, project_id, bid_id)
    require_open(project)
    if "requested_fen" in changes:
        check_amount(project, changes["requested_fen"])
    change_own_bid(bid, "edit", version, changes)
    audit.record(actor_id=actor_id, actor_role="member", org_id=project.org_id,
                 action="bid.edit", target_type="bid", target_id=bid_id,
                 after={"fields": sorted(changes)})
    db.session.commit()
    return bid


def withdraw(*, actor_id: int, project_id: int, bid_id: int, version: int) -> Bid:
    project, bid = get_own_bid(actor_id, project_id, bid_id)
    if project.status != "published":
        raise Conflict("Bids can be withdrawn only until the award.", code="not_open",
                       details={"status": project.status})
    change_own_bid(bid, "withdraw", version, {"status": "withdrawn"})
    audit.record(actor_id=actor_id, actor_role="member", org_id=project.org_id,
                 action="bid.withdraw", target_type="bid", target_id=bid_id)
    live = db.session.scalar(select(func.count()).select_from(Bid).where(
        Bid.project_id == project.id, Bid.status == "submitted"))
    if not live:
        todos.close_todo(kind="project_bids", object_id=project.id)
    db.session.commit()
    return bid


def list_bids(*, actor_id: int, project_id: int, limit: int, cursor: str | None) -> Page[Bid]:
    """Oldest first. Officers over the project's org see every bid; anyone else their own."""
    project = get_project(actor_id, project_id)
    query = select(Bid).where(Bid.project_id == project.id)
    if not is_officer_over(actor_id, project):
        query = query.where(Bid.bidder_id == actor_id)
    return keyset_page(query, keys=[Bid.id], limit=limit, cursor=cursor)
