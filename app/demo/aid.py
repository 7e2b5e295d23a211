"""Demo aid data: the 扶智纾困 programs of the Guangxi union for five Donglan villages.

2023's is history: 168 students (91 high school, 63 higher vocational or above, 14 newly
admitted undergraduates) and 12 families paid, 510,200 yuan in all. This year's (the year of
the load date) is open for applications — from a month before the load date to two months
after it, so the demo works any day — with applications waiting at every step of the chain:
one at each of the five villages' approvers, and more above them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.aid.decisions import open_step_todo
from app.aid.models import (
    AidApplication,
    AidApplicationEvent,
    AidProgram,
    AidProgramOrg,
    DisbursementBatch,
)
from app.core.crypto import keyed_hash
from app.core.time import SHANGHAI, utcnow
from app.demo.orgs import DONGLAN_VILLAGES, add_membership, demo_id_number, ensure_user
from app.extensions import db
from app.ledger import journal
from app.orgs.models import Org
from app.orgs.service import ancestor_at_level

PROGRAM_NAME = "2023年扶智纾困帮扶项目"
CURRENT_NAME = "%(year)s年扶智纾困帮扶项目"
CHAIN = ["village", "town", "county", "province"]
CATEGORIES = [
    {"code": "student", "name": "困难学子", "kind": "student",
     "required_documents": ["id_card", "household_register", "enrollment_certificate"],
     "tiers": [{"code": "high_school", "name": "高中（中职）在读", "amount_fen": 200_000},
               {"code": "higher_vocational", "name": "高职（大专）及以上在读",
                "amount_fen": 300_000},
               {"code": "new_undergraduate", "name": "当年考上全日制本科",
                "amount_fen": 600_000}]},
    {"code": "family", "name": "防返贫监测对象家庭", "kind": "family",
     "required_documents": ["household_register", "monitoring_certificate"],
     "tiers": [{"code": "severe", "name": "重大困难", "amount_fen": 700_000},
               {"code": "major", "name": "较大困难", "amount_fen": 500_000},
               {"code": "general", "name": "一般困难", "amount_fen": 80_000}]},
]
# (category, tier, how many were paid) — 91·2000 + 63·3000 + 14·6000 + 6·7000 + 2·5000
# + 4·800 = 510,200 yuan
PAID = [("student", "high_school", 91), ("student", "higher_vocational", 63),
        ("student", "new_undergraduate", 14), ("family", "severe", 6), ("family", "major", 2),
        ("family", "general", 4)]
# this year's program: (village, category, tier, steps already approved) — waiting at each
# step of the chain, at least one at every village
WAITING = [("板逢村", "student", "high_school", 0), ("板逢村", "student", "higher_vocational", 0),
           ("板逢村", "family", "general", 0), ("鸾坡村", "student", "new_undergraduate", 0),
           ("红里村", "family", "major", 0), ("弄竹村", "student", "high_school", 0),
           ("坤王村", "student", "higher_vocational", 0), ("鸾坡村", "student", "high_school", 1),
           ("红里村", "student", "higher_vocational", 1), ("弄竹村", "student", "high_school", 2),
           ("坤王村", "family", "general", 3)]
BUDGET_FEN = 53_000_000
CURRENT_BUDGET_FEN = 60_000_000
OPEN_DAYS_BEFORE, OPEN_DAYS_AFTER = 30, 60
SURNAMES = "韦黄覃蓝罗陆牙班李卢"
GIVEN = ["小芳", "志强", "海燕", "春梅", "建华", "秋菊", "明亮", "丽娟", "文军", "金凤",
         "永福", "美玲", "德胜", "晓红", "国庆", "桂兰", "振宇", "雪梅"]
VILLAGE_USERS = dict(zip(DONGLAN_VILLAGES, ["aid-banfeng", "aid-luanpo", "aid-hongli",
                                            "aid-nongzhu", "aid-kunwang"], strict=True))


def shanghai(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def org_named(name: str) -> Org:
    return db.session.scalars(select(Org).where(Org.name == name).order_by(Org.id)).first()


def amount_of(category: str, tier: str) -> int:
    group = next(c for c in CATEGORIES if c["code"] == category)
    return next(t["amount_fen"] for t in group["tiers"] if t["code"] == tier)


def new_application(program: AidProgram, village: Org, n: int, category: str, tier: str,
                    **state) -> AidApplication:
    student = category == "student"
    number = demo_id_number("451224", f"{2003 + n % 5}{1 + n % 12:02d}{1 + n % 28:02d}"
                            if student else f"{1970 + n % 20}0{1 + n % 9}15", n)
    name = SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)]
    return AidApplication(
        program_id=program.id, org_id=village.id,
        applicant_id=ensure_user(VILLAGE_USERS[village.name]).id, entered_by_officer=False,
        category_code=category, tier_code=tier, amount_fen=amount_of(category, tier),
        beneficiary_name=name, beneficiary_id_number=number,
        beneficiary_id_hash=keyed_hash(number), relation="child" if student else "self",
        school=("东兰县高级中学" if tier == "high_school" else "河池学院") if student else None,
        grade=("高二" if tier == "high_school" else "2023级") if student else None,
        household_county="东兰县", bank_holder=name if not student else f"{name[0]}家长",
        bank_name="东兰县农村信用合作联社", bank_account=f"62305200{n:010d}",
        reason="家庭经济困难，申请扶智纾困资助。", **state)


def add_paid(program: AidProgram, villages: list[Org], batch: DisbursementBatch,
             chain_orgs: dict[int, list[Org]]) -> None:
    n = 0
    for category, tier, count in PAID:
        for _ in range(count):
            village = villages[n % len(villages)]
            application = new_application(
                program, village, n, category, tier, status="paid", version=7,
                batch_id=batch.id, submitted_at=shanghai(2023, 10, 10 + n % 15),
                decided_at=shanghai(2023, 11, 20), paid_at=batch.paid_at,
                created_at=shanghai(2023, 10, 8 + n % 15))
            db.session.add(application)
            db.session.flush()
            events = [("submit", "draft", "submitted", None, application.submitted_at)]
            for step, org in enumerate(chain_orgs[village.id]):
                events.append(("approve", "submitted",
                               "approved" if step == len(CHAIN) - 1 else "submitted", org,
                               shanghai(2023, 11, 1 + 5 * step)))
            events.append(("pay", "approved", "paid", None, batch.paid_at))
            db.session.add_all(AidApplicationEvent(
                application_id=application.id, action=action, from_status=before,
                to_status=after, org_id=org.id if org else None, created_at=at,
                step=chain_orgs[village.id].index(org) if org else None,
                comment=batch.name if action == "pay" else None)
                for action, before, after, org, at in events)
            n += 1


def add_waiting(program: AidProgram, chain_orgs: dict[int, list[Org]]) -> None:
    now = utcnow()
    for index, (village_name, category, tier, step) in enumerate(WAITING):
        village = org_named(village_name)
        step_org = chain_orgs[village.id][step]
        submitted = now - timedelta(days=10 - index % 5, hours=index)
        application = new_application(
            program, village, 900 + index, category, tier, status="submitted", step=step,
            step_org_id=step_org.id, version=1 + step, submitted_at=submitted,
            created_at=submitted - timedelta(days=1))
        db.session.add(application)
        db.session.flush()
        db.session.add(AidApplicationEvent(
            application_id=application.id, action="submit", from_status="draft",
            to_status="submitted", step=0, org_id=chain_orgs[village.id][0].id,
            created_at=application.submitted_at))
        db.session.add_all(AidApplicationEvent(
            application_id=application.id, action="approve", from_status="submitted",
            to_status="submitted", step=done, org_id=chain_orgs[village.id][done].id,
            created_at=submitted + timedelta(days=1 + done)) for done in range(step))
        open_step_todo(application, program_name=program.name, step_org=step_org,
                       version=application.version)


def load_aid() -> dict[str, int]:
    """Idempotent: each program is created once, with all its applications."""
    owner = org_named("广西壮族自治区总工会")
    villages = [org_named(name) for name in DONGLAN_VILLAGES]
    chain_orgs = {v.id: [ancestor_at_level(v, level) for level in CHAIN] for v in villages}
    if find_program(owner, PROGRAM_NAME) is None:
        load_2023(owner, villages, chain_orgs)
    load_current(owner, villages, chain_orgs)
    add_applicant_members(villages)
    db.session.commit()
    return {"aid_programs": db.session.scalar(select(func.count()).select_from(AidProgram)),
            "aid_applications": db.session.scalar(
                select(func.count()).select_from(AidApplication))}


def add_applicant_members(villages: list[Org]) -> None:
    """Each village's demo applicant is an approved member there, so the open program reads
    `eligible` for them and the mini-program offers 申请帮扶 (add_membership is idempotent)."""
    for n, village in enumerate(villages):
        add_membership(ensure_user(VILLAGE_USERS[village.name]), village,
                       name=f"{SURNAMES[n]}{GIVEN[n + 10]}", industry="other",
                       occupation="村民", employer=village.name, status="approved",
                       days_ago=500, id_number=demo_id_number("451224", "19800101", 500 + n))


def find_program(owner: Org, name: str) -> AidProgram | None:
    return db.session.scalar(select(AidProgram).where(AidProgram.name == name,
                                                      AidProgram.owner_org_id == owner.id))


def load_2023(owner: Org, villages: list[Org], chain_orgs: dict[int, list[Org]]) -> None:
    """The paid history of the seed article."""
    paid_fen = sum(amount_of(category, tier) * count for category, tier, count in PAID)
    program = AidProgram(
        name=PROGRAM_NAME, year=2023, owner_org_id=owner.id, categories=CATEGORIES,
        chain=CHAIN, budget_fen=BUDGET_FEN, reserved_fen=0, paid_fen=paid_fen,
        opens_at=shanghai(2023, 9, 1, 0), closes_at=shanghai(2023, 11, 30, 0) + timedelta(
            days=1), created_at=shanghai(2023, 8, 20))
    db.session.add(program)
    db.session.flush()
    db.session.add_all(AidProgramOrg(program_id=program.id, org_id=v.id) for v in villages)
    batch = DisbursementBatch(
        program_id=program.id, name="2023年扶智纾困资助金发放仪式", status="paid",
        total_fen=paid_fen, count=sum(count for _, _, count in PAID), version=2,
        paid_at=shanghai(2023, 12, 15), created_at=shanghai(2023, 12, 1))
    db.session.add(batch)
    db.session.flush()
    # the money in the one journal, as the services post it (reserved on approval, paid)
    for source, source_id, debit, credit in (("aid_reserve", program.id, "reserved", "funds"),
                                             ("aid_payment", batch.id, "paid", "reserved")):
        journal.move(org_id=owner.id, purpose="aid", amount_fen=paid_fen, debit=debit,
                     credit=credit, source=source, source_id=source_id, memo=program.name,
                     at=batch.paid_at)
    add_paid(program, villages, batch, chain_orgs)


def load_current(owner: Org, villages: list[Org], chain_orgs: dict[int, list[Org]]) -> None:
    """This year's program, open around the load date, with applications waiting."""
    now = utcnow()
    year = now.astimezone(SHANGHAI).year
    name = CURRENT_NAME % {"year": year}
    if year == 2023 or find_program(owner, name) is not None:
        return
    today = datetime.combine(now.astimezone(SHANGHAI).date(), datetime.min.time(), SHANGHAI)
    program = AidProgram(
        name=name, year=year, owner_org_id=owner.id, categories=CATEGORIES, chain=CHAIN,
        budget_fen=CURRENT_BUDGET_FEN, reserved_fen=0, paid_fen=0,
        opens_at=today - timedelta(days=OPEN_DAYS_BEFORE),
        closes_at=today + timedelta(days=OPEN_DAYS_AFTER + 1),
        created_at=now - timedelta(days=OPEN_DAYS_BEFORE + 10))
    db.session.add(program)
    db.session.flush()
    db.session.add_all(AidProgramOrg(program_id=program.id, org_id=v.id) for v in villages)
    db.session.flush()
    add_waiting(program, chain_orgs)
