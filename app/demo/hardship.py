"""Demo hardship files (困难职工档案) in Donglan's five villages, one in each state: in its
notice with an objection (板逢村), filed at each level (deep 鸾坡村, relative 红里村, by
accident 弄竹村), due for its yearly review (坤王村), closed and in its six-month follow-up
(板逢村), waiting at the grassroots union (鸾坡村). The five households' students are the
first five 2023 扶智纾困 beneficiaries, whose applications are linked to the files; this
year's 送温暖 of the county union visits a household once, with one flagged application.
The county's 低保 line is 455 yuan a month (demo figure). Dates follow the load date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.aid.budget import try_reserve as reserve
from app.aid.decisions import open_step_todo as open_aid_todo
from app.aid.models import AidApplication, AidApplicationEvent, AidProgram, AidProgramOrg
from app.core import todos
from app.core.crypto import keyed_hash
from app.core.personal_data import mask_name
from app.core.roles import Role
from app.core.time import SHANGHAI, utcnow
from app.core.workdays import add_working_days, shanghai_today
from app.demo.aid import PROGRAM_NAME, VILLAGE_USERS, org_named
from app.demo.orgs import demo_id_number, ensure_user
from app.extensions import db
from app.hardship.chain import EXIT_NOTICE_KIND, NOTICE_KIND, after_notice, in_chinese
from app.hardship.chain import open_step_todo as open_file_todo
from app.hardship.eligibility import assess
from app.hardship.models import (
    LEVELS,
    HardshipEvent,
    HardshipFile,
    HardshipMember,
    HardshipSettings,
    HardshipVisit,
)
from app.hardship.upkeep import FOLLOW_UP_MONTHS, REVIEW_KIND, _remind, months_after
from app.notices.models import Notice, NoticeObjection
from app.notices.objections import TODO_KIND as OBJECTION_KIND
from app.orgs.models import Org

LINE_FEN = 45_500
COUNTY, TOWN = "东兰县总工会", "东兰镇"
WARMTH_NAME = "%(year)s年送温暖"


@dataclass(frozen=True)
class DemoFile:
    village: str
    head: str
    state: str  # in_notice, filed, review_due, closed, grassroots_review
    yearly_income_fen: int
    accident_costs_fen: int = 0
    cause: str = "illness"


# 3 people each; the line × 12 × 3 = 16,380 yuan a year
FILES = [
    DemoFile("板逢村", "韦德胜", "in_notice", 1_200_000),
    DemoFile("鸾坡村", "蓝永福", "filed", 900_000),                # deep
    DemoFile("红里村", "罗国庆", "filed", 2_400_000, cause="unemployment"),  # relative
    DemoFile("弄竹村", "牙振宇", "filed", 4_800_000, 4_000_000, "accident"),  # by accident
    DemoFile("坤王村", "班建华", "review_due", 1_500_000, cause="disability"),
    DemoFile("板逢村", "卢文军", "closed", 1_000_000, cause="schooling"),
    DemoFile("鸾坡村", "黄明亮", "grassroots_review", 1_300_000),
]


def load_hardship() -> dict[str, int]:
    """Idempotent: the county's settings mark the load."""
    county = org_named(COUNTY)
    if db.session.get(HardshipSettings, county.id) is None:
        db.session.add(HardshipSettings(org=county, org_id=county.id, poverty_line_fen=LINE_FEN,
                                        notice_working_days=5, version=1,
                                        updated_at=utcnow() - timedelta(days=400)))
        db.session.flush()
        students = list(db.session.scalars(
            select(AidApplication).join(AidProgram, AidProgram.id == AidApplication.program_id)
            .where(AidProgram.name == PROGRAM_NAME).order_by(AidApplication.id).limit(5)))
        made = [add_file(n, spec, county, students[n] if n < len(students) else None)
                for n, spec in enumerate(FILES)]
        add_warmth(county, made[1])
    db.session.commit()
    # 送温暖 adds aid rows: the aid figures are counted again after it
    return {"hardship_files": db.session.scalar(select(func.count()).select_from(HardshipFile)),
            "aid_programs": db.session.scalar(select(func.count()).select_from(AidProgram)),
            "aid_applications": db.session.scalar(
                select(func.count()).select_from(AidApplication))}


