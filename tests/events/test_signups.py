"""Sign-up: confirmed while seats are left, then waitlisted in order; one per person; a
cancellation promotes exactly the first waitlisted person and tells them."""

from __future__ import annotations

from datetime import timedelta

from tests.factories.events import create_event, make_member
from tests.helpers import make_user


def _people(app, count: int, prefix: str = "p") -> list[str]:
    from app.extensions import db

    with app.app_context():
        names = [f"{prefix}{n}" for n in range(count)]
        for name in names:
            make_user(name)
        db.session.commit()
    return names


def test_seats_then_waitlist_in_order(app, client, as_user, tree):
    event = create_event(client, as_user("county_admin"), tree["county"], capacity=2)
    url = f"/api/v1/events/{event['id']}/signups"
    answers = [client.post(url, headers=as_user(name)).get_json() for name in _people(app, 4)]
    assert [a["status"] for a in answers] == ["confirmed", "confirmed", "waitlisted",
                                              "waitlisted"]
    assert [a["position"] for a in answers] == [None, None, 1, 2]
    detail = client.get(f"/api/v1/events/{event['id']}", headers=as_user("p3")).get_json()
    assert detail["seats_left"] == 0 and detail["my_signup"]["position"] == 2


def test_one_sign_up_per_person(client, as_user, tree, county_event):
    url = f"/api/v1/events/{county_event['id']}/signups"
    assert client.post(url, headers=as_user("plain")).status_code == 201
    again = client.post(url, headers=as_user("plain"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_signed_up"
    assert "已报名" in again.get_json()["error"]["message"]


def test_cancel_promotes_exactly_the_first_waitlisted_and_tells_them(app, client, as_user,
                                                                     tree):
    event = create_event(client, as_user("county_admin"), tree["county"], capacity=1)
    url = f"/api/v1/events/{event['id']}/signups"
    names = _people(app, 3)
    for name in names:
        client.post(url, headers=as_user(name))
    response = client.delete(f"{url}/mine", headers=as_user("p0"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["seats_left"] == 0
    first = client.get(f"{url}/mine", headers=as_user("p1")).get_json()
    second = client.get(f"{url}/mine", headers=as_user("p2")).get_json()
    assert first["status"] == "confirmed" and first["promoted_at"]
    assert second["status"] == "waitlisted" and second["position"] == 1
    messages = client.get("/api/v1/me/messages", headers=as_user("p1")).get_json()["items"]
    assert [m["title"] for m in messages if m["title"].startswith("候补成功")]
    assert not [m for m in client.get("/api/v1/me/messages", headers=as_user("p2"))
                .get_json()["items"] if m["title"].startswith("候补成功")]
    # a waitlisted person leaving frees no seat and promotes nobody
    client.delete(f"{url}/mine", headers=as_user("p2"))
    assert client.get(f"/api/v1/events/{event['id']}",
                      headers=as_user("p1")).get_json()["seats_taken"] == 1
    assert client.get(f"{url}/mine", headers=as_user("p0")).status_code == 404


def test_cancelled_person_may_sign_up_again_at_the_back(app, client, as_user, tree):
    event = create_event(client, as_user("county_admin"), tree["county"], capacity=1)
    url = f"/api/v1/events/{event['id']}/signups"
    _people(app, 2)
    client.post(url, headers=as_user("p0"))
    client.post(url, headers=as_user("p1"))
    client.delete(f"{url}/mine", headers=as_user("p0"))
    again = client.post(url, headers=as_user("p0")).get_json()
    assert again["status"] == "waitlisted" and again["position"] == 1


def test_sign_up_outside_its_window_or_after_the_start(client, as_user, tree, clock):
    event = create_event(client, as_user("county_admin"), tree["county"],
                         starts_in=timedelta(hours=1))
    url = f"/api/v1/events/{event['id']}/signups"
    clock.shift(timedelta(hours=2))
    late = client.post(url, headers=as_user("plain"))
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "signup_closed"
    assert "报名时间" in late.get_json()["error"]["message"]


def test_cancel_after_the_start_is_refused(client, as_user, tree, clock):
    event = create_event(client, as_user("county_admin"), tree["county"],
                         starts_in=timedelta(hours=1))
    url = f"/api/v1/events/{event['id']}/signups"
    client.post(url, headers=as_user("plain"))
    clock.shift(timedelta(minutes=61))
    response = client.delete(f"{url}/mine", headers=as_user("plain"))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "event_started"


def test_draft_cancelled_and_unknown_events_refuse_sign_ups(client, as_user, tree):
    headers = as_user("county_admin")
    draft = create_event(client, headers, tree["county"], publish=False)
    assert client.post(f"/api/v1/events/{draft['id']}/signups",
                       headers=as_user("plain")).status_code == 404
    published = create_event(client, headers, tree["county"])
    client.post(f"/api/v1/events/{published['id']}/cancel", headers=headers,
                json={"version": published["version"], "reason": "改期"})
    refused = client.post(f"/api/v1/events/{published['id']}/signups", headers=as_user("plain"))
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "invalid_transition"
    assert client.post("/api/v1/events/999999/signups",
                       headers=as_user("plain")).status_code == 404


def test_members_only_and_given_orgs(app, client, as_user, tree):
    headers = as_user("town1_approver")
    members = create_event(client, headers, tree["town1"], audience="members")
    village = create_event(client, headers, tree["town1"], audience="orgs",
                           audience_org_ids=[tree["village1"]])
    make_member(app, "member_v1", tree["village1"])
    make_member(app, "member_v2", tree["village2"])
    refused = client.post(f"/api/v1/events/{members['id']}/signups", headers=as_user("plain"))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "members_only"
    assert client.post(f"/api/v1/events/{members['id']}/signups",
                       headers=as_user("member_v2")).status_code == 201
    other = client.post(f"/api/v1/events/{village['id']}/signups", headers=as_user("member_v2"))
    assert other.status_code == 403 and other.get_json()["error"]["code"] == "not_in_audience"
    assert client.post(f"/api/v1/events/{village['id']}/signups",
                       headers=as_user("member_v1")).status_code == 201


def test_officers_list_the_sign_ups_and_others_cannot(client, as_user, tree, county_event):
    url = f"/api/v1/events/{county_event['id']}/signups"
    client.post(url, headers=as_user("plain"))
    listed = client.get(url, headers=as_user("county_approver")).get_json()["items"]
    assert [s["nickname"] for s in listed] == ["plain"]
    assert client.get(url, headers=as_user("plain")).status_code == 404
    assert client.get(url, headers=as_user("town1_approver")).status_code == 404
