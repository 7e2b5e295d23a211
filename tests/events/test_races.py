"""Racing sign-ups and cancellations against PostgreSQL: capacity is never exceeded, the
waitlist keeps its order, a cancellation promotes exactly one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.events.models import Event, Signup
from app.extensions import db
from tests.concurrency import race, statuses
from tests.factories.events import create_event
from tests.helpers import make_user

pytestmark = pytest.mark.postgres


def _people(app, count: int, prefix: str) -> list[str]:
    with app.app_context():
        names = [f"{prefix}{n}" for n in range(count)]
        for name in names:
            make_user(name)
        db.session.commit()
    return names


def test_40_sign_ups_for_10_seats(app, client, as_user, tree):
    event = create_event(client, as_user("county_admin"), tree["county"], capacity=10)
    url = f"/api/v1/events/{event['id']}/signups"
    names = _people(app, 40, "racer")
    headers = [as_user(name) for name in names]
    responses = race(app, [("post", url, h, None) for h in headers])
    assert statuses(responses) == {201: 40}
    answers = [r.get_json() for r in responses]
    confirmed = [a for a in answers if a["status"] == "confirmed"]
    waitlisted = [a for a in answers if a["status"] == "waitlisted"]
    assert len(confirmed) == 10 and len(waitlisted) == 30
    with app.app_context():
        row = db.session.get(Event, event["id"])
        assert (row.seats_taken, row.capacity, row.waitlist_issued) == (10, 10, 30)
        queue = list(db.session.execute(
            select(Signup.waitlist_number, Signup.created_at, Signup.id)
            .where(Signup.event_id == event["id"], Signup.status == "waitlisted")
            .order_by(Signup.waitlist_number)))
    # the tickets are 1…30, each once: the queue's order is the order they got through
    assert [number for number, _, _ in queue] == list(range(1, 31))
    # and the positions people were shown are that order
    assert sorted(a["position"] for a in waitlisted) == list(range(1, 31))
    # promotion follows the queue: cancelling a confirmed seat moves ticket 1 up
    first_waiting = next(a for a in waitlisted if a["position"] == 1)
    leaver = names[answers.index(confirmed[0])]
    client.delete(f"{url}/mine", headers=as_user(leaver))
    with app.app_context():
        promoted = db.session.get(Signup, first_waiting["id"])
        assert promoted.status == "confirmed"


def test_racing_cancellations_promote_exactly_one_each(app, client, as_user, tree):
    """5 confirmed people cancel at once with 10 waiting: exactly the first 5 are promoted,
    capacity holds, nobody is promoted twice."""
    event = create_event(client, as_user("county_admin"), tree["county"], capacity=5)
    url = f"/api/v1/events/{event['id']}/signups"
    names = _people(app, 15, "seat")
    for name in names:  # in order: the first 5 confirmed, then tickets 1…10
        assert client.post(url, headers=as_user(name)).status_code == 201
    responses = race(app, [("delete", f"{url}/mine", as_user(name), None) for name in names[:5]])
    assert statuses(responses) == {200: 5}
    with app.app_context():
        rows = {s.user.nickname: s for s in db.session.scalars(
            select(Signup).where(Signup.event_id == event["id"]))}
        assert db.session.get(Event, event["id"]).seats_taken == 5
        assert sorted(n for n, s in rows.items() if s.status == "confirmed") == sorted(names[5:10])
        assert all(rows[n].status == "waitlisted" for n in names[10:])


def test_one_person_racing_themselves_gets_one_sign_up(app, client, as_user, tree):
    event = create_event(client, as_user("county_admin"), tree["county"], capacity=3)
    url = f"/api/v1/events/{event['id']}/signups"
    headers = as_user("plain")
    responses = race(app, [("post", url, headers, None)] * 8)
    assert statuses(responses) == {201: 1, 409: 7}
    with app.app_context():
        row = db.session.get(Event, event["id"])
        assert row.seats_taken == 1
