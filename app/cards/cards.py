"""Cards: the holder's card with a fresh QR token, officers' suspension and reinstatement,
and tokens of a membership revoked when it moves (transfer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from app.cards import tokens
from app.cards.access import find_card, get_card
from app.cards.models import LIFECYCLE, VERDICTS, MemberCard, card_number
from app.core import audit
from app.core.crypto import mask_name
from app.core.db import commit_keeping_loaded, insert_unique
from app.core.labels import Code
from app.core.pages import page_path
from app.core.roles import CARD_VERIFIERS, MANAGERS, OFFICERS
from app.core.states import guarded_update, stale
from app.core.time import utcnow
from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.members.access import get_membership
from app.members.models import Membership
from app.notify.service import notify
from app.orgs.models import Org
from app.orgs.scope import grants_of


@dataclass(frozen=True)
class IssuedToken:
    """What the card page turns into a QR: the token and when to fetch the next one."""

    token: str
    expires_at: datetime
    refresh_after_seconds: int


@dataclass(frozen=True)
class Verdict:
    """A verifier's answer: valid or why not; the masked name, org and status when valid."""

    verdict: str
    number: str | None = None
    masked_name: str | None = None
    org: Org | None = None
    status: str | None = None
    expires_at: datetime | None = None

    @property
    def valid(self) -> bool:
        return self.verdict == "valid"


@cache
def _card_of_membership_query():
    """Built once: the card page runs it on every call, and building the statement and its
    cache key again each time cost more than sending it."""
    return (select(MemberCard).where(MemberCard.membership_id == bindparam("membership_id"))
            .options(joinedload(MemberCard.membership).joinedload(Membership.org)))


def _card_of(membership: Membership) -> tuple[MemberCard, bool]:
    """The membership's card, made on first use (the unique membership id settles a race),
    and whether this call made it (then there is something to commit)."""
    params = {"membership_id": membership.id}
    card = db.session.scalar(_card_of_membership_query(), params)
    if card is not None:
        return card, False
    insert_unique(MemberCard(membership=membership, user_id=membership.user_id,
                             number=card_number(membership), status="active",
                             generation=1, version=1))
    return db.session.scalar(_card_of_membership_query(), params), True


def issue_card(membership: Membership) -> MemberCard:
    """For the demo data and other services: the card of an approved membership (flushes)."""
    return _card_of(membership)[0]


