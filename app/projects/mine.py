"""The caller's own 揭榜挂帅 lists: "my bids" and "my projects" (the ones I lead or work on),
each one keyset page in one statement, with the project each row is about (the labels of
their codes are the domain's, in `models.py`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, with_expression

from app.core.pagination import Page, keyset_page
from app.projects.models import Bid, TeamMember
from app.projects.team import minutes_logged


def my_bids(*, actor_id: int, limit: int, cursor: str | None) -> Page[Bid]:
    """The caller's bids, newest first, each with its project (and the project's org)."""
    query = (select(Bid).where(Bid.bidder_id == actor_id)
             .options(joinedload(Bid.project)))
    return keyset_page(query, keys=[Bid.id], limit=limit, cursor=cursor, descending=True)


def my_projects(*, actor_id: int, limit: int, cursor: str | None) -> Page[TeamMember]:
    """The caller's places in project teams (leader, working group, instructor, volunteer),
    newest first: each with the project and the hours logged for the caller there."""
    query = (select(TeamMember).where(TeamMember.user_id == actor_id)
             .options(joinedload(TeamMember.project),
                      with_expression(TeamMember.minutes, minutes_logged())))
    return keyset_page(query, keys=[TeamMember.id], limit=limit, cursor=cursor,
                       descending=True)
