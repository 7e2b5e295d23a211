"""Who may see a card: its holder and officers over the membership's org."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.cards.models import MemberCard
from app.core.roles import OFFICERS
from app.errors import NotFound
from app.extensions import db
from app.members.models import Membership
from app.orgs.scope import authorize, has_role_over


def _loaded(condition) -> MemberCard | None:
    return db.session.scalar(
        select(MemberCard).where(condition)
        .options(joinedload(MemberCard.membership).joinedload(Membership.org))
        .execution_options(populate_existing=True))


def get_card(actor_id: int, card_id: int, *, roles: Iterable[str] = OFFICERS,
             holder: bool = True) -> MemberCard:
    """The card (with its membership and org) for its holder (unless `holder=False`) or an
    officer holding one of `roles` over the membership's org; 404 to anyone else."""
    card = _loaded(MemberCard.id == card_id)
    if card is None:
        raise NotFound("No such member card.")
    if holder and card.user_id == actor_id:
        return card
    authorize(actor_id, card.membership.org, tuple(roles))
    return card


def find_card(actor_id: int, number: str) -> MemberCard:
    """The card with this number for an officer over the membership's org; one 404 for an
    unknown number and for anyone else, so a number typed in tells nothing about the card."""
    card = _loaded(MemberCard.number == number)
    if card is None or not has_role_over(actor_id, card.membership.org, OFFICERS):
        raise NotFound("No member card with this number under your unions.")
    return card
