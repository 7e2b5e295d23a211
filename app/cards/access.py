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
from app.orgs.scope import authorize


def get_card(actor_id: int, card_id: int, *, roles: Iterable[str] = OFFICERS,
             holder: bool = True) -> MemberCard:
    """The card (with its membership and org) for its holder (unless `holder=False`) or an
    officer holding one of `roles` over the membership's org; 404 to anyone else."""
    card = db.session.scalar(
        select(MemberCard).where(MemberCard.id == card_id)
        .options(joinedload(MemberCard.membership).joinedload(Membership.org))
        .execution_options(populate_existing=True))
    if card is None:
        raise NotFound("No such member card.")
    if holder and card.user_id == actor_id:
        return card
    authorize(actor_id, card.membership.org, tuple(roles))
    return card
