"""Station status and feedback review move through their state machines, guarded by version."""

from __future__ import annotations

import pytest


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()["error"]


def test_reviewing_published_feedback_names_what_is_allowed(client, as_user, held):
    admin = as_user("county_admin")
    url = f"/api/v1/feedback/{held}/review"
    assert client.post(url, headers=admin, json={"action": "approve", "version": 1}
                       ).get_json()["status"] == "visible"
    error = error_of(client.post(url, headers=admin, json={"action": "reject", "version": 2}),
                     409)
    assert error["code"] == "invalid_transition"
    assert error["details"]["allowed"] == ["answer"]


def test_a_review_on_a_version_already_answered_is_stale(client, as_user, held):
    admin = as_user("county_admin")
    answered = client.post(f"/api/v1/feedback/{held}/answer", headers=admin,
                           json={"answer": "已处理", "version": 1})
    assert answered.get_json()["version"] == 2
    error = error_of(client.post(f"/api/v1/feedback/{held}/review", headers=admin,
                                 json={"action": "approve", "version": 1}), 409)
    assert error["code"] == "stale_version"
    assert error["details"] == {"status": "in_review", "version": 2,
                                "allowed": ["approve", "reject", "answer"]}
    again = client.post(f"/api/v1/feedback/{held}/review", headers=admin,
                        json={"action": "reject", "version": 2})
    assert again.get_json()["status"] == "rejected"


def test_a_stale_station_edit_gets_the_current_version(client, as_user, station_id):
    admin = as_user("county_admin")
    url = f"/api/v1/stations/{station_id}"
    assert client.patch(url, headers=admin, json={"name": "一改", "version": 1}
                        ).get_json()["version"] == 2
    error = error_of(client.patch(url, headers=admin, json={"name": "二改", "version": 1}), 409)
    assert error["code"] == "stale_version"
    assert error["details"]["version"] == 2 and error["details"]["status"] == "active"
    assert client.get(url).get_json()["name"] == "一改"


@pytest.mark.parametrize("change", [{"status": "active"}, {"name": "复活"}])
def test_closing_is_final(client, as_user, station_id, change):
    admin = as_user("county_admin")
    url = f"/api/v1/stations/{station_id}"
    assert client.patch(url, headers=admin, json={"status": "closed", "version": 1}
                        ).status_code == 200
    error = error_of(client.patch(url, headers=admin, json=change), 409)
    assert error["code"] == "station_closed"


def test_closing_needs_the_version_seen(client, as_user, station_id):
    """Closing is final: only with the version the admin saw (no blind close after an edit
    made by someone else)."""
    admin = as_user("county_admin")
    url = f"/api/v1/stations/{station_id}"
    error = error_of(client.patch(url, headers=admin, json={"status": "closed"}), 422)
    assert error["code"] == "version_required"
    assert list(error["details"]["fields"]) == ["version"]
    assert client.get(url).get_json()["status"] == "active"
    client.patch(url, headers=admin, json={"name": "别人改过", "version": 1})
    stale = error_of(client.patch(url, headers=admin, json={"status": "closed", "version": 1}),
                     409)
    assert stale["code"] == "stale_version"
    assert client.patch(url, headers=admin, json={"status": "closed", "version": 2}
                        ).get_json()["status"] == "closed"


@pytest.mark.parametrize("status", ["planned", "suspended", "active"])
def test_an_open_station_may_move_to_any_status(client, as_user, station_id, status):
    response = client.patch(f"/api/v1/stations/{station_id}", headers=as_user("county_admin"),
                            json={"status": status})
    assert response.status_code == 200 and response.get_json()["status"] == status
