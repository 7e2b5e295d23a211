"""Abuse: stuffed bodies and query strings are 422s in Chinese with nothing written; probing
ids learns nothing about drafts; replays count once."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories.events import create_event, event_body


def _count_events(app) -> int:
    from app.events.models import Event
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Event))


def test_stuffed_event_bodies_are_refused_and_write_nothing(app, client, as_user, tree):
    headers = as_user("county_admin")
    base = event_body(tree["county"])
    stuffed = [
        {**base, "seats_taken": 0},  # a counter is not writable
        {**base, "title": "讲座\x00"},
        {**base, "capacity": 10**9},
        {**base, "capacity": "10"},
        {**base, "speakers": [{"name": "某"}] * 11},
        {**base, "audience": "orgs", "audience_org_ids": list(range(1, 60))},
        {**base, "live_url": "javascript:alert(1)"},
        {**base, "location": {"lat": 91, "lng": 0}},
        {**base, "starts_at": "明天"},
    ]
    before = _count_events(app)
    for body in stuffed:
        response = client.post("/api/v1/events", headers=headers, json=body)
        assert response.status_code == 422, body
        assert response.get_json()["error"]["message"]
    assert _count_events(app) == before


def test_stuffed_query_strings_are_422(client, as_user, tree):
    plain = as_user("plain")
    for query in ("limit=1000", "cursor=%%%", "kind=party", "from=2026-13-01", "org_id=0",
                  "managed=maybe"):
        assert client.get(f"/api/v1/events?{query}", headers=plain).status_code == 422, query
    assert client.get(f"/api/v1/orgs/{tree['county']}/event-stats?year=99999",
                      headers=as_user("county_admin")).status_code == 422


def test_probing_ids_cannot_tell_a_draft_from_nothing(client, as_user, tree):
    draft = create_event(client, as_user("county_admin"), tree["county"], publish=False)
    hidden = client.get(f"/api/v1/events/{draft['id']}", headers=as_user("plain"))
    missing = client.get("/api/v1/events/987654", headers=as_user("plain"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json()["error"]["message"] == missing.get_json()["error"]["message"]
    assert client.post(f"/api/v1/events/{draft['id']}/signups",
                       headers=as_user("plain")).status_code == 404


def test_an_idempotency_key_replays_the_first_creation(app, client, as_user, tree):
    headers = {**as_user("county_admin"), "Idempotency-Key": "event-create-0001"}
    body = event_body(tree["county"])
    first = client.post("/api/v1/events", headers=headers, json=body)
    second = client.post("/api/v1/events", headers=headers, json=body)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] == second.get_json()["id"]
    assert _count_events(app) == 1


def test_a_scene_is_bounded_and_another_events_code_is_refused(app, client, as_user, tree):
    from datetime import timedelta

    from tests.factories.events import scene_of

    here = create_event(client, as_user("county_admin"), tree["county"],
                        starts_in=timedelta(minutes=20))
    there = create_event(client, as_user("county_admin"), tree["county"],
                         starts_in=timedelta(minutes=20))
    client.post(f"/api/v1/events/{here['id']}/signups", headers=as_user("plain"))
    url = f"/api/v1/events/{here['id']}/checkins"
    assert client.post(url, headers=as_user("plain"),
                       json={"scene": "e=" + "A" * 80}).status_code == 422
    replay = client.post(url, headers=as_user("plain"), json={"scene": scene_of(app, there["id"])})
    assert replay.status_code == 403