def _day_at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def add_file(n: int, spec: DemoFile, county: Org, student: AidApplication | None
             ) -> HardshipFile:
    village, town = org_named(spec.village), org_named(TOWN)
    # the household's own account opened it (the village's demo member), so the village's
    # approver may decide it
    officer = ensure_user(f"officer-{VILLAGE_USERS[spec.village].removeprefix('aid-')}")
    applicant = ensure_user(VILLAGE_USERS[spec.village])
    today = shanghai_today()
    head_number = demo_id_number("451224", f"{1972 + n}0{1 + n}12", 500 + n)
    spouse_number = demo_id_number("451224", f"{1974 + n}0{1 + n}20", 600 + n)
    child = (student.beneficiary_name, student.beneficiary_id_number) if student else (
        spec.head[0] + "小雨", demo_id_number("451224", f"{2006 + n % 3}0301", 700 + n))
    result = assess(yearly_income_fen=spec.yearly_income_fen, yearly_fixed_costs_fen=0,
                    accident_costs_fen=spec.accident_costs_fen, household_size=3,
                    poverty_line_fen=LINE_FEN)
    opened = today - timedelta(days={"review_due": 380, "closed": 420}.get(spec.state, 60))
    status = {"review_due": "filed"}.get(spec.state, spec.state)
    hardship_file = HardshipFile(
        org=village, org_id=village.id, county_org_id=county.id,
        applicant_id=applicant.id, entered_by_officer=False, head_name=spec.head,
        head_id_number=head_number, head_id_hash=keyed_hash(head_number),
        employer="东兰县务农", main_cause=spec.cause, secondary_causes=["schooling"]
        if spec.cause != "schooling" else [],
        income_items=[{"kind": "wages", "amount_fen": spec.yearly_income_fen}], fixed_costs=[],
        yearly_income_fen=spec.yearly_income_fen, yearly_fixed_costs_fen=0,
        accident_costs_fen=spec.accident_costs_fen, household_size=3,
        poverty_line_fen=LINE_FEN, level=result.level, bank_holder=spec.head,
        bank_name="东兰县农村信用合作联社", bank_account=f"623052009{n:09d}", status=status,
        version=5, created_at=_day_at(opened))
    db.session.add(hardship_file)
    db.session.flush()
    holding = status != "closed"
    for name, relation, number, health, schooling in (
            (spec.head, "self", head_number, "chronic", "none"),
            (mask_name(spec.head)[0] + "氏", "spouse", spouse_number, "serious", "none"),
            (child[0], "child", child[1], "healthy", "secondary")):
        db.session.add(HardshipMember(file_id=hardship_file.id, name=name, relation=relation,
                                      id_number=number, id_hash=keyed_hash(number),
                                      health=health, schooling=schooling, holding=holding))
    _history(hardship_file, spec, village, town, county, opened, officer.id)
    if status in ("filed", "closed"):
        filed_on = opened + timedelta(days=20)
        hardship_file.filed_at = _day_at(filed_on)
        hardship_file.reviewed_on = filed_on
        hardship_file.review_due_on = (today - timedelta(days=5) if spec.state == "review_due"
                                       else filed_on + timedelta(days=365))
    if spec.state == "review_due":
        _remind(hardship_file, REVIEW_KIND, "年度复核到期", hardship_file.review_due_on,
                "reviews")
    elif status == "closed":
        closed_on = today - timedelta(days=30)
        hardship_file.closed_at = _day_at(closed_on)
        hardship_file.follow_up_until = months_after(closed_on, FOLLOW_UP_MONTHS)
        hardship_file.exit_reason = "子女毕业就业，家庭收入稳定"
        hardship_file.exit_decision = "板逢村工会委员会集体研究同意脱困"
        _closed_notice(hardship_file, village, closed_on)
    elif status == "in_notice":
        hardship_file.step_org_id = county.id
        _notice_with_objection(hardship_file, village, county, today)
    elif status == "grassroots_review":
        hardship_file.step_org_id = village.id
        hardship_file.version = 1
        open_file_todo(hardship_file, village, what="入户核查并初审")
    if student is not None:
        student.hardship_file_id, student.hardship_level = hardship_file.id, result.level
    return hardship_file


