"""Demo stations: Xining's 50 (20 union-built, 30 co-built) and Jingzhou's 85 love stations,
and workers' feedback on them: a low rating and a question wait for an answer from the
station's admins (their to-dos), the rest is answered or needs none."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select

from app.core.time import utcnow
from app.demo.orgs import ensure_user
from app.extensions import db
from app.orgs.models import Org
from app.stations.activity.feedback import _open_answer_todo_if_waiting
from app.stations.models import Feedback, Station
from app.stations.stations import build_station

XINING = (36.6171, 101.7782)
JINGZHOU = (30.3352, 112.2407)
XINING_DISTRICTS = ["城中区", "城东区", "城西区", "城北区", "湟中区"]
XINING_PARTNERS = [
    ("bank", "青海银行"), ("bank", "中国建设银行西宁分行"), ("bank", "中国工商银行西宁分行"),
    ("mall", "王府井百货"), ("mall", "海湖万达广场"), ("mall", "新华联购物中心"),
    ("government_window", "政务服务中心"), ("government_window", "街道便民服务窗口"),
    ("transport", "西宁公交集团乘降点"), ("transport", "西宁火车站客运点"),
]
BASIC = ["drinking_water", "hot_water", "microwave", "toilet", "phone_charging", "rest_seats"]
EXTRA = ["air_conditioning", "heating", "first_aid_kit", "umbrella", "repair_tools", "wifi",
         "ebike_charging", "refrigerator", "lockers"]
ROOMS = ["reading_room", "chess_room", "calligraphy_room"]
JINGZHOU_ROOMS = ["yoga_room", "counselling_room", "reading_room", "nursing_room"]
HOURS = [
    {"always": True},
    {"weekly": {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri",
                                                       "sat", "sun")}},
    {"weekly": {**{day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
                "sat": [["10:00", "16:00"]]}},
    {"weekly": {day: [["06:00", "22:00"]] for day in ("mon", "tue", "wed", "thu", "fri",
                                                       "sat", "sun")}},
]


def _point(rng: random.Random, centre: tuple[float, float], spread: float):
    return {"lat": round(centre[0] + rng.gauss(0, spread), 6),
            "lng": round(centre[1] + rng.gauss(0, spread * 1.3), 6), "coord": "gcj02"}


def _xining(org: Org, rng: random.Random) -> int:
    for index in range(50):
        district = XINING_DISTRICTS[index % len(XINING_DISTRICTS)]
        services = BASIC[: rng.randint(3, 6)] + rng.sample(EXTRA, rng.randint(1, 4))
        if index % 4 == 0:
            services += rng.sample(ROOMS, rng.randint(1, 3))
        if index < 20:
            host, partner = "union", None
            name = f"西宁市{district}户外劳动者服务站{index + 1:02d}"
        else:
            host, partner = XINING_PARTNERS[index % len(XINING_PARTNERS)]
            name = f"{partner}{district}户外劳动者服务站"
        build_station(org=org, data={
            "name": name, "kind": "outdoor_worker_station", "host_type": host,
            "partner_name": partner, "address": f"青海省西宁市{district}{rng.randint(1, 300)}号",
            "location": _point(rng, XINING, 0.02), "services": services,
            "opening_hours": rng.choice(HOURS), "phone": f"0971-{rng.randint(6000000, 6999999)}",
        })
    return 50


def _jingzhou(org: Org, rng: random.Random) -> int:
    for index in range(85):
        services = BASIC[: rng.randint(4, 6)] + rng.sample(EXTRA, rng.randint(1, 3))
        if index % 5 == 0:
            services += rng.sample(JINGZHOU_ROOMS, rng.randint(1, 2))
        name = "红星路户外职工爱心驿站" if index == 0 else f"荆州爱心驿站{index + 1:02d}"
        build_station(org=org, data={
            "name": name, "kind": "love_station",
            "host_type": "union" if index % 3 == 0 else "enterprise",
            "address": f"湖北省荆州市沙市区{rng.randint(1, 500)}号",
            "location": _point(rng, JINGZHOU, 0.025), "services": services,
            "opening_hours": rng.choice(HOURS),
        })
    return 85


# (org, station index in the org, author, rating, text, answer, hours before the load)
FEEDBACK = [
    ("西宁市总工会", 0, "demo-worker", 2, "热水器坏了，冬天只有凉水，什么时候能修好？", None, 20),
    ("西宁市总工会", 0, "demo-rider-ma", 4, "晚上几点关门？夜班骑手能进来歇脚吗", None, 6),
    ("西宁市总工会", 1, "demo-rider-ma", 5, "空调很足，志愿者很热情，点赞！", None, 50),
    ("西宁市总工会", 2, "demo-worker", 1, "门口的牌子写着开放，实际锁着门。",
     "已核实，该站点周末由社区值班，已调整开放时间并公示，谢谢反馈。", 72),
    ("荆州市总工会", 0, "demo-courier-tian", 2, "微波炉一直坏着，没法热饭。", None, 30),
]
FEEDBACK_NICKNAMES = {"demo-rider-ma": "骑手老马", "demo-courier-tian": "快递员小田"}


def load_feedback() -> None:
    """Idempotent: added once, when no demo station has feedback yet."""
    if db.session.scalar(select(func.count()).select_from(Feedback)):
        return
    now = utcnow()
    officer = ensure_user("officer-xining")
    for org_name, index, author, rating, text, answer, hours in FEEDBACK:
        org = db.session.scalar(select(Org).where(Org.name == org_name))
        station = db.session.scalars(select(Station).where(Station.org_id == org.id)
                                     .order_by(Station.id).offset(index).limit(1)).one()
        user = ensure_user(author)
        user.nickname = FEEDBACK_NICKNAMES.get(author, user.nickname)
        written = now - timedelta(hours=hours)
        feedback = Feedback(station_id=station.id, user_id=user.id, rating=rating, text=text,
                            status="visible", version=2 if answer else 1, created_at=written,
                            answer=answer, answered_by=officer.id if answer else None,
                            answered_at=written + timedelta(hours=3) if answer else None)
        db.session.add(feedback)
        db.session.flush()
        _open_answer_todo_if_waiting(feedback, station)


def load_stations() -> dict[str, int]:
    rng = random.Random(2023)
    created = 0
    for org_name, loader in (("西宁市总工会", _xining), ("荆州市总工会", _jingzhou)):
        org = db.session.scalar(select(Org).where(Org.name == org_name))
        existing = db.session.scalar(select(func.count()).select_from(Station)
                                     .where(Station.org_id == org.id))
        if not existing:
            created += loader(org, rng)
    db.session.flush()
    load_feedback()
    db.session.commit()
    return {"stations": db.session.scalar(select(func.count()).select_from(Station))}
