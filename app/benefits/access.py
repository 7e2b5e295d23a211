"""Who may see what in benefits: the loaders (404 to whoever may not know a thing exists)
and the eligibility of a member."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from app.benefits.models import BenefitCampaign, BenefitClaim
from app.core import idcard
from app.errors import NotFound
from app.extensions import db
from app.members.models import Membership
from app.orgs.models import Org
from app.orgs.scope import authorize, has_role_over


def get_campaign(actor_id: int, campaign_id: int, *,
                 roles: Iterable[str] | None = None, lock: bool = False) -> BenefitCampaign:
    """Campaigns are public to logged-in users (what they may claim); with `roles` the actor
    must hold one over the owner org (404 outside it, 403 for the wrong role)."""
    query = (select(BenefitCampaign).where(BenefitCampaign.id == campaign_id)
             .options(selectinload(BenefitCampaign.eligible_orgs))
             .execution_options(populate_existing=True))
    campaign = db.session.scalar(query)
    if campaign is None:
        raise NotFound("No such benefit campaign.")
    if roles is not None:
        authorize(actor_id, campaign.owner_org, tuple(roles))
    return campaign


def is_officer_over(actor_id: int | None, org: Org, roles: Iterable[str] | None = None) -> bool:
    return has_role_over(actor_id, org, roles) if roles else has_role_over(actor_id, org)


def get_claim(actor_id: int, claim_id: int) -> BenefitClaim:
    """The claimer sees their own claim; officers over the owner org see it too."""
    claim = db.session.get(BenefitClaim, claim_id)
    if claim is None or not (claim.user_id == actor_id
                             or is_officer_over(actor_id, claim.campaign.owner_org)):
        raise NotFound("No such claim.")
    return claim


@dataclass(frozen=True)
class Member:
    """The caller's approved membership, as eligibility reads it."""

    membership_id: int
    org: Org
    real_name: str
    industry: str
    is_woman: bool


@cache
def _member_query():
    """Built once: the entitlements page and every claim run it, and building the statement
    and its cache key again each time cost more than sending it."""
    return (select(Membership, Org).join(Org, Org.id == Membership.org_id)
            .where(Membership.user_id == bindparam("user_id"), Membership.status == "approved"))


def member_of(user_id: int) -> Member | None:
    found = db.session.execute(_member_query(), {"user_id": user_id}).first()
    if found is None:
        return None
    membership, org = found
    return Member(membership_id=membership.id, org=org, real_name=membership.real_name,
                  industry=membership.industry, is_woman=is_woman(membership.id_number))


def is_woman(id_number: str | None) -> bool:
    """GB 11643: the 17th digit is odd for men, even for women."""
    number = idcard.normalise(id_number or "")
    return len(number) == 18 and number[16].isdigit() and int(number[16]) % 2 == 0


def paths_up_to(org: Org) -> list[str]:
    """The paths of `org` and of the orgs above it."""
    parts = org.path.strip("/").split("/")
    return ["/" + "/".join(parts[:n + 1]) + "/" for n in range(len(parts))]


def eligible_clause(paths):
    """SQL: the campaign's eligible orgs include an org of `paths` (`paths_up_to(org)`: the
    org or one above it; or an expanding bindparam of them)."""
    from app.benefits.models import BenefitCampaignOrg

    return BenefitCampaign.id.in_(
        select(BenefitCampaignOrg.campaign_id).join(Org, Org.id == BenefitCampaignOrg.org_id)
        .where(Org.path.in_(paths)))


def eligible(campaign: BenefitCampaign, member: Member | None) -> bool:
    if member is None:
        return False
    if not any(member.org.path.startswith(org.path) for org in campaign.eligible_orgs):
        return False
    if campaign.industry and member.industry != campaign.industry:
        return False
    return not (campaign.women_only and not member.is_woman)