def _history(hardship_file: HardshipFile, spec: DemoFile, village: Org, town: Org,
             county: Org, opened: date, officer_id: int) -> None:
    steps = [("create", None, "draft", village), ("submit", "draft", "grassroots_review",
                                                   village)]
    if spec.state != "grassroots_review":
        steps += [("visit", "grassroots_review", "grassroots_review", village),
                  ("approve", "grassroots_review", "upper_review", village),
                  ("approve", "upper_review", "in_notice", town)]
    if spec.state not in ("grassroots_review", "in_notice"):
        steps.append(("file", "in_notice", "filed", county))
    if spec.state == "closed":
        steps += [("close", "filed", "exit_notice", village),
                  ("confirm_close", "exit_notice", "closed", county)]
    for day, (action, before, after, org) in enumerate(steps):
        db.session.add(HardshipEvent(hardship_file_id=hardship_file.id, actor_id=officer_id,
                                     action=action, from_status=before, to_status=after,
                                     org_id=org.id, created_at=_day_at(opened + timedelta(
                                         days=3 * day))))
    if spec.state != "grassroots_review":
        second = ensure_user("officer-donglan-town")
        db.session.add(HardshipVisit(hardship_file_id=hardship_file.id,
                                     visited_on=opened + timedelta(days=3),
                                     first_officer_id=officer_id, second_officer_id=second.id,
                                     findings="一访二看三核四评：家中有病人，主要劳动力收入微薄，情况属实。",
                                     created_at=_day_at(opened + timedelta(days=3))))


def _notice_with_objection(hardship_file: HardshipFile, village: Org, county: Org,
                           today: date) -> None:
    starts = today - timedelta(days=2)
    notice = Notice(subject_kind=NOTICE_KIND, subject_id=hardship_file.id, org=village,
                    org_id=village.id, title="困难职工建档公示",
                    masked_name=mask_name(hardship_file.head_name), place=village.name,
                    category=in_chinese(LEVELS[hardship_file.level]), working_days=5,
                    starts_on=starts, ends_on=add_working_days(starts, 5), status="open",
                    open_objections=1, paused_on=today - timedelta(days=1), version=2,
                    created_at=_day_at(starts))
    db.session.add(notice)
    db.session.flush()
    objector = ensure_user("demo-worker")
    objection = NoticeObjection(notice_id=notice.id, user_id=objector.id, status="open",
                                reason="听说他家在县城有一间门面出租，请核实。", version=1,
                                created_at=_day_at(today - timedelta(days=1)))
    db.session.add(objection)
    db.session.flush()
    todos.open_todo(kind=OBJECTION_KIND, object_id=objection.id, org_id=village.id,
                    org_path=village.path, role=Role.APPROVER, version=1,
                    title=f"公示异议：{notice.title}", summary=objection.reason,
                    action=f"/api/v1/notice-objections/{objection.id}/decision",
                    waiting_since=objection.created_at)
    open_file_todo(hardship_file, county, what="公示期满后建档",
                   waiting_since=after_notice(notice.ends_on))


