"""Demo stations: Xining's 50 (20 union-built, 30 co-built) and Jingzhou's 85 love stations."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from app.extensions import db
from app.orgs.models import Org
from app.stations.models import Station
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


def load_stations() -> dict[str, int]:
    rng = random.Random(2023)
    created = 0
    for org_name, loader in (("西宁市总工会", _xining), ("荆州市总工会", _jingzhou)):
        org = db.session.scalar(select(Org).where(Org.name == org_name))
        existing = db.session.scalar(select(func.count()).select_from(Station)
                                     .where(Station.org_id == org.id))
        if not existing:
            created += loader(org, rng)
    db.session.commit()
    return {"stations": db.session.scalar(select(func.count()).select_from(Station))}
