"""Demo 揭榜挂帅 list of Binhai (滨海县): 178 projects 8 / 34 / 136 and the two seed stories."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from app.auth.models import User
from app.core import time as clock
from app.demo.orgs import BINHAI_TOWNS, add_membership, demo_id_number, ensure_user
from app.extensions import db
from app.ledger import journal
from app.orgs.models import Org
from app.projects.bids import wait_for_award
from app.projects.models import (
    Bid,
    Evaluation,
    ProgressReport,
    Project,
    SurveyAnswer,
    TeamMember,
    Tranche,
    VolunteerHours,
)
from app.projects.projects import closing_time
from app.projects.review import queue_for_review

COUNTY = "滨海县总工会"
HOUSEKEEPING = "家政服务提质扩容促就业"
CULTURE = "丰富职工文化生活"
COUNTY_TOPICS = [
    (HOUSEKEEPING, "employment"), ("新就业形态劳动者权益保障", "rights"),
    ("产业工人技能提升行动", "skills"), ("职工心理健康服务", "care"),
    ("困难职工精准帮扶", "care"), ("户外劳动者服务站点建设", "services"),
    ("企业安全生产隐患排查", "safety"), ("职工文化阵地建设", "culture"),
]
TOWN_TOPICS = [("技能培训进企业", "skills"), ("职工之家提档升级", "services")]
VILLAGE_TOPICS = [
    ("农民工就近就业对接", "employment"), ("留守职工家庭关爱", "care"),
    ("职工文体活动", "culture"), ("灵活就业人员入会服务", "rights"),
]
# the states the non-seed projects cycle through (all were published: the list is public)
STATE_CYCLE = ["completed", "completed", "in_progress", "completed", "under_review", "awarded",
               "completed", "published", "in_progress", "failed", "completed", "cancelled"]
BUDGET_YUAN = {"county": 200_000, "town": 50_000, "village": 10_000}
RELEASED_SHARE = {"awarded": 0, "in_progress": 0.5, "under_review": 0.8, "completed": 1,
                  "failed": 0.3}
LEADERS = 20
# the project whose bidding has closed: three bids asking for these shares of the budget
CLOSED_BID_SHARES = (0.9, 0.8, 0.95)
INSTRUCTORS = 5
VOLUNTEERS = 124


@dataclass
class Story:
    """A project to create: where, what, its state, and who runs it."""

    org: Org
    title: str
    category: str
    status: str
    goals: list[dict]
    budget_fen: int
    leader: User | None = None
    bidder: User | None = None
    # bidding closed (the deadline was two days before the load) with these bids waiting
    closed_bidders: list[User] = field(default_factory=list)
    actuals: dict[str, float] = field(default_factory=dict)
    instructors: list[User] = field(default_factory=list)
    volunteers: list[User] = field(default_factory=list)
    satisfied_of: tuple[int, int] = (0, 0)


def binhai_orgs() -> tuple[Org, list[Org], list[Org]] | None:
    county = db.session.scalar(select(Org).where(Org.name == COUNTY, Org.level == "county"))
    if county is None:
        return None
    towns, villages = [], []
    for town_name, village_names in BINHAI_TOWNS.items():
        town = db.session.scalar(select(Org).where(Org.name == town_name,
                                                   Org.parent_id == county.id))
        towns.append(town)
        villages += list(db.session.scalars(select(Org).where(
            Org.parent_id == town.id, Org.name.in_(village_names)).order_by(Org.id)))
    return county, towns, villages


def people() -> tuple[User, User, list[User], list[User], list[User]]:
    qiao = ensure_user("demo-qiao")
    qiao.nickname = "乔梅花"
    yu = ensure_user("demo-member")
    leaders = [ensure_user(f"demo-leader-{n:02d}") for n in range(1, LEADERS + 1)]
    instructors = [ensure_user(f"demo-instructor-{n}") for n in range(1, INSTRUCTORS + 1)]
    volunteers = [ensure_user(f"demo-volunteer-{n:03d}") for n in range(1, VOLUNTEERS + 1)]
    for n, user in enumerate(instructors, 1):
        user.nickname = f"指导员{n}"
    for n, user in enumerate(volunteers, 1):
        user.nickname = f"志愿者{n:03d}"
    return qiao, yu, leaders, instructors, volunteers


def seed_stories(county: Org, changfa: Org, qiao: User, yu: User, instructors: list[User],
                 volunteers: list[User]) -> list[Story]:
    housekeeping = Story(
        org=county, title=HOUSEKEEPING, category="employment", status="completed",
        budget_fen=500_000_00, leader=qiao, instructors=instructors[:2], volunteers=volunteers[:40],
        goals=[{"name": "家政人员转移就业", "unit": "人", "target": 1000},
               {"name": "新增家政从业人员", "unit": "人", "target": 3000},
               {"name": "技能提升培训", "unit": "人", "target": 600}],
        actuals={"家政人员转移就业": 1870, "新增家政从业人员": 3600, "技能提升培训": 786},
        satisfied_of=(0, 0),
    )
    culture = Story(
        org=changfa, title=CULTURE, category="culture", status="completed",
        budget_fen=30_000_00, leader=yu, instructors=instructors[2:3],
        volunteers=volunteers[40:64],
        goals=[{"name": "文艺骨干", "unit": "人", "target": 8},
               {"name": "编排节目", "unit": "个", "target": 10},
               {"name": "演出场次", "unit": "场", "target": 15}],
        actuals={"文艺骨干": 9, "编排节目": 10, "演出场次": 17},
        satisfied_of=(9, 10),
    )
    return [housekeeping, culture]


def other_stories(county: Org, towns: list[Org], villages: list[Org], leaders: list[User],
                  instructors: list[User], volunteers: list[User]) -> list[Story]:
    places = [(county, topic) for topic in COUNTY_TOPICS[1:]]
    places += [(town, topic) for town in towns for topic in TOWN_TOPICS]
    changfa_first = sorted(villages, key=lambda org: org.name != "长法村")
    extra = 136 - 1 - len(villages)
    village_slots = changfa_first[1:] + changfa_first[:extra + 1]
    places += [(village, VILLAGE_TOPICS[n % len(VILLAGE_TOPICS)])
               for n, village in enumerate(village_slots)]
    spare_volunteers = iter(volunteers[64:])
    spare_instructors = iter(instructors[3:])
    stories = []
    for n, (org, (topic, category)) in enumerate(places):
        status = STATE_CYCLE[n % len(STATE_CYCLE)]
        target = 20 + n % 40
        story = Story(
            org=org, title=f"{org.name}{topic}", category=category, status=status,
            budget_fen=BUDGET_YUAN[org.level] * 100,
            goals=[{"name": "受益职工", "unit": "人", "target": target}],
            leader=leaders[n % len(leaders)] if status in RELEASED_SHARE else None,
            bidder=leaders[n % len(leaders)] if status == "published" else None,
        )
        if status in ("in_progress", "completed", "under_review"):
            story.actuals = {"受益职工": target if status == "completed" else target // 2}
        if status == "in_progress":
            story.volunteers = [vol for _, vol in zip(range(10), spare_volunteers, strict=False)]
            story.instructors = [ins for _, ins in zip(range(1), spare_instructors,
                                                       strict=False)]
        stories.append(story)
    return stories


def create(story: Story, officer: User, today: date) -> None:
    now = clock.utcnow()
    deadline = today + timedelta(days=14) if story.status == "published" else \
        today - timedelta(days=180)
    if story.closed_bidders:
        deadline = today - timedelta(days=2)
    project = Project(
        org_id=story.org.id, title=story.title, problem=f"{story.org.name}：{story.title}的难题。",
        category=story.category, goals=story.goals, actuals=story.actuals,
        budget_fen=story.budget_fen, granted_fen=0, released_fen=0, bid_deadline=deadline,
        bids_close_at=closing_time(deadline), due_date=deadline + timedelta(days=300),
        status=story.status, version=3, created_by=officer.id,
        published_at=now - timedelta(days=200),
        closed_at=now - timedelta(days=10) if story.status in (
            "completed", "failed", "cancelled") else None,
    )
    db.session.add(project)
    db.session.flush()
    if story.bidder is not None:
        add_bid(project, story.bidder, "submitted")
        wait_for_award(project)
    for share, bidder in zip(CLOSED_BID_SHARES, story.closed_bidders, strict=False):
        add_bid(project, bidder, "submitted", share=share)
    if story.closed_bidders:
        wait_for_award(project)
    if story.leader is None:
        return
    bid = add_bid(project, story.leader, "won")
    project.winner_bid_id, project.leader_id = bid.id, story.leader.id
    project.granted_fen = bid.requested_fen
    project.awarded_at = now - timedelta(days=170)
    project.released_fen = round(bid.requested_fen * RELEASED_SHARE[story.status])
    if project.released_fen:
        tranche = Tranche(project_id=project.id, milestone="启动及阶段实施",
                          amount_fen=project.released_fen, released_by=officer.id)
        db.session.add(tranche)
        db.session.flush()
        journal.move(org_id=project.org_id, purpose="project", amount_fen=project.released_fen,
                     debit="paid", credit="funds", source="project_tranche",
                     source_id=tranche.id, memo=project.title)
    staff(project, story, officer, today)
    if story.actuals:
        db.session.add(ProgressReport(
            project_id=project.id, author_id=story.leader.id, period=f"{today.year}-Q3",
            actuals=[{"goal": name, "actual": value} for name, value in story.actuals.items()],
            text="阶段实施情况良好。", photo_file_ids=[]))
    if story.status in ("completed", "failed"):
        db.session.add(Evaluation(
            project_id=project.id, evaluator_id=officer.id,
            score=92 if story.status == "completed" else 55,
            outcome=story.status, comment="问效评估"))
        project.score = 92 if story.status == "completed" else 55
    if story.status == "under_review":
        queue_for_review(project)
    satisfied, answers = story.satisfied_of
    for n, user in enumerate(story.volunteers[:answers]):
        db.session.add(SurveyAnswer(project_id=project.id, user_id=user.id,
                                    satisfied=n < satisfied))
    project.survey_answers, project.survey_satisfied = answers, satisfied


def add_bid(project: Project, bidder: User, status: str, share: float = 0.9) -> Bid:
    bid = Bid(project_id=project.id, bidder_id=bidder.id, plan="组建工作专班，分阶段实施。",
              qualifications="熟悉本地情况，有相关工作经验。", team=[],
              requested_fen=round(project.budget_fen * share), status=status, version=1)
    db.session.add(bid)
    db.session.flush()
    return bid


def staff(project: Project, story: Story, officer: User, today: date) -> None:
    db.session.add(TeamMember(project_id=project.id, user_id=story.leader.id, role="leader",
                              duty="揭榜人", added_by=officer.id))
    if story.title == HOUSEKEEPING:
        db.session.add(TeamMember(project_id=project.id, user_id=officer.id,
                                  role="working_group", duty="工作专班", added_by=officer.id))
    for instructor in story.instructors:
        db.session.add(TeamMember(project_id=project.id, user_id=instructor.id,
                                  role="instructor", duty="指导员", added_by=officer.id))
    for n, volunteer in enumerate(story.volunteers):
        member = TeamMember(project_id=project.id, user_id=volunteer.id, role="volunteer",
                            duty="志愿服务", added_by=volunteer.id)
        db.session.add(member)
        db.session.flush()
        db.session.add(VolunteerHours(project_id=project.id, team_member_id=member.id,
                                      minutes=(2 + n % 5) * 60,
                                      worked_on=today - timedelta(days=30 + n % 60),
                                      note="志愿服务", logged_by=story.leader.id))


def load_projects() -> dict[str, int]:
    """Create the Binhai list once; later calls find the seed project and change nothing."""
    orgs = binhai_orgs()
    if orgs is None:
        return {}
    county, towns, villages = orgs
    exists = db.session.scalar(select(Project.id).where(Project.org_id == county.id,
                                                        Project.title == HOUSEKEEPING))
    if exists is None:
        officer = ensure_user("officer-binhai")
        qiao, yu, leaders, instructors, volunteers = people()
        add_membership(qiao, county, name="乔梅花", industry="domestic_service",
                       occupation="总经理", employer="桥缘家政服务公司", status="approved",
                       days_ago=400, id_number=demo_id_number("320922", "19790315", 21))
        for n, leader in enumerate(leaders):
            add_membership(leader, villages[n], name=f"揭榜人{n + 1:02d}", industry="other",
                           occupation="职工", employer=f"{villages[n].name}", status="approved",
                           days_ago=300, id_number=demo_id_number("320922", "19850101", 300 + n))
        changfa = next(org for org in villages if org.name == "长法村")
        today = clock.utcnow().astimezone(clock.SHANGHAI).date()
        stories = seed_stories(county, changfa, qiao, yu, instructors, volunteers)
        stories += other_stories(county, towns, villages, leaders, instructors, volunteers)
        # the first open call becomes the one to award now: closed, three bids (于瑜's first)
        waiting = next(story for story in stories if story.status == "published")
        waiting.bidder, waiting.closed_bidders = None, [yu, leaders[1], leaders[2]]
        for story in stories:
            create(story, officer, today)
        db.session.commit()
    return {"projects": db.session.scalar(select(func.count()).select_from(Project))}
