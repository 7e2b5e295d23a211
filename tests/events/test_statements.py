"""SQL statements per events request: a sign-up and a decision within their budget, list pages
independent of their length. Counts, not timings."""

from __future__ import annotations

from tests.factories.events import create_event
from tests.helpers import make_user, recorded_statements

BUDGET = 12  # an officer's decision; a sign-up is held to it too
# a cancellation that promotes: the seat freed and taken again, the promoted person's
# message (in-app and outbox rows), then the event answered with the caller's state, its
# speakers' sessions and its rating
CANCEL_BUDGET = 18


def _people(app, names):
    from app.extensions import db

    with app.app_context():
        for name in names:
            make_user(name)
        db.session.commit()


SEEN: list = []


def _cost(app, call) -> tuple[int, object]:
    with recorded_statements(app) as seen:
        response = call()
    SEEN.append("\n".join(seen))
    return len(seen), response


def test_sign_up_cancel_and_publish_stay_within_budget(app, client, as_user, tree):
    admin = as_user("county_admin")
    draft = create_event(client, admin, tree["county"], publish=False, capacity=1)
    cost, response = _cost(app, lambda: client.post(
        f"/api/v1/events/{draft['id']}/publish", headers=admin,
        json={"version": draft["version"]}))
    assert response.status_code == 200 and cost <= BUDGET, cost
    _people(app, ["a", "b"])
    first, second = as_user("a"), as_user("b")
    url = f"/api/v1/events/{draft['id']}/signups"
    cost, response = _cost(app, lambda: client.post(url, headers=first))
    assert response.status_code == 201 and cost <= BUDGET, cost
    cost, response = _cost(app, lambda: client.post(url, headers=second))
    assert response.get_json()["status"] == "waitlisted" and cost <= BUDGET, SEEN[-1]
    assert response.get_json()["position"] == 1
    cost, response = _cost(app, lambda: client.delete(f"{url}/mine", headers=first))
    assert response.status_code == 200 and cost <= CANCEL_BUDGET, SEEN[-1]


def test_list_pages_cost_the_same_whatever_their_length(app, client, as_user, tree):
    admin = as_user("county_admin")
    names = [f"w{n}" for n in range(6)]
    _people(app, names)

    def page_cost() -> int:
        headers = as_user("w0")
        cost, response = _cost(app, lambda: client.get("/api/v1/events?limit=100",
                                                       headers=headers))
        assert response.status_code == 200
        return cost

    event = create_event(client, admin, tree["county"], capacity=1)
    client.post(f"/api/v1/events/{event['id']}/signups", headers=as_user("w1"))
    client.post(f"/api/v1/events/{event['id']}/signups", headers=as_user("w0"))
    small = page_cost()
    for _ in range(5):
        more = create_event(client, admin, tree["county"], capacity=1)
        client.post(f"/api/v1/events/{more['id']}/signups", headers=as_user("w1"))
        client.post(f"/api/v1/events/{more['id']}/signups", headers=as_user("w0"))
    assert page_cost() == small