def _closed_notice(hardship_file: HardshipFile, village: Org, closed_on: date) -> None:
    starts = closed_on - timedelta(days=9)
    db.session.add(Notice(subject_kind=EXIT_NOTICE_KIND, subject_id=hardship_file.id,
                          org=village, org_id=village.id, title="困难职工脱困公示",
                          masked_name=mask_name(hardship_file.head_name), place=village.name,
                          category=in_chinese(LEVELS[hardship_file.level]), working_days=5,
                          starts_on=starts, ends_on=add_working_days(starts, 5),
                          status="closed", closed_reason="passed",
                          closed_at=_day_at(closed_on), open_objections=0, version=2))


def add_warmth(county: Org, household: HardshipFile) -> None:
    """送温暖 once per family this year: the head was visited; an application for his wife
    is flagged to the village approver with that visit."""
    now = utcnow()
    year = now.astimezone(SHANGHAI).year
    village = household.org
    program = AidProgram(
        name=WARMTH_NAME % {"year": year}, year=year, owner_org_id=county.id,
        categories=[{"code": "family", "name": "困难职工家庭", "kind": "family",
                     "required_documents": [],
                     "tiers": [{"code": "basic", "name": "慰问金", "amount_fen": 100_000}]}],
        chain=["village", "town", "county"], budget_fen=10_000_000, reserved_fen=0,
        paid_fen=0, opens_at=now - timedelta(days=20), closes_at=now + timedelta(days=40),
        repeat_scope="household", repeat_rule="flag", hardship_file_rule="required",
        excluded_by_program_ids=[], created_at=now - timedelta(days=25))
    db.session.add(program)
    db.session.flush()
    db.session.add(AidProgramOrg(program_id=program.id, org_id=county.id))
    members = {m.relation: m for m in db.session.scalars(select(HardshipMember).where(
        HardshipMember.file_id == household.id))}
    applicant = ensure_user(VILLAGE_USERS[village.name])
    chain_orgs = [village, org_named(TOWN), county]

    def application(member: HardshipMember, **state) -> AidApplication:
        return AidApplication(
            program_id=program.id, org_id=village.id, applicant_id=applicant.id,
            entered_by_officer=False, category_code="family", tier_code="basic",
            amount_fen=100_000, beneficiary_name=member.name,
            beneficiary_id_number=member.id_number, beneficiary_id_hash=member.id_hash,
            relation="self" if member.relation == "self" else "spouse",
            household_county="东兰县", bank_holder=household.head_name,
            bank_name=household.bank_name, bank_account=household.bank_account,
            reason="困难职工家庭送温暖慰问。", hardship_file_id=household.id,
            hardship_level=household.level, confirmations=[], **state)

    visited = application(members["self"], status="approved", version=4,
                          submitted_at=now - timedelta(days=15),
                          decided_at=now - timedelta(days=8), repeat_aid=[])
    db.session.add(visited)
    flagged = application(members["spouse"], status="submitted", step=0,
                          step_org_id=village.id, version=1,
                          submitted_at=now - timedelta(days=2),
                          repeat_aid=[{"program_id": program.id, "program_name": program.name,
                                       "year": year, "amount_fen": 100_000}])
    db.session.add(flagged)
    db.session.flush()
    # the visit's money is reserved like an approval's (counter and journal together)
    reserve(program_id=program.id, amount_fen=visited.amount_fen, application_id=visited.id,
            owner_org_id=county.id, memo=program.name)
    for app_row, steps in ((visited, 3), (flagged, 0)):
        db.session.add(AidApplicationEvent(application_id=app_row.id, action="submit",
                                           from_status="draft", to_status="submitted", step=0,
                                           org_id=village.id, created_at=app_row.submitted_at))
        db.session.add_all(AidApplicationEvent(
            application_id=app_row.id, action="approve", from_status="submitted",
            to_status="approved" if step == steps - 1 else "submitted", step=step,
            org_id=chain_orgs[step].id, created_at=app_row.submitted_at + timedelta(days=step + 1))
            for step in range(steps))
    flagged.program = program
    flagged.org = village
    open_aid_todo(flagged, program_name=program.name, step_org=village, version=1)
