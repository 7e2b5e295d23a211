"""Nearby answer size on the wire: 20 cards, plain and gzip, against the old item shape.

The list screen of the mini-program on a weak signal (PRODUCT.md: 20 results ≤ 8 KB on the
wire). Twenty stations with long Chinese names and addresses, four to nine services,
hours and a photo each, around one point; prints the bytes of the HTTP answer without and with
`Accept-Encoding: gzip`, and those of the same stations in the item shape before issue 15
(location, service codes, three web map links and wx.openLocation on every item). Usage:

    .venv/bin/python bench/bench_nearby_size.py [--results 20]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CENTRE = (36.6171, 101.7782)
# varied names, addresses and services (repeated text would flatter gzip)
DISTRICTS = ["城中区", "城东区", "城西区", "城北区", "湟中区", "大通县", "湟源县"]
ROADS = ["长江路", "黄河路", "昆仑路", "五四大街", "七一路", "海湖路", "柴达木路", "同仁路",
         "南川东路", "八一路", "胜利路", "西关大街"]
HOSTS = ["工会驿站", "爱心驿站", "中国银行网点", "建设银行网点", "万达广场", "公交首末站",
         "政务服务中心", "邮政营业厅", "加油站便利店", "社区服务中心"]
KINDS = ["outdoor_worker_station", "love_station", "union_post"]
WEEKDAYS = {"weekly": {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
            "closed_dates": []}


def old_item(item: dict, station) -> dict:
    """The same station as a nearby item looked before issue 15."""
    from app.stations.links import map_links

    return {"id": station.id, "name": station.name, "kind": station.kind,
            "address": station.address, "code": station.code,
            "location": {"lat": station.lat, "lng": station.lng, "coord": "gcj02"},
            "distance_m": item["distance_m"], "walk_minutes": item["walk_minutes"],
            "open_now": item["open_now"], "hours_known": item["hours_known"],
            "services": list(station.services),
            "links": map_links(lat=station.lat, lng=station.lng, name=station.name,
                               address=station.address)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", type=int, default=20)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.orgs.models import Org
    from app.stations.models import Station
    from app.stations.search import refresh_search_row
    from app.stations.stations import build_station
    from app.stations.vocab import SERVICES as SERVICE_LABELS
    from config import TestConfig

    settings = TestConfig()
    settings.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tempfile.mkdtemp()}/size.db"
    settings.REQUEST_LOG = False
    settings.LOG_LEVEL = "WARNING"
    app = create_app(settings)
    with app.app_context():
        upgrade()
        org = Org(name="西宁市总工会", level="county", path="/1/", depth=0)
        db.session.add(org)
        db.session.flush()
        rng = random.Random(7)
        everything = list(SERVICE_LABELS)
        for n in range(args.results):
            district, road = rng.choice(DISTRICTS), rng.choice(ROADS)
            station = build_station(org=org, data={
                "name": f"{district}{road}{rng.choice(HOSTS)}户外劳动者服务站",
                "kind": rng.choice(KINDS), "host_type": "union",
                "address": f"青海省西宁市{district}{road}{rng.randint(1, 999)}号"
                           f"{rng.choice(['一楼', '东侧', '二楼', '大厅', '门口北侧'])}",
                "location": {"lat": CENTRE[0] + rng.uniform(-0.008, 0.008),
                             "lng": CENTRE[1] + rng.uniform(-0.01, 0.01)},
                "services": rng.sample(everything, rng.randint(4, 9)),
                "opening_hours": WEEKDAYS if n % 3 else {"always": True}})
            station.photos = [1000 + n]  # the card shows the first photo's thumbnail URL
            db.session.flush()
            refresh_search_row(station)
        db.session.commit()

        client = app.test_client()
        url = (f"/api/v1/stations/nearby?lat={CENTRE[0]}&lng={CENTRE[1]}&radius=2000"
               f"&limit={args.results}")
        plain = client.get(url)
        packed = client.get(url, headers={"Accept-Encoding": "gzip"})
        items = json.loads(plain.data)["items"]
        assert len(items) == args.results, len(items)
        assert gzip.decompress(packed.data) == plain.data
        stations = {s.id: s for s in db.session.query(Station)}
        old = json.dumps({"items": [old_item(item, stations[item["id"]]) for item in items],
                          "radius_m": 2000, "nearest_outside": None},
                         ensure_ascii=False, separators=(",", ":")).encode()
    old_gz = gzip.compress(old)
    print(f"{args.results} results, new card shape: {len(plain.data):,} B uncompressed, "
          f"{len(packed.data):,} B gzip on the wire ({packed.headers['Content-Encoding']}); "
          f"{len(plain.data) / args.results:,.0f} B per card uncompressed")
    print(f"{args.results} results, old item shape: {len(old):,} B uncompressed, "
          f"{len(old_gz):,} B if it were gzipped")
    print(f"on the wire, new gzip / old uncompressed: {len(packed.data) / len(old):.1%} "
          f"({len(old) / len(packed.data):.1f}x smaller); new / old uncompressed: "
          f"{len(plain.data) / len(old):.1%}")
    print(f"target ≤ 8 KB on the wire: {'met' if len(packed.data) <= 8 * 1024 else 'MISSED'}")


if __name__ == "__main__":
    main()
