"""Who may call what: every events endpoint by caller — anonymous, a plain user, officers
outside the event's subtree, below it, with the wrong role, and the right officers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories.events import create_event, event_body, make_member

COUNTY_BODY = "county_event_body"


@pytest.fixture
def world(app, client, as_user, tree) -> dict:
    admin = as_user("county_admin")
    draft = create_event(client, admin, tree["county"], publish=False)
    soon = create_event(client, admin, tree["county"], starts_in=timedelta(minutes=30))
    members = create_event(client, admin, tree["county"], audience="members")
    client.post(f"/api/v1/events/{soon['id']}/signups", headers=as_user("plain"))
    signup = client.get(f"/api/v1/events/{soon['id']}/signups",
                        headers=as_user("county_admin")).get_json()["items"][0]
    make_member(app, "member", tree["village1"])
    request = client.post("/api/v1/training-requests", headers=as_user("member"), json={
        "org_id": tree["village1"], "topic": "育婴员", "expected_participants": 20,
        "preferred_dates": ["2027-01-05"], "place": "甲村"}).get_json()
    work = client.post("/api/v1/works", headers=as_user("member"), json={
        "title": "作品", "category": "story", "link": "https://v.example.com/1",
        "author_name": "张三"}).get_json()
    return {"draft": draft, "soon": soon, "members": members, "signup": signup,
            "request": request, "work": work, "tree": tree}


def _call(client, headers, world, method, url, body):
    filled = url.format(**{k: v["id"] for k, v in world.items() if isinstance(v, dict)
                           and "id" in v}, county=world["tree"]["county"],
                        village1=world["tree"]["village1"])
    payload = body(world) if callable(body) else body
    return getattr(client, method)(filled, headers=headers, json=payload)


def _version(name):
    return lambda world: {"version": world[name]["version"]}


CASES = [
    # (method, url, body, caller, status)
    ("post", "/api/v1/events", lambda w: event_body(w["tree"]["county"]), None, 401),
    ("post", "/api/v1/events", lambda w: event_body(w["tree"]["county"]), "plain", 403),
    ("post", "/api/v1/events", lambda w: event_body(w["tree"]["county"]),
     "village1_approver", 403),
    ("post", "/api/v1/events", lambda w: event_body(w["tree"]["county"]), "town1_reviewer", 403),
    ("post", "/api/v1/events", lambda w: event_body(w["tree"]["county"]), "county_approver", 201),
    ("post", "/api/v1/events", lambda w: event_body(w["tree"]["county"]), "prov_admin", 201),
    ("post", "/api/v1/events", lambda w: event_body(w["tree"]["village1"]),
     "village1_approver", 201),
    ("get", "/api/v1/events/{draft}", None, "plain", 404),
    ("get", "/api/v1/events/{draft}", None, "village1_approver", 404),
    ("get", "/api/v1/events/{draft}", None, "county_approver", 200),
    ("get", "/api/v1/events/{soon}", None, "plain", 200),
    ("get", "/api/v1/events/{soon}", None, None, 401),
    # a village officer cannot publish a county event
    ("post", "/api/v1/events/{draft}/publish", _version("draft"), "village1_approver", 404),
    ("post", "/api/v1/events/{draft}/publish", _version("draft"), "town1_reviewer", 404),
    ("post", "/api/v1/events/{draft}/publish", _version("draft"), "plain", 404),
    ("post", "/api/v1/events/{draft}/publish", _version("draft"), "county_approver", 200),
    ("post", "/api/v1/events/{draft}/publish", _version("draft"), "prov_admin", 200),
    ("post", "/api/v1/events/{soon}/cancel",
     lambda w: {"version": w["soon"]["version"], "reason": "改期"}, "village1_approver", 404),
    ("post", "/api/v1/events/{soon}/cancel",
     lambda w: {"version": w["soon"]["version"], "reason": "改期"}, "county_admin", 200),
    ("post", "/api/v1/events/{soon}/finish", _version("soon"), "town1_approver", 404),
    ("post", "/api/v1/events/{soon}/finish", _version("soon"), "county_admin", 409),
    ("get", "/api/v1/events/{soon}/qrcode", None, "plain", 404),
    ("get", "/api/v1/events/{soon}/qrcode", None, "village1_approver", 404),
    ("get", "/api/v1/events/{soon}/signups", None, "plain", 404),
    ("get", "/api/v1/events/{soon}/signups", None, "town1_approver", 404),
    ("get", "/api/v1/events/{soon}/signups", None, "county_approver", 200),
    ("get", "/api/v1/events/{soon}/attendance.xlsx", None, "plain", 404),
    ("get", "/api/v1/events/{soon}/attendance.xlsx", None, "county_approver", 200),
    ("post", "/api/v1/events/{soon}/attendance",
     lambda w: {"signup_id": w["signup"]["id"], "reason": "无手机"}, "plain", 404),
    ("post", "/api/v1/events/{soon}/attendance",
     lambda w: {"signup_id": w["signup"]["id"], "reason": "无手机"}, "village1_approver", 404),
    ("post", "/api/v1/events/{soon}/attendance",
     lambda w: {"signup_id": w["signup"]["id"], "reason": "无手机"}, "county_approver", 201),
    ("post", "/api/v1/events/{draft}/signups", None, "plain", 404),
    ("post", "/api/v1/events/{members}/signups", None, "plain", 403),
    ("post", "/api/v1/events/{members}/signups", None, "member", 201),
    ("post", "/api/v1/events/{soon}/signups", None, None, 401),
    ("get", "/api/v1/events/{soon}/signups/mine", None, "member", 404),
    ("delete", "/api/v1/events/{soon}/signups/mine", None, "member", 404),
    ("post", "/api/v1/events/{soon}/rating", {"rating": 5}, "member", 409),
    ("get", "/api/v1/orgs/{county}/event-stats?year=2026", None, "plain", 403),
    ("get", "/api/v1/orgs/{county}/event-stats?year=2026", None, "village1_approver", 403),
    ("get", "/api/v1/orgs/{county}/event-stats?year=2026", None, "county_approver", 200),
    ("get", "/api/v1/orgs/{village1}/event-stats?year=2026", None, "village1_approver", 200),
    ("get", "/api/v1/orgs/{county}/event-stats.xlsx?year=2026", None, "town1_approver", 403),
    ("get", "/api/v1/training-requests/{request}", None, "plain", 404),
    ("get", "/api/v1/training-requests/{request}", None, "town2_approver", 404),
    ("get", "/api/v1/training-requests/{request}", None, "member", 200),
    ("get", "/api/v1/training-requests/{request}", None, "village1_approver", 200),
    ("post", "/api/v1/training-requests/{request}/decisions",
     lambda w: {"action": "decline", "version": 1, "reason": "x"}, "village1_approver", 404),
    ("post", "/api/v1/training-requests/{request}/decisions",
     lambda w: {"action": "decline", "version": 1, "reason": "x"}, "member", 404),
    ("post", "/api/v1/training-requests/{request}/decisions",
     lambda w: {"action": "decline", "version": 1, "reason": "x"}, "county_approver", 200),
    ("get", "/api/v1/works/{work}", None, "plain", 404),
    ("get", "/api/v1/works/{work}", None, "town2_approver", 404),
    ("get", "/api/v1/works/{work}", None, "member", 200),
    ("post", "/api/v1/works/{work}/decisions",
     lambda w: {"action": "publish", "version": 1}, "member", 404),
    ("post", "/api/v1/works/{work}/decisions",
     lambda w: {"action": "publish", "version": 1}, "town2_approver", 404),
    ("post", "/api/v1/works/{work}/decisions",
     lambda w: {"action": "publish", "version": 1}, "town1_reviewer", 200),
    ("patch", "/api/v1/works/{work}", {"version": 1, "title": "改"}, "plain", 404),
    ("patch", "/api/v1/works/{work}", {"version": 1, "title": "改"}, "village1_approver", 403),
    ("post", "/api/v1/works/{work}/views", None, "plain", 404),
    ("post", "/api/v1/works", {"title": "x", "category": "story",
                               "link": "https://v.example.com/2", "author_name": "李"},
     "plain", 403),
]


@pytest.mark.parametrize(("method", "url", "body", "caller", "status"), CASES,
                         ids=[f"{c[0]} {c[1]} as {c[3]}" for c in CASES])
def test_authorisation_matrix(client, as_user, world, method, url, body, caller, status):
    response = _call(client, as_user(caller), world, method, url, body)
    assert response.status_code == status, response.get_json()
    if status >= 400:
        error = response.get_json()["error"]
        assert error["message"] and error["code"]
