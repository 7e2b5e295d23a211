"""Event builders: bodies, events through the API, members made directly, the signed scene."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from tests.helpers import make_user, valid_id_number

_sequence = itertools.count(100)


def iso(when: datetime) -> str:
    return when.isoformat()


def event_body(org_id: int | None, *, starts_in: timedelta = timedelta(days=3),
               capacity: int | None = 10, form: str = "offline", **extra) -> dict:
    """A lecture at a venue (or online) starting `starts_in` from now, sign-up open now."""
    now = datetime.now().astimezone()
    starts = now + starts_in
    body = {
        "kind": "lecture", "title": "劳模工匠进校园", "series": "职工文化",
        "speakers": [{"name": "王师傅", "title": "全国五一劳动奖章获得者"}],
        "form": form, "starts_at": iso(starts), "ends_at": iso(starts + timedelta(hours=2)),
        "signup_opens_at": iso(now - timedelta(hours=1)),
        "signup_closes_at": iso(starts - timedelta(minutes=10)), "capacity": capacity,
        "audience": "everyone",
    }
    if form == "offline":
        body.update(place_type="school", venue_name="威海职业学院报告厅",
                    address="山东省威海市环翠区", location={"lat": 37.5, "lng": 122.1})
    else:
        body.update(live_url="https://live.example.com/1", capacity=capacity)
    if org_id is not None:
        body["org_id"] = org_id
    body.update(extra)
    return body


def create_event(client, headers, org_id: int, *, publish: bool = True, **extra) -> dict:
    response = client.post("/api/v1/events", headers=headers, json=event_body(org_id, **extra))
    assert response.status_code == 201, response.get_json()
    event = response.get_json()
    if publish:
        response = client.post(f"/api/v1/events/{event['id']}/publish", headers=headers,
                               json={"version": event["version"]})
        assert response.status_code == 200, response.get_json()
        event = response.get_json()
    return event


def make_member(app, name: str, org_id: int) -> int:
    """A user with an approved membership of `org_id` (made directly, not through review)."""
    from app.core.crypto import keyed_hash
    from app.extensions import db
    from app.members.models import Membership

    with app.app_context():
        user = make_user(name)
        number = valid_id_number(sequence=next(_sequence) % 1000)
        db.session.add(Membership(user_id=user.id, org_id=org_id, real_name="张三",
                                  id_number=number, id_number_hash=keyed_hash(number),
                                  employer="美团", occupation="骑手", industry="food_delivery",
                                  status="approved", version=1))
        db.session.commit()
        return user.id


def scene_of(app, event_id: int) -> str:
    from app.events.events import sign_scene
    from app.events.models import Event
    from app.extensions import db

    with app.app_context():
        return sign_scene(db.session.get(Event, event_id))


def public_code(app, event_id: int) -> str:
    from app.events.models import Event
    from app.extensions import db

    with app.app_context():
        return db.session.get(Event, event_id).code
