"""The events demo: Weihai's year of lectures adds up as the seed says, the statistics equal a
hand count of the rows, the upcoming events and the 点单 requests wait where they should."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.demo import load_demo_data
from app.events.models import Event, Signup, TrainingRequest
from app.extensions import db
from app.orgs.models import Org

LOAD_DATES = [datetime(2026, 3, 10, 2, 0, tzinfo=UTC), datetime(2027, 11, 20, 14, 30, tzinfo=UTC)]


@pytest.fixture(params=LOAD_DATES, ids=lambda when: when.date().isoformat())
def demo(request, app, client, clock):
    clock.move_to(request.param)
    with app.app_context():
        load_demo_data()
    return request.param


def _org_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Org.id).where(Org.name == name))


def _hand_count(app, org_name: str, year: int) -> dict:
    """The figures counted row by row in Python, not by the statistics' SQL."""
    from app.core.time import SHANGHAI

    with app.app_context():
        org = db.session.scalar(select(Org).where(Org.name == org_name))
        counted = {"sessions": 0, "people": 0, "views": 0, "places": {}}
        for event in db.session.scalars(select(Event)):
            inside = event.org.path.startswith(org.path)
            if not inside or event.status != "finished" or \
                    event.starts_at.astimezone(SHANGHAI).year != year:
                continue
            attended = db.session.scalars(select(Signup).where(
                Signup.event_id == event.id, Signup.attended_at.is_not(None))).all()
            people = len(attended) + event.unregistered_attendance
            counted["sessions"] += 1
            counted["people"] += people
            counted["views"] += event.online_views
            place = "online" if event.form == "online" else event.place_type
            sessions, reached = counted["places"].get(place, (0, 0))
            counted["places"][place] = (sessions + 1, reached + people)
        return counted


def test_weihai_stats_equal_the_seed_and_a_hand_count(demo, app, client, as_user):
    year = demo.year - 1
    weihai = _org_id(app, "威海市总工会")
    response = client.get(f"/api/v1/orgs/{weihai}/event-stats?year={year}",
                          headers=as_user("officer-weihai"))
    assert response.status_code == 200, response.get_json()
    stats = response.get_json()
    # the seed: 1,000+ lectures reaching nearly 100,000 workers
    assert stats["sessions"] == 1023 and stats["people_reached"] == 97_550
    assert stats["online_views"] == 70_300
    by_place = {b["key"]: (b["sessions"], b["people_reached"]) for b in stats["by_place_type"]}
    assert by_place == {"agency": (150, 9_000), "enterprise": (320, 35_200),
                        "school": (180, 19_200), "community": (200, 18_000),
                        "village": (170, 16_150), "online": (3, 0)}
    hand = _hand_count(app, "威海市总工会", year)
    assert (hand["sessions"], hand["people"], hand["views"]) == (
        stats["sessions"], stats["people_reached"], stats["online_views"])
    assert hand["places"] == by_place
    assert {b["label"] for b in stats["by_place_type"]} >= {"机关", "企业", "学校", "社区", "乡村"}
    assert len(stats["top_speakers"]) == 10 and stats["top_speakers"][0]["sessions"] >= 10
    xlsx = client.get(f"/api/v1/orgs/{weihai}/event-stats.xlsx?year={year}",
                      headers=as_user("officer-weihai"))
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    # officers see their subtree only
    assert client.get(f"/api/v1/orgs/{weihai}/event-stats?year={year}",
                      headers=as_user("officer-jingzhou")).status_code == 403
    assert client.get(f"/api/v1/orgs/{weihai}/event-stats?year={year}",
                      headers=as_user("demo-member")).status_code == 403


def test_campus_day_8_speakers_4_colleges_2000_students(demo, app):
    with app.app_context():
        day = db.session.scalars(select(Event).where(Event.series == "劳模工匠进校园")).all()
        assert len(day) == 8
        assert len({s.name for e in day for s in e.speakers}) == 8
        assert len({e.venue_name for e in day}) == 4
        assert sum(e.unregistered_attendance for e in day) == 2000


def test_upcoming_events_with_seats_and_one_full_with_a_waitlist(demo, app, client, as_user):
    weihai = _org_id(app, "威海市总工会")
    listed = client.get(f"/api/v1/events?org_id={weihai}",
                        headers=as_user("demo-member")).get_json()["items"]
    assert len(listed) == 5
    full = [e for e in listed if e["seats_left"] == 0]
    assert len(full) == 1 and all(e["seats_left"] > 0 for e in listed if e not in full)
    waiting = client.get(f"/api/v1/events/{full[0]['id']}/signups?status=waitlisted",
                         headers=as_user("officer-weihai")).get_json()["items"]
    assert [s["position"] for s in waiting] == [1, 2]
    signed = client.post(f"/api/v1/events/{full[0]['id']}/signups",
                         headers=as_user("demo-member")).get_json()
    assert signed["status"] == "waitlisted" and signed["position"] == 3
    cancelled = client.delete(f"/api/v1/events/{full[0]['id']}/signups/mine",
                              headers=as_user("weihai-worker-1"))
    assert cancelled.status_code == 200
    promoted = client.get(f"/api/v1/events/{full[0]['id']}/signups/mine",
                          headers=as_user("weihai-worker-6")).get_json()
    assert promoted["status"] == "confirmed"


def test_jingzhou_requests_one_delivered_one_waiting_for_the_county(demo, app, client, as_user):
    with app.app_context():
        statuses = sorted(r.status for r in db.session.scalars(select(TrainingRequest)))
        delivered = db.session.scalar(select(TrainingRequest).where(
            TrainingRequest.status == "delivered"))
        assert delivered.event is not None and delivered.event.status == "finished"
    assert statuses == ["delivered", "submitted"]
    [todo] = client.get("/api/v1/workbench/todos?kind=training_request",
                        headers=as_user("officer-shashi")).get_json()["items"]
    decided = client.post(todo["action"], headers=as_user("officer-shashi"), json={
        "action": "decline", "version": todo["version"], "reason": "讲师档期已满，下月再安排"})
    assert decided.status_code == 200, decided.get_json()
    series = client.get("/api/v1/events?series=通用能力",
                        headers=as_user("demo-member")).get_json()["items"]
    assert [e["kind"] for e in series] == ["class"]


def test_weihai_works_and_the_popular_video(demo, client, as_user):
    works = client.get("/api/v1/works?category=video&limit=100",
                       headers=as_user("demo-member")).get_json()["items"]
    assert max(w["views"] for w in works) > 200_000
    [todo] = client.get("/api/v1/workbench/todos?kind=event_work",
                        headers=as_user("officer-weihai")).get_json()["items"]
    published = client.post(todo["action"], headers=as_user("officer-weihai"),
                            json={"action": "publish", "version": todo["version"]})
    assert published.status_code == 200, published.get_json()
