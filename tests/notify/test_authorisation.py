"""The inbox is the caller's own: anonymous callers get 401, other people's messages 404."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.notify.service import notify

ENDPOINTS = [("get", "/api/v1/me/messages"), ("get", "/api/v1/me/messages/unread-count"),
             ("post", "/api/v1/me/messages/read-all"), ("post", "/api/v1/me/messages/1/read"),
             ("get", "/api/v1/me/subscriptions"), ("post", "/api/v1/me/subscriptions")]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_callers_are_401(client, method, path):
    assert getattr(client, method)(path, json={}).status_code == 401


@pytest.fixture
def message_of_alice(app, client, as_user) -> int:
    alice = client.get("/api/v1/me", headers=as_user("alice")).get_json()["id"]
    with app.app_context():
        notify(user_id=alice, event="membership.approved", title="通知", body="正文")
        db.session.commit()
    return client.get("/api/v1/me/messages", headers=as_user("alice")).get_json()["items"][0]["id"]


@pytest.mark.parametrize(("who", "status", "unread_after"), [
    ("alice", 200, 0), ("bob", 404, 1),
])
def test_marking_read_matrix(client, as_user, message_of_alice, who, status, unread_after):
    response = client.post(f"/api/v1/me/messages/{message_of_alice}/read",
                           headers=as_user(who))
    assert response.status_code == status
    unread = client.get("/api/v1/me/messages/unread-count", headers=as_user("alice")).get_json()
    assert unread == {"unread": unread_after}


@pytest.mark.parametrize(("who", "seen"), [("alice", 1), ("bob", 0)])
def test_the_inbox_holds_only_the_callers_messages(client, as_user, message_of_alice, who,
                                                   seen):
    body = client.get("/api/v1/me/messages", headers=as_user(who)).get_json()
    assert len(body["items"]) == seen and body["unread"] == seen
