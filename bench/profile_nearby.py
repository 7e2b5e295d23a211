"""A fixed loop of nearby service calls on a bench database, for profilers.

    PYTHONPATH=. .venv/bin/python bench/profile_nearby.py --db sqlite:////tmp/x/nearby.db -n 500
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p python bench/profile_nearby.py ...

Instruction counts are repeatable on a shared machine: run once with `-n 0` and once with N
calls, and divide the difference by N. `--cprofile` prints the top functions instead.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="bench database URL (bench_nearby.py's)")
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--stations", type=int, default=1_000_000)
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--card-cache", type=int, default=50_000)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--path", choices=["sql", "index"], default="sql",
                        help="index: NEARBY_INDEX eager and a card cache that prefers keys")
    args = parser.parse_args()

    from app import create_app
    from app.stations.search import nearby_json
    from bench.bench_nearby import query_points
    from config import TestConfig, normalise_database_url

    settings = TestConfig()
    settings.SQLALCHEMY_DATABASE_URI = normalise_database_url(args.db)
    settings.REQUEST_LOG = False
    settings.NEARBY_CARD_CACHE = args.card_cache
    settings.LOG_LEVEL = "WARNING"
    app = create_app(settings)
    points = query_points(args.stations, args.points)
    now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)

    def loop(count: int, offset: int) -> None:
        for i in range(count):
            lat, lng = points[(offset + i) % len(points)]
            nearby_json(lat=lat, lng=lng, radius_m=1000, limit=20, services=[], open_now=False,
                        now=now)

    with app.app_context():
        if args.path == "index":
            from app.stations.cards import CardCache, use_card_cache
            from app.stations.search.index import use_index

            use_index("eager")
            use_card_cache(CardCache(args.card_cache, min_hit_rate=0))
        else:
            from app.stations.search.index import use_index

            use_index("off")
        loop(args.warmup, 0)
        if args.cprofile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            loop(args.n, args.warmup)
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        else:
            loop(args.n, args.warmup)


if __name__ == "__main__":
    main()
