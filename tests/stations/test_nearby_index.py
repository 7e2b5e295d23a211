"""The in-process nearby index (search.index): the same answers as the brute force, and no
stale answer after a write has returned, in this process or in another one (a second app on
the same database stands for another gunicorn worker or host)."""

from __future__ import annotations

import json
import random
import threading

import pytest
from sqlalchemy import text

from app.core.fastread import reader
from app.extensions import db
from app.stations import hours
from app.stations.cards import KEY as CACHE_KEY
from app.stations.cards import CardCache, use_card_cache
from app.stations.search import index as search_index
from app.stations.search import nearby_json
from app.stations.search.index import KEY, use_index
from app.stations.search.readmodel import add_rating
from app.stations.stations import update_station
from tests.conftest import build_app
from tests.factories.stations import make_station, scatter
from tests.stations.test_nearby import CITIES, NOW, brute_force

XINING = CITIES["xining"]


def search(lat, lng, radius=1000, limit=50, services=(), open_now=False):
    return json.loads(nearby_json(lat=lat, lng=lng, radius_m=radius, limit=limit,
                                  services=list(services), open_now=open_now, now=NOW))


def got(body):
    return [(item["distance_m"], item["id"], item["open_now"]) for item in body["items"]]


def holder():
    return reader().domain[KEY]


@pytest.fixture
def indexed(app_ctx):
    """The index path: loaded in the search that needs it, a card cache preferring keys."""
    kept, kept_cache = use_index("eager"), use_card_cache(CardCache(1000, min_hit_rate=0))
    yield
    use_index(kept)
    use_card_cache(kept_cache)


@pytest.fixture
def other_worker(app, fake_wechat):
    """A second app on the same database: its own fast reader, index, card cache and
    connections, as another worker process has."""
    other = build_app(app.config["SQLALCHEMY_DATABASE_URI"], fake_wechat.url,
                      NEARBY_INDEX="eager", **{key: app.config[key] for key in (
                          "REDIS_URL", "RATELIMIT_STORAGE_URI") if key in app.config})
    yield other
    with other.app_context():
        fast = reader()
        fast.reset()
        fast.engine.dispose()
        db.session.remove()
        db.engine.dispose()


def in_other(other, call):
    with other.app_context():
        if reader().domain.get(CACHE_KEY) is None:
            use_card_cache(CardCache(1000, min_hit_rate=0))  # take the index path
        answer = call()
        assert reader().domain[KEY].index is not None  # the answer came from its index
        return answer


def test_the_index_answers_and_equals_the_brute_force(indexed, tree):
    rng = random.Random(11)
    for centre in CITIES.values():
        scatter(tree["village1"], rng, centre, 80, 0.03)
    db.session.commit()
    for _ in range(40):
        centre = rng.choice(list(CITIES.values()))
        lat, lng = centre[0] + rng.uniform(-0.03, 0.03), centre[1] + rng.uniform(-0.03, 0.03)
        radius, open_now = rng.choice([300, 1000, 5000]), rng.random() < 0.3
        assert got(search(lat, lng, radius, open_now=open_now)) == \
            brute_force(lat, lng, radius, [], open_now)[:50]
    index = holder().index
    assert index is not None
    assert index.size == db.session.scalar(text("SELECT count(*) FROM station_search"))


def test_another_worker_sees_an_edit_a_move_and_a_suspension_at_once(app_ctx, tree,
                                                                     other_worker):
    station = make_station(tree["village1"], *XINING, name="旧名字")
    neighbour = make_station(tree["village1"], XINING[0] + 0.002, XINING[1], name="邻居")
    db.session.commit()
    lat, lng = XINING

    def names(at=(lat, lng)):
        return in_other(other_worker, lambda: [item["name"] for item in
                                               search(*at, radius=500)["items"]])

    assert names() == ["旧名字", "邻居"]  # the other worker's index is loaded now
    update_station(actor_id=tree.ids["county_admin"], station_id=station.id,
                   changes={"name": "新名字"})
    assert names() == ["新名字", "邻居"]
    # moved 3 km north: gone from here, found there, at the distance the brute force says
    moved = (lat + 0.027, lng)
    update_station(actor_id=tree.ids["county_admin"], station_id=station.id,
                   changes={"location": {"lat": moved[0], "lng": moved[1]}})
    assert names() == ["邻居"]
    body = in_other(other_worker, lambda: search(*moved, radius=500))
    assert got(body) == brute_force(*moved, 500, [], False)
    assert [item["name"] for item in body["items"]] == ["新名字"]
    update_station(actor_id=tree.ids["county_admin"], station_id=station.id,
                   changes={"status": "suspended"})
    assert names(moved) == []
    assert in_other(other_worker, lambda: search(*moved, radius=500))["nearest_outside"][
        "id"] == neighbour.id
    update_station(actor_id=tree.ids["county_admin"], station_id=station.id,
                   changes={"status": "active"})
    assert names(moved) == ["新名字"]