def _issue_token(card: MemberCard) -> IssuedToken | None:
    if card.status != "active":
        return None
    now = int(utcnow().timestamp())
    lifetime = int(current_app.config["CARD_TOKEN_SECONDS"])
    claims = tokens.Claims(number=card.number, generation=card.generation, status=card.status,
                           issued_at=now, expires_at=now + lifetime)
    return IssuedToken(token=tokens.sign(claims),
                       expires_at=datetime.fromtimestamp(claims.expires_at, UTC),
                       refresh_after_seconds=max(1, min(60, lifetime // 2)))


@cache
def _approved_membership_query():
    """Built once, as the card's own: the card page runs it on every call."""
    return (select(Membership).where(Membership.user_id == bindparam("user_id"),
                                     Membership.status == "approved")
            .options(joinedload(Membership.org)))


def my_card(*, actor_id: int) -> MemberCard:
    """The caller's card (an approved member's), with a fresh token while it is active."""
    membership = db.session.scalar(_approved_membership_query(), {"user_id": actor_id})
    if membership is None:
        raise NotFound("You have no approved membership, so no member card yet.",
                       code="not_a_member")
    card, made = _card_of(membership)
    if made:  # else nothing was written: no commit, so no reload of the expired card
        db.session.commit()
    card.token = _issue_token(card)
    return card


def card_of_membership(*, actor_id: int, membership_id: int) -> MemberCard:
    """Officers over the membership's org look its card up (made if it has none yet)."""
    membership = get_membership(actor_id, membership_id, roles=OFFICERS, applicant=False)
    if membership.status != "approved":
        raise NotFound("This membership is not approved, so it has no card.",
                       code="not_a_member")
    card, made = _card_of(membership)
    if made:
        db.session.commit()
    return card


def _check(token: str) -> tuple[Verdict, MemberCard | None]:
    """Signature, expiry, then the card's current generation and status (a suspended or
    transferred card's earlier codes fail); the card only when valid."""
    try:
        claims = tokens.verify_signature(token, now=int(utcnow().timestamp()))
    except tokens.TokenError as exc:
        return Verdict(verdict=exc.verdict), None
    card = db.session.scalar(
        select(MemberCard).where(MemberCard.number == claims.number)
        .options(joinedload(MemberCard.membership).joinedload(Membership.org)))
    if card is None or card.generation != claims.generation \
            or card.membership.status != "approved":
        return Verdict(verdict="revoked", number=claims.number), None
    if card.status != "active":
        return Verdict(verdict="suspended", number=claims.number, status=card.status), None
    return Verdict(verdict="valid", number=card.number,
                   masked_name=mask_name(card.membership.real_name), org=card.membership.org,
                   status=card.status,
                   expires_at=datetime.fromtimestamp(claims.expires_at, UTC)), card


def verify(*, actor_id: int, token: str) -> Verdict:
    """Online verification by an officer or a verifier."""
    if not grants_of(actor_id, CARD_VERIFIERS):
        raise Forbidden("Only officers and card verifiers may check member cards.")
    return _check(token)[0]


@dataclass(frozen=True)
class Presented:
    """A card shown to staff that verified: who it is, as far as the staff may know."""

    card: MemberCard
    verdict: Verdict


def accept(token: str) -> Presented:
    """For other domains (check-ins, pick-ups): the card behind a valid token, else 422
    `card_not_accepted` with the verdict (what `POST /cards/verify` would have answered).
    The caller has already checked the staff member's role where the card is shown."""
    verdict, card = _check(token)
    if card is None:
        raise Invalid("This member card code is not accepted: %(reason)s",
                      params={"reason": Code(VERDICTS, verdict.verdict)},
                      code="card_not_accepted",
                      details={"verdict": verdict.verdict})
    return Presented(card=card, verdict=verdict)


def _notify_holder(card: MemberCard, title: str, body: str) -> None:
    notify(user_id=card.user_id, event="card.changed", title=title, body=body,
           data={"card_number": card.number}, page=page_path("cards/card"))


def suspend(*, actor_id: int, card_id: int, reason: str, version: int) -> MemberCard:
    """A manager over the org suspends the card: every code issued so far stops verifying."""
    card = get_card(actor_id, card_id, roles=MANAGERS, holder=False)
    if card.version != version:
        raise stale(MemberCard, card_id, noun="member card", machine=LIFECYCLE)
    LIFECYCLE.check(card.status, "suspend")
    guarded_update(card, version=version, status="active", machine=LIFECYCLE,
                   noun="member card",
                   values={"status": "suspended", "generation": MemberCard.generation + 1,
                           "suspended_reason": reason, "suspended_at": utcnow(),
                           "suspended_by": actor_id})
    audit.record(actor_id=actor_id, actor_role="officer", org_id=card.membership.org_id,
                 action="card.suspend", target_type="member_card", target_id=card_id,
                 reason=reason)
    _notify_holder(card, "会员卡已暂停", f"您的会员卡 {card.number} 已暂停使用。原因：{reason}")
    db.session.commit()
    return card


def reinstate(*, actor_id: int, card_id: int, version: int) -> MemberCard:
    """The card works again (with new codes; the ones from before the suspension stay void)."""
    card = get_card(actor_id, card_id, roles=MANAGERS, holder=False)
    if card.version != version:
        raise stale(MemberCard, card_id, noun="member card", machine=LIFECYCLE)
    LIFECYCLE.check(card.status, "reinstate")
    guarded_update(card, version=version, status="suspended", machine=LIFECYCLE,
                   noun="member card",
                   values={"status": "active", "suspended_reason": None,
                           "suspended_at": None, "suspended_by": None})
    audit.record(actor_id=actor_id, actor_role="officer", org_id=card.membership.org_id,
                 action="card.reinstate", target_type="member_card", target_id=card_id)
    _notify_holder(card, "会员卡已恢复", f"您的会员卡 {card.number} 已恢复使用。")
    db.session.commit()
    return card


def revoke_tokens(membership_id: int) -> None:
    """Every code of the membership's card issued so far stops verifying (flushes only)."""
    db.session.execute(
        update(MemberCard).where(MemberCard.membership_id == membership_id)
        .values(generation=MemberCard.generation + 1, version=MemberCard.version + 1)
        .execution_options(synchronize_session=False))


def officer_card(*, actor_id: int, card_id: int) -> MemberCard:
    """The holder or an officer over the org reads the card (no token: the holder's own
    card page has that)."""
    return get_card(actor_id, card_id)


def card_by_number(*, actor_id: int, number: str) -> MemberCard:
    """An officer over the org looks a card up by the number a verification showed; audited,
    as the answer holds the member's name."""
    card = find_card(actor_id, number)
    audit.record(actor_id=actor_id, actor_role="officer", org_id=card.membership.org_id,
                 action="card.lookup", target_type="member_card", target_id=card.id)
    commit_keeping_loaded()  # only the audit row was written: the card as loaded is the answer
    return card
