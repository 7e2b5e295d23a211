"""Demo events from the seed: Weihai's year of lectures (1,023 sessions, 97,550 people reached
across the five place types, the 劳模工匠进校园 day: 8 speakers, 4 colleges, 2,000 students),
its works (one short video watched 200,000+ times) and upcoming events (seats left, one full
with a waitlist); Jingzhou's 大讲堂 series and two 点单式 classes (one delivered, one waiting
for 沙市区总工会); Huaying's emergency training for gig workers."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.core import todos
from app.core.roles import Role
from app.core.time import SHANGHAI, utcnow
from app.demo.orgs import add_membership, demo_id_number, ensure_user
from app.events.models import Event, EventSpeaker, Signup, TrainingRequest, Work
from app.events.requests import TODO_KIND as REQUEST_TODO
from app.events.works import TODO_KIND as WORK_TODO
from app.extensions import db
from app.members.models import Membership
from app.orgs.models import Org

WEIHAI = (37.5131, 122.1204)
JINGZHOU = (30.3352, 112.2407)
HUAYING = (30.3903, 106.7837)
# place type → (sessions last year, people at each); the campus day's 8 come on top
WEIHAI_PLAN = {"agency": (150, 60), "enterprise": (320, 110), "school": (172, 100),
               "community": (200, 90), "village": (170, 95)}
CAMPUS_SPEAKERS = [
    ("李增勇", "全国劳动模范"), ("刘文华", "齐鲁大工匠"), ("王德彬", "全国五一劳动奖章获得者"),
    ("张洪波", "山东省劳动模范"), ("于海燕", "威海市劳动模范"), ("孙建平", "齐鲁首席技师"),
    ("高振东", "全国技术能手"), ("鞠红梅", "山东省五一劳动奖章获得者")]
COLLEGES = ["威海职业学院", "威海海洋职业学院", "山东药品食品职业学院", "威海技师学院"]
CAMPUS_STUDENTS = 250  # per session: 8 sessions, 2,000 students
ONLINE_VIEWS = (42_000, 18_500, 9_800)  # 云直播 / 云课堂 sessions last year
ONLINE_TITLES = ("云直播：工匠精神代代传", "云课堂：新就业形态劳动者权益", "云直播：劳模故事会")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "秀英", "志强", "海燕", "立新", "春梅", "卫东", "丽华", "国庆", "红霞"]
SPEAKER_TITLES = ["劳动模范", "大国工匠", "优秀职工", "工会干部", "技术能手"]
FORMS_OF_TALK = ["报告会", "座谈会"]
VENUES = {"agency": "机关会议室", "enterprise": "企业职工书屋", "school": "学校报告厅",
          "community": "社区党群服务中心", "village": "村文化广场"}
JINGZHOU_SERIES = ["通用能力", "岗位能力", "重点群体", "职工文化"]
WORK_CATEGORIES = ["theory", "story", "quyi", "video"]


def _speaker_group() -> list[tuple[str, str]]:
    """A hundred-strong speakers' group: 劳模, 工匠, outstanding workers, officers."""
    return [(SURNAMES[n % 20] + GIVEN[n // 20 * 2], SPEAKER_TITLES[n % 5]) for n in range(100)]


def _event(org: Org, code: str, *, kind: str, title: str, starts: datetime, place_type: str | None,
           venue: str | None, status: str, speakers: list[tuple[str, str | None]],
           series: str | None = None, headcount: int = 0, capacity: int | None = None,
           online_views: int = 0, audience: str = "everyone", hours: int = 2,
           request_id: int | None = None, point: tuple[float, float] = WEIHAI) -> Event:
    online = place_type is None
    event = Event(
        org_id=org.id, org=org, code=code, kind=kind, title=title, series=series,
        form="online" if online else "offline", place_type=place_type, venue_name=venue,
        address=None if online else f"{org.name.replace('总工会', '')}{venue}",
        lat=None if online else point[0], lng=None if online else point[1],
        live_url="https://live.example.com/weihai" if online else None,
        replay_url="https://live.example.com/weihai/replay" if online else None,
        starts_at=starts, ends_at=starts + timedelta(hours=hours),
        signup_opens_at=starts - timedelta(days=20), signup_closes_at=starts,
        capacity=capacity, seats_taken=0, waitlist_issued=0, audience=audience,
        audience_org_ids=[], unregistered_attendance=headcount, online_views=online_views,
        training_request_id=request_id, status=status, version=2)
    event.speakers = [EventSpeaker(position=n, name=name, title=title)
                      for n, (name, title) in enumerate(speakers)]
    db.session.add(event)
    return event


def _at(year: int, day_of_year: int, hour: int = 9) -> datetime:
    return datetime(year, 1, 1, hour, tzinfo=SHANGHAI) + timedelta(days=day_of_year % 360)


def weihai_last_year(weihai: Org, huancui: Org, year: int) -> None:
    group = _speaker_group()
    index = 0
    for place_type, (sessions, people) in WEIHAI_PLAN.items():
        for n in range(sessions):
            org = huancui if n % 2 else weihai
            _event(org, f"WH{index:06d}", kind="lecture", status="finished",
                   title=f"“劳模工匠话奋斗”宣讲{FORMS_OF_TALK[n % 2]}（第{n + 1}场）",
                   starts=_at(year, index), place_type=place_type,
                   venue=VENUES[place_type], speakers=[group[index % 100]], headcount=people,
                   series="劳模工匠宣讲")
            index += 1
    campus_day = _at(year, 130, 9)
    for n, speaker in enumerate(CAMPUS_SPEAKERS):
        _event(weihai, f"WHC{n:05d}", kind="lecture", status="finished",
               title=f"劳模工匠进校园·{COLLEGES[n // 2]}", series="劳模工匠进校园",
               starts=campus_day + timedelta(hours=(n % 2) * 4), place_type="school",
               venue=COLLEGES[n // 2], speakers=[speaker], headcount=CAMPUS_STUDENTS)
    for n, views in enumerate(ONLINE_VIEWS):
        _event(weihai, f"WHO{n:05d}", kind="lecture", status="finished",
               title=ONLINE_TITLES[n],
               starts=_at(year, 200 + n * 30, 19), place_type=None, venue=None,
               speakers=[group[n]], online_views=views, series="云宣讲")


def _morning(now: datetime, days: int, hour: int = 9) -> datetime:
    """`days` after `now`, at `hour`:30 Beijing time (an upcoming session at a sensible hour)."""
    day = (now + timedelta(days=days)).astimezone(SHANGHAI).date()
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=SHANGHAI)


def weihai_upcoming(weihai: Org, now: datetime) -> None:
    """Three upcoming events with seats left, today's starting soon, and one full with a
    waitlist (5 seats, 7 people)."""
    for n, (days, title, place_type) in enumerate([
            (3, "劳模工匠进社区宣讲会", "community"), (7, "新就业形态劳动者权益宣讲", "enterprise"),
            (14, "乡村振兴劳模宣讲", "village")]):
        _event(weihai, f"WHU{n:05d}", kind="lecture", status="published", title=title,
               starts=_morning(now, days), place_type=place_type,
               venue=VENUES[place_type], speakers=[CAMPUS_SPEAKERS[n]], capacity=80,
               series="劳模工匠宣讲")
    # today's lecture, starting half an hour after the load: its venue code checks people in
    _event(weihai, "WHU00008", kind="lecture", status="published", title="今日宣讲：劳模进企业",
           starts=now + timedelta(minutes=30), place_type="enterprise", venue=VENUES["enterprise"],
           speakers=[CAMPUS_SPEAKERS[3]], capacity=60, series="劳模工匠宣讲")
    full = _event(weihai, "WHU00009", kind="class", status="published",
                  title="工匠精神小班课（报满）", starts=_morning(now, 5, 14),
                  place_type="enterprise", venue="威海工匠学院", capacity=5,
                  speakers=[CAMPUS_SPEAKERS[1]], series="劳模工匠宣讲")
    db.session.flush()
    for n in range(7):
        user = ensure_user(f"weihai-worker-{n + 1}")
        waiting = n >= 5
        db.session.add(Signup(event_id=full.id, user_id=user.id,
                              status="waitlisted" if waiting else "confirmed",
                              waitlist_number=n - 4 if waiting else None,
                              created_at=now - timedelta(hours=20 - n), version=1))
    full.seats_taken, full.waitlist_issued = 5, 2


def weihai_works(weihai: Org, now: datetime) -> None:
    """About a hundred works; one short video watched 200,000+ times; one waiting for review."""
    member = ensure_user("weihai-author")
    if db.session.scalar(select(Membership.id).where(Membership.user_id == member.id)) is None:
        add_membership(member, weihai, name="曲晓燕", industry="other", occupation="职工",
                       employer="威海市文化馆", status="approved", days_ago=300,
                       id_number=demo_id_number("371002", "19860512", 7))
    for n in range(99):
        category = WORK_CATEGORIES[n % 4]
        db.session.add(Work(
            org_id=weihai.id, author_id=None, author_name=f"宣讲团成员{n + 1}",
            title="短视频：海边的大工匠" if n == 0 else f"宣讲作品第{n + 1}号",
            category="video" if n == 0 else category, link=f"https://v.example.com/weihai/{n}",
            status="published", published_at=now - timedelta(days=200 - n),
            views=206_000 if n == 0 else 300 + n * 17, version=2))
    waiting = Work(org_id=weihai.id, org=weihai, author_id=member.id, author_name="曲晓燕",
                   title="快板：劳模就在咱身边", category="quyi",
                   link="https://v.example.com/weihai/new", status="submitted", views=0,
                   version=1, created_at=now - timedelta(days=1))
    db.session.add(waiting)
    db.session.flush()
    todos.open_todo(kind=WORK_TODO, object_id=waiting.id, org_id=weihai.id,
                    org_path=weihai.path, role=Role.APPROVER, version=1, batchable=False,
                    title=f"宣讲作品：{waiting.title}", summary=f"曲晓燕 · {weihai.name}",
                    action=f"/api/v1/works/{waiting.id}/decisions",
                    waiting_since=now - timedelta(days=1))


def jingzhou(city: Org, shashi: Org, enterprise: Org, now: datetime) -> None:
    """大讲堂 in four series (3 finished, 1 upcoming each) and two 点单式 classes."""
    for s, series in enumerate(JINGZHOU_SERIES):
        for n in range(4):
            upcoming = n == 3
            _event(city, f"JZ{s}{n:04d}", kind="class", series=series,
                   title=f"职工素质提升大讲堂·{series}（第{n + 1}讲）",
                   starts=_morning(now, 10 + s, 14) if upcoming
                   else now - timedelta(days=30 * (n + 1) + s),
                   place_type="enterprise", venue="企业车间班组", capacity=150,
                   status="published" if upcoming else "finished",
                   headcount=0 if upcoming else 120, speakers=[(f"荆州讲师{s}{n}", "高级讲师")],
                   point=JINGZHOU)
    requester = ensure_user("jingzhou-housekeeper")
    add_membership(requester, enterprise, name="巧姐", industry="other", occupation="家政服务员",
                   employer="荆州巧姐家政服务公司", status="approved", days_ago=400,
                   id_number=demo_id_number("421002", "19800318", 21))
    delivered = TrainingRequest(
        org_id=enterprise.id, org=enterprise, decider_org_id=shashi.id, decider_org=shashi,
        requester_id=requester.id, topic="家政服务高级培训师班", series="岗位能力",
        expected_participants=45, preferred_dates=[], place="荆州巧姐家政服务公司培训室",
        status="delivered", version=3, created_at=now - timedelta(days=40),
        decided_at=now - timedelta(days=35))
    waiting = TrainingRequest(
        org_id=enterprise.id, org=enterprise, decider_org_id=shashi.id, decider_org=shashi,
        requester_id=requester.id, topic="育婴员培训班", series="岗位能力",
        expected_participants=30, preferred_dates=[(now + timedelta(days=20)).date().isoformat()],
        place="荆州巧姐家政服务公司培训室", status="submitted", version=1,
        created_at=now - timedelta(days=2))
    db.session.add_all([delivered, waiting])
    db.session.flush()
    _event(shashi, "JZD00001", kind="class", series="岗位能力", title="家政服务高级培训师班",
           starts=now - timedelta(days=20), place_type="enterprise",
           venue="荆州巧姐家政服务公司培训室", capacity=50, status="finished", headcount=45,
           speakers=[("周丽萍", "高级家政培训师")], hours=6, request_id=delivered.id,
           point=JINGZHOU)
    todos.open_todo(kind=REQUEST_TODO, object_id=waiting.id, org_id=shashi.id,
                    org_path=shashi.path, exact_org=True, role=Role.APPROVER, version=1,
                    batchable=False, title="点单培训：育婴员培训班",
                    summary=f"{enterprise.name} · 约30人 · 荆州巧姐家政服务公司培训室",
                    action=f"/api/v1/training-requests/{waiting.id}/decisions",
                    waiting_since=now - timedelta(days=2))


def huaying(org: Org, now: datetime) -> None:
    _event(org, "HY00001", kind="training", series="应急培训",
           title="零工市场应急技能培训（赶订单前）", starts=now - timedelta(days=10),
           place_type="enterprise", venue="华蓥电子产业园车间", capacity=80, status="finished",
           headcount=64, speakers=[("陈师傅", "华蓥市技术能手")], hours=4, point=HUAYING)


def load_events() -> dict[str, int]:
    named = {o.name: o for o in db.session.scalars(select(Org).where(Org.name.in_((
        "威海市总工会", "环翠区总工会", "荆州市总工会", "沙市区总工会", "荆州巧姐家政服务公司工会",
        "华蓥市总工会"))))}
    weihai = named["威海市总工会"]
    if not db.session.scalar(select(func.count()).select_from(Event)
                             .where(Event.org_id == weihai.id)):
        now = utcnow()
        weihai_last_year(weihai, named["环翠区总工会"], now.astimezone(SHANGHAI).year - 1)
        weihai_upcoming(weihai, now)
        weihai_works(weihai, now)
        jingzhou(named["荆州市总工会"], named["沙市区总工会"], named["荆州巧姐家政服务公司工会"],
                 now)
        huaying(named["华蓥市总工会"], now)
    db.session.commit()
    return {"events": db.session.scalar(select(func.count()).select_from(Event))}
