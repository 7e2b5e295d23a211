"""Projects' personal data in the export: the person's bids, the projects they lead, their
team places. Nothing is erased here: bids, teams and reports are the org's business records
and stay with the de-identified account."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.core.personal_data import PersonalData, mask_name, row
from app.extensions import db
from app.projects.models import Bid, Project, TeamMember


def exported_bid(bid: Bid) -> dict[str, Any]:
    """The proposed team names other people: masked like any family member."""
    return {**row(bid, ("id", "project_id", "plan", "qualifications", "requested_fen",
                        "status", "created_at", "updated_at")),
            "team": [{**member, "name": mask_name(member.get("name"))}
                     for member in bid.team or []]}


def export(user_id: int) -> dict[str, Any]:
    scalars = db.session.scalars
    return {
        "bids": [exported_bid(b) for b in scalars(
            select(Bid).where(Bid.bidder_id == user_id).order_by(Bid.id))],
        "projects_led": [row(p, ("id", "org_id", "title", "status", "budget_fen",
                                 "granted_fen", "released_fen", "created_at"))
                         for p in scalars(select(Project).where(
                             Project.leader_id == user_id).order_by(Project.id))],
        "project_teams": [row(t, ("project_id", "role", "duty", "created_at"))
                          for t in scalars(select(TeamMember).where(
                              TeamMember.user_id == user_id).order_by(TeamMember.id))],
    }


PERSONAL_DATA = PersonalData(domain="projects", export=export)
