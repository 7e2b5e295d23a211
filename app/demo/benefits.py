"""Demo benefits and relief from the seed article, with their money in the one journal.

Jingzhou (荆州市总工会): 6,000 e-reading cards (part claimed), 清凉全覆盖 for food-delivery
riders with stock at the 85 love stations (500,000 yuan), 女职工安康保险 for 720 women
members. Shaanxi (陕西省总工会): 1,500,000 yuan each to 甘肃省总工会 (received, with payouts)
and 青海省总工会 (transferred, waiting for acknowledgement), decided at the 15th chairman's
office meeting of 2023 (22 December). Windows are relative to the load date. Claims are
written in bulk: each campaign's spending is posted to the journal as one posting (source
`benefit_claim`, the campaign's id), which is what `flask gonghui reconcile` compares.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.benefits.claims import PICKUP_ALPHABET, PICKUP_LENGTH
from app.benefits.models import (
    BenefitCampaign,
    BenefitCampaignOrg,
    BenefitClaim,
    BenefitCode,
    BenefitPoint,
)
from app.core.crypto import keyed_hash
from app.core.time import utcnow
from app.demo.orgs import demo_id_number, ensure_org, ensure_user
from app.extensions import db
from app.ledger import journal
from app.members.models import Membership
from app.orgs.models import OfficerRole, Org
from app.relief.allocations import open_acknowledge_todo
from app.relief.models import ReliefAllocation, ReliefPayout
from app.stations.models import Station

CARDS, CARDS_CLAIMED = 6000, 1400
RIDERS, RIDERS_CLAIMED, RIDERS_PICKED_UP = 300, 240, 150
WOMEN = 720
COOLING_FEN = 50_000_000  # 500,000 yuan over the 85 stations' stock
COOLING_UNITS = 10_000
INSURANCE_UNIT_FEN = 28_000  # 280 yuan a person: 201,600 yuan for 720
RELIEF_FEN = 150_000_000
MEETING = ("陕西省总工会2023年第15次主席办公会", date(2023, 12, 22), "陕工办纪〔2023〕15号")
# officer → (org, nickname)
OFFICERS = {"officer-shaanxi": ("陕西省总工会", "陕西省总工会-赵"),
            "officer-gansu": ("甘肃省总工会", "甘肃省总工会-杨"),
            "officer-qinghai": ("青海省总工会", "青海省总工会-马")}


def _members(jingzhou: Org, prefix: str, count: int, *, industry: str, woman: bool,
             region: str = "421002") -> list[tuple[User, Membership]]:
    """Approved members of Jingzhou (users mock-<prefix>-<n>), made once."""
    openids = [f"mock-{prefix}-{n}" for n in range(count)]
    users = {user.openid: user for user in db.session.scalars(
        select(User).where(User.openid.in_(openids)))}
    new = [User(openid=openid, nickname=f"{prefix}{n}") for n, openid in enumerate(openids)
           if openid not in users]
    db.session.add_all(new)
    db.session.flush()
    users.update({user.openid: user for user in new})
    found = {m.user_id: m for m in db.session.scalars(select(Membership).where(
        Membership.user_id.in_([user.id for user in users.values()])))}
    rows = []
    for n, openid in enumerate(openids):
        user = users[openid]
        membership = found.get(user.id)
        if membership is None:
            sequence = 2 * (n % 500) + (0 if woman else 1)
            number = demo_id_number(region, f"19{80 + n // 500}{1 + n % 12:02d}{1 + n % 28:02d}",
                                    sequence)
            membership = Membership(
                user_id=user.id, org_id=jingzhou.id, real_name=f"{'刘' if woman else '陈'}{n}",
                id_number=number, id_number_hash=keyed_hash(number), employer="荆州某企业",
                occupation="骑手" if industry == "food_delivery" else "职工", industry=industry,
                status="approved", version=2, decided_at=utcnow() - timedelta(days=60))
            db.session.add(membership)
        rows.append((user, membership))
    db.session.flush()
    return rows


def _campaign(owner: Org, name: str, **values) -> BenefitCampaign | None:
    if db.session.scalar(select(BenefitCampaign.id).where(
            BenefitCampaign.name == name, BenefitCampaign.owner_org_id == owner.id)):
        return None
    now = utcnow()
    campaign = BenefitCampaign(owner_org_id=owner.id, name=name, claimed=0, version=1,
                               lottery_state="open", allocation="first_come",
                               opens_at=now - timedelta(days=10),
                               closes_at=now + timedelta(days=20), **values)
    db.session.add(campaign)
    db.session.flush()
    db.session.add(BenefitCampaignOrg(campaign_id=campaign.id, org_id=owner.id))
    return campaign


def _spent(campaign: BenefitCampaign) -> None:
    journal.move(org_id=campaign.owner_org_id, purpose="benefit",
                 amount_fen=campaign.claimed * campaign.unit_fen, debit="paid", credit="funds",
                 source="benefit_claim", source_id=campaign.id, memo=campaign.name)


def load_jingzhou(rng: random.Random) -> None:
    jingzhou = db.session.scalar(select(Org).where(Org.name == "荆州市总工会"))
    riders = _members(jingzhou, "jz-rider", RIDERS, industry="food_delivery", woman=False)
    women = _members(jingzhou, "jz-woman", WOMEN, industry="manufacturing", woman=True)

    cards = _campaign(jingzhou, "荆州职工电子阅读卡", kind="code_card", quantity=CARDS,
                      unit_fen=0, description="每位会员可领取一张电子阅读卡（一年期）。")
    if cards is not None:
        claimers = (women + riders)[:CARDS_CLAIMED]
        claims = [BenefitClaim(campaign_id=cards.id, user_id=user.id,
                               membership_id=membership.id, org_id=jingzhou.id,
                               member_name=membership.real_name, status="claimed", version=1)
                  for user, membership in claimers]
        db.session.add_all(claims)
        db.session.flush()
        codes = [f"JZREAD-{n:05d}-{rng.randint(1000, 9999)}" for n in range(CARDS)]
        db.session.add_all(BenefitCode(
            campaign_id=cards.id, code=code, code_hash=keyed_hash(f"benefit-code:{code}"),
            claim_id=claims[n].id if n < len(claims) else None) for n, code in enumerate(codes))
        cards.claimed = len(claims)
        _spent(cards)

    cooling = _campaign(jingzhou, "清凉全覆盖·外卖骑手送清凉", kind="supply",
                        quantity=COOLING_UNITS, unit_fen=COOLING_FEN // COOLING_UNITS,
                        industry="food_delivery", pickup_until=utcnow() + timedelta(days=30),
                        card_pickup=True,
                        description="每位外卖骑手可在任一爱心驿站领取一份防暑降温物资。")
    if cooling is not None:
        stations = list(db.session.scalars(select(Station).where(
            Station.org_id == jingzhou.id).order_by(Station.id)))
        per_point = COOLING_UNITS // max(len(stations), 1)
        points = [BenefitPoint(campaign_id=cooling.id, org_id=jingzhou.id, station_id=s.id,
                               name=s.name, address=s.address, lat=s.lat, lng=s.lng,
                               stock=per_point, taken=0) for s in stations]
        if points:
            points[0].stock += COOLING_UNITS - per_point * len(points)
        db.session.add_all(points)
        db.session.flush()
        claims = []
        for n, (user, membership) in enumerate(riders[:RIDERS_CLAIMED]):
            point = points[n % len(points)]
            point.taken += 1
            picked = n < RIDERS_PICKED_UP
            claims.append(BenefitClaim(
                campaign_id=cooling.id, user_id=user.id, membership_id=membership.id,
                org_id=jingzhou.id, member_name=membership.real_name,
                status="redeemed" if picked else "claimed", point_id=point.id,
                pickup_code="".join(rng.choice(PICKUP_ALPHABET) for _ in range(PICKUP_LENGTH)),
                redeemed_at=utcnow() - timedelta(days=2) if picked else None, version=1))
        db.session.add_all(claims)
        cooling.claimed = len(claims)
        _spent(cooling)

    insurance = _campaign(jingzhou, "2026年女职工安康保险", kind="enrolment",
                          quantity=800, unit_fen=INSURANCE_UNIT_FEN, women_only=True,
                          provider="中国人民财产保险荆州分公司",
                          description="工会为女会员投保女职工安康保险，请填写身份证号报名。")
    if insurance is not None:
        db.session.add_all(BenefitClaim(
            campaign_id=insurance.id, user_id=user.id, membership_id=membership.id,
            org_id=jingzhou.id, member_name=membership.real_name, status="claimed",
            id_number=membership.id_number, phone=f"139{n:08d}", version=1)
            for n, (user, membership) in enumerate(women))
        insurance.claimed = len(women)
        _spent(insurance)


def load_relief(rng: random.Random) -> None:
    shaanxi = ensure_org("陕西省总工会", "province", None, "610000")
    gansu = ensure_org("甘肃省总工会", "province", None, "620000")
    qinghai = ensure_org("青海省总工会", "province", None, "630000")
    for name, (org_name, nickname) in OFFICERS.items():
        user = ensure_user(name)
        user.nickname = nickname
        org = {"陕西省总工会": shaanxi, "甘肃省总工会": gansu, "青海省总工会": qinghai}[org_name]
        if db.session.scalar(select(OfficerRole.id).where(
                OfficerRole.user_id == user.id, OfficerRole.org_id == org.id,
                OfficerRole.role == "admin")) is None:
            db.session.add(OfficerRole(user_id=user.id, org_id=org.id, role="admin"))
    if db.session.scalar(select(ReliefAllocation.id).where(
            ReliefAllocation.from_org_id == shaanxi.id)):
        return
    meeting_name, meeting_date, minute = MEETING
    decided = utcnow() - timedelta(days=30)
    for receiver, status in ((gansu, "received"), (qinghai, "transferred")):
        allocation = ReliefAllocation(
            from_org_id=shaanxi.id, to_org_id=receiver.id, amount_fen=RELIEF_FEN, paid_fen=0,
            paid_count=0, purpose="积石山地震：慰问受灾职工和参与救援的职工",
            meeting_name=meeting_name, meeting_date=meeting_date, minute_reference=minute,
            voucher_reference=f"陕工财转〔2023〕{receiver.region_code}号", status=status,
            version=3 if status == "received" else 2, created_at=decided,
            transferred_at=decided + timedelta(days=1),
            received_at=decided + timedelta(days=2) if status == "received" else None)
        db.session.add(allocation)
        db.session.flush()
        journal.post(source="relief_transfer", source_id=allocation.id,
                     memo=f"relief {shaanxi.id}->{receiver.id}", at=allocation.transferred_at,
                     lines=[(shaanxi.id, "granted", "relief", RELIEF_FEN),
                            (shaanxi.id, "funds", "relief", -RELIEF_FEN),
                            (receiver.id, "funds", "relief", RELIEF_FEN),
                            (receiver.id, "received", "relief", -RELIEF_FEN)])
        if status != "received":
            db.session.refresh(allocation)
            open_acknowledge_todo(allocation)
            continue
        payouts = []
        for n in range(40):
            rescuer = n % 4 == 0
            number = demo_id_number("622927", f"1978{1 + n % 12:02d}{1 + n % 28:02d}", n)
            payouts.append(ReliefPayout(
                allocation_id=allocation.id, batch_name="第一批慰问金", name=f"马{n}",
                id_number=number, id_number_hash=keyed_hash(number),
                recipient_kind="rescuer" if rescuer else "worker",
                amount_fen=200_000 if rescuer else 500_000,
                reason="参与抢险救援" if rescuer else "房屋受损", method="bank",
                bank_name="甘肃农村信用社", bank_account=f"62230{rng.randint(10**10, 10**11)}"))
        db.session.add_all(payouts)
        db.session.flush()
        for payout in payouts:
            journal.move(org_id=gansu.id, purpose="relief", amount_fen=payout.amount_fen,
                         debit="paid", credit="funds", source="relief_payout",
                         source_id=payout.id, memo=payout.batch_name)
        allocation.paid_fen = sum(payout.amount_fen for payout in payouts)
        allocation.paid_count = len(payouts)


def load_benefits() -> dict[str, int]:
    rng = random.Random(19)
    load_jingzhou(rng)
    load_relief(rng)
    db.session.commit()
    return {"benefit_campaigns": db.session.query(BenefitCampaign).count(),
            "relief_allocations": db.session.query(ReliefAllocation).count()}