def test_the_search_runs_again_only_when_the_counter_moved(indexed, tree):
    """On PostgreSQL the search runs while the freshness read travels: its answer stands
    when the counter is where the index was, else the index catches up and it runs again.
    The search reads only the index (no card), so a stale answer would show."""
    station = make_station(tree["village1"], *XINING)
    db.session.commit()
    assert [item["id"] for item in search(*XINING)["items"]] == [station.id]  # loaded
    fast = reader()
    seen = []

    def ids(index):
        seen.append(index.seq)
        return [hit.station_id for hit in index.find_hits(fast, *XINING, 500, 0, False,
                                                          hours.Moment(NOW), 10)]

    assert search_index.searched(fast, ids) == [station.id]
    assert len(seen) == 1
    update_station(actor_id=tree.ids["county_admin"], station_id=station.id,
                   changes={"location": {"lat": XINING[0] + 0.027, "lng": XINING[1]}})
    seen.clear()  # this index is behind until it reads the counter
    assert search_index.searched(fast, ids) == []
    if fast.dialect == "postgresql":  # first on the index as it stood, then caught up
        assert len(seen) == 2 and seen[0] < seen[1]
    else:  # SQLite reads the counter first (no round trip to hide)
        assert len(seen) == 1


def test_a_new_rating_shows_in_another_worker_at_once(app_ctx, tree, other_worker):
    station = make_station(tree["village1"], *XINING)
    db.session.commit()
    in_other(other_worker, lambda: search(*XINING))
    add_rating(station.id, 4)
    db.session.commit()
    item = in_other(other_worker, lambda: search(*XINING))["items"][0]
    assert (item["rating"], item["rating_count"]) == (4, 1)


def test_a_rolled_back_write_changes_nothing_and_the_next_one_shows(indexed, tree):
    make_station(tree["village1"], *XINING, name="甲")
    db.session.commit()
    assert [item["name"] for item in search(*XINING)["items"]] == ["甲"]
    make_station(tree["village1"], XINING[0] + 0.001, XINING[1], name="丙")
    db.session.flush()  # counter bumped and the change logged, then rolled back
    db.session.rollback()
    assert [item["name"] for item in search(*XINING)["items"]] == ["甲"]
    make_station(tree["village1"], XINING[0] + 0.001, XINING[1], name="丁")
    db.session.commit()
    assert [item["name"] for item in search(*XINING)["items"]] == ["甲", "丁"]


def test_a_process_further_behind_than_the_log_loads_everything_again(
        indexed, tree, monkeypatch):
    from app.stations.search import readmodel

    monkeypatch.setattr(readmodel, "KEEP_CHANGES", 3)
    stations = [make_station(tree["village1"], XINING[0] + n * 0.0005, XINING[1],
                             name=f"站{n}") for n in range(5)]
    db.session.commit()
    search(*XINING)
    loaded = holder().index
    for n, station in enumerate(stations * 40):  # 200 changes: past several prunings
        update_station(actor_id=tree.ids["county_admin"], station_id=station.id,
                       changes={"name": f"改{n}"})
    pruned = db.session.scalar(text("SELECT min(seq) FROM station_search_changes"))
    assert pruned > loaded.seq + 1  # the changes it missed are gone
    body = search(*XINING)
    assert holder().index is not loaded  # loaded again
    assert [item["name"] for item in body["items"]] == [f"改{195 + n}" for n in range(5)]


def test_a_new_epoch_loads_everything_again(indexed, tree):
    make_station(tree["village1"], *XINING, name="甲")
    db.session.commit()
    search(*XINING)
    loaded = holder().index
    # the counter row made anew (a restored backup, an emptied table): a new epoch
    db.session.execute(text("DELETE FROM station_search_seq"))
    db.session.execute(text("DELETE FROM station_search"))
    db.session.commit()
    assert search(*XINING)["items"] == []
    assert holder().index is not loaded


def test_background_mode_answers_from_sql_until_the_index_is_loaded(app_ctx, tree,
                                                                   monkeypatch):
    make_station(tree["village1"], *XINING, name="甲")
    db.session.commit()
    kept, kept_cache = use_index("background"), use_card_cache(CardCache(10, min_hit_rate=0))
    try:
        release = threading.Event()
        real_load = search_index.load

        def slow_load(fast):
            release.wait(10)
            return real_load(fast)

        monkeypatch.setattr(search_index, "load", slow_load)
        assert [item["name"] for item in search(*XINING)["items"]] == ["甲"]  # SQL path
        assert holder().index is None and holder().loading
        make_station(tree["village1"], XINING[0] + 0.001, XINING[1], name="乙")
        db.session.commit()
        release.set()
        for _ in range(200):
            if not holder().loading:
                break
            threading.Event().wait(0.05)
        assert holder().index is not None
        assert [item["name"] for item in search(*XINING)["items"]] == ["甲", "乙"]
    finally:
        use_index(kept)
        use_card_cache(kept_cache)
