"""The award: after the deadline an approver picks the one winning bid."""

from __future__ import annotations

from app.core import time as clock
from app.core import todos
from app.core.roles import DECIDERS
from app.core.states import guarded_update
from app.errors import Conflict, NotFound
from app.extensions import db
from app.projects.access import bidding_open, get_project
from app.projects.actions import for_caller
from app.projects.models import BID_STATES, LIFECYCLE, Bid, Project, TeamMember
from app.projects.projects import concerned_users, move, settle_bids, tell


def award(*, actor_id: int, project_id: int, bid_id: int, version: int) -> Project:
    """Pick the winning bid; of racing officers exactly one succeeds.

    Guards: the guarded project UPDATE (status published + the version seen) lets one
    transaction through; the bid's own guarded UPDATE refuses a bid withdrawn meanwhile;
    the partial unique index on won bids is the last defence.
    """
    project = get_project(actor_id, project_id, roles=DECIDERS)
    LIFECYCLE.check(project.status, "award")
    if bidding_open(project):
        raise Conflict("Bids are still open until the deadline.", code="bidding_open",
                       details={"bids_close_at": clock.shown(project.bids_close_at)})
    bid = db.session.get(Bid, bid_id)
    if bid is None or bid.project_id != project.id:
        raise NotFound("No such bid on this project.")
    if not BID_STATES.can(bid.status, "win"):
        raise Conflict("This bid cannot win.", code="bid_not_live",
                       details={"status": bid.status})
    winner_id, amount = bid.bidder_id, bid.requested_fen
    now = clock.utcnow()
    move(project, "award", actor_id=actor_id, actor_role="approver", version=version,
         values={"winner_bid_id": bid.id, "leader_id": winner_id, "granted_fen": amount,
                 "awarded_at": now})
    try:
        guarded_update(bid, values={"status": "won", "updated_at": now},
                       status=BID_STATES.sources("win"), noun="bid")
    except Conflict as changed:
        raise Conflict("The bid was withdrawn meanwhile.", code="bid_not_live",
                       details=changed.details) from None
    settle_bids(project_id)
    db.session.add(TeamMember(project_id=project_id, user_id=winner_id, role="leader",
                              duty="揭榜人", added_by=actor_id))
    todos.close_todo(kind="project_bids", object_id=project_id)
    tell(project, "award", actor_id=actor_id, users={winner_id},
         extra="恭喜您揭榜成功，请组建工作专班开展实施。")
    losers = concerned_users(project_id) - {winner_id}
    tell(project, "award", actor_id=actor_id, users=losers,
         extra="您的揭榜方案未被选中，感谢参与。")
    db.session.commit()
    return for_caller(actor_id, project)
