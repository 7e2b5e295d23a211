"""Station staff check a member in by scanning the member's card QR
(`POST /stations/{id}/checkins/card`): the card's holder is counted by the 10-minute rule of a
scan of the sign, a code that does not verify counts nothing, every counted scan is audited,
and only officers and card verifiers over the station's org may do it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditRecord
from app.extensions import db
from app.members.models import Membership
from app.stations.models import Checkin, VisitDay
from tests.factories.cards import approved_member, my_card, with_signature_altered
from tests.factories.orgs import officer


@pytest.fixture
def member(client, tree, as_user) -> dict:
    return approved_member(client, as_user, tree["village1"], real_name="张三丰")


@pytest.fixture
def staff_id(app, tree) -> int:
    """The station's own staff: a card verifier of village1 (the station's org)."""
    return officer(app, "station_staff", tree["village1"], "verifier")


@pytest.fixture
def staff(staff_id) -> str:
    return "station_staff"


def holder_of(app, member: dict) -> int:
    with app.app_context():
        return db.session.get(Membership, member["id"]).user_id


def scan(client, headers, station_id: int, token: str):
    return client.post(f"/api/v1/stations/{station_id}/checkins/card", headers=headers,
                       json={"token": token})


def checkins_of(app, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Checkin)
                                 .where(Checkin.user_id == user_id))


def test_staff_check_the_card_holder_in_once_per_window(app, client, tree, as_user, member,
                                                        staff, staff_id, station_id, clock):
    holder = holder_of(app, member)
    token = my_card(client, as_user("applicant"))["token"]["token"]
    first = scan(client, as_user(staff), station_id, token)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body == {"counted": True, "visits_today": 1, "number": body["number"],
                    "masked_name": "张**"}
    assert body["number"].startswith("GH2026")
    assert checkins_of(app, holder) == 1
    # the same code again (a replay), or a fresh one, within the 10 minutes: not counted
    replay = scan(client, as_user(staff), station_id, token)
    assert replay.status_code == 201
    assert replay.get_json()["counted"] is False and replay.get_json()["visits_today"] == 1
    fresh = my_card(client, as_user("applicant"))["token"]["token"]
    assert scan(client, as_user("village1_approver"), station_id,
                fresh).get_json()["counted"] is False
    assert checkins_of(app, holder) == 1
    clock.shift(601)
    later = my_card(client, as_user("applicant"))["token"]["token"]
    again = scan(client, as_user(staff), station_id, later)
    assert again.get_json()["counted"] is True and again.get_json()["visits_today"] == 2
    assert checkins_of(app, holder) == 2
    with app.app_context():
        audits = db.session.execute(
            select(AuditRecord.actor_id, AuditRecord.target_id, AuditRecord.after)
            .where(AuditRecord.action == "station.card_checkin")
            .order_by(AuditRecord.id)).all()
        assert [(row.actor_id, row.target_id, row.after["counted"]) for row in audits] == [
            (staff_id, str(station_id), True), (staff_id, str(station_id), False),
            (tree["village1_approver"], str(station_id), False),
            (staff_id, str(station_id), True)]
        assert {row.after["card_number"] for row in audits} == {body["number"]}
        assert db.session.scalar(select(func.sum(VisitDay.visits))) == 2


def test_a_card_that_does_not_verify_is_refused_and_counts_nothing(
        app, client, tree, as_user, member, staff, station_id, clock):
    card = my_card(client, as_user("applicant"))
    token = card["token"]["token"]
    prefix, kid, payload, signature = token.split(".")
    refused = {
        with_signature_altered(token): "forged",
        f"{prefix}.nobody.{payload}.{signature}": "unknown_key",
        "GHC1.x": "malformed",
    }
    for bad, why in refused.items():
        answer = scan(client, as_user(staff), station_id, bad)
        assert answer.status_code == 422, bad
        error = answer.get_json()["error"]
        assert error["code"] == "card_not_accepted" and error["details"]["verdict"] == why
    clock.shift(121)
    expired = scan(client, as_user(staff), station_id, token).get_json()["error"]
    assert expired["details"]["verdict"] == "expired" and "过期" in expired["message"]
    english = client.post(f"/api/v1/stations/{station_id}/checkins/card",
                          headers={**as_user(staff), "Accept-Language": "en"},
                          json={"token": token}).get_json()["error"]["message"]
    assert "expired" in english
    # a suspended card: every earlier code and no new one
    fresh = my_card(client, as_user("applicant"))["token"]["token"]
    suspended = client.post(f"/api/v1/cards/{card['id']}/suspend",
                            headers=as_user("village1_approver"),
                            json={"reason": "会籍核查", "version": card["version"]})
    assert suspended.status_code == 200
    answer = scan(client, as_user(staff), station_id, fresh).get_json()["error"]
    assert answer["code"] == "card_not_accepted" and answer["details"]["verdict"] == "revoked"
    assert checkins_of(app, holder_of(app, member)) == 0


def test_a_transferred_membership_card_code_is_refused(app, client, tree, as_user, member,
                                                       staff, station_id):
    before = my_card(client, as_user("applicant"))["token"]["token"]
    requested = client.post("/api/v1/me/membership/transfer", headers=as_user("applicant"),
                            json={"to_org_id": tree["village3"], "reason": "换了工作"})
    decided = client.post(
        f"/api/v1/membership-transfers/{requested.get_json()['id']}/decision",
        headers=as_user("town2_approver"), json={"action": "approve", "version": 1})
    assert decided.status_code == 200, decided.get_json()
    answer = scan(client, as_user(staff), station_id, before)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["details"]["verdict"] == "revoked"
    assert checkins_of(app, holder_of(app, member)) == 0


MATRIX = [  # officers and card verifiers over the station's org (village1)
    (None, 401), ("plain", 404), ("applicant", 404), ("other_staff", 404),
    ("village2_approver", 404), ("town2_approver", 404), ("station_staff", 201),
    ("village1_approver", 201), ("town1_reviewer", 201), ("county_verifier", 201),
]


@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_card_checkin_matrix(app, client, tree, as_user, member, staff, station_id, who,
                             status):
    officer(app, "other_staff", tree["village2"], "verifier")  # another station's staff
    officer(app, "county_verifier", tree["county"], "verifier")
    token = my_card(client, as_user("applicant"))["token"]["token"]
    response = scan(client, as_user(who), station_id, token)
    assert response.status_code == status, response.get_json()
    assert checkins_of(app, holder_of(app, member)) == (1 if status == 201 else 0)


LIST_MATRIX = [  # the org's station list: officers and card verifiers over village1
    (None, 401), ("plain", 404), ("applicant", 404), ("other_staff", 404),
    ("village2_approver", 404), ("station_staff", 200), ("village1_approver", 200),
    ("county_verifier", 200),
]


@pytest.mark.parametrize(("who", "status"), LIST_MATRIX)
def test_station_staff_list_the_stations_they_check_members_in_at(app, client, tree, as_user,
                                                                  member, staff, station_id,
                                                                  who, status):
    officer(app, "other_staff", tree["village2"], "verifier")
    officer(app, "county_verifier", tree["county"], "verifier")
    response = client.get(f"/api/v1/orgs/{tree['village1']}/stations", headers=as_user(who))
    assert response.status_code == status, response.get_json()
    if status == 200:
        assert station_id in [item["id"] for item in response.get_json()["items"]]


def test_unknown_station_and_bad_bodies(client, as_user, staff, station_id):
    assert scan(client, as_user(staff), 999999, "GHC1.x").status_code == 404
    for body in ({}, {"token": ""}, {"token": "x" * 401}, {"token": "a", "scene": "b"}):
        response = client.post(f"/api/v1/stations/{station_id}/checkins/card",
                               headers=as_user(staff), json=body)
        assert response.status_code == 422, body


def test_me_shows_the_staff_their_verifier_grant_apart_from_officer_roles(client, tree,
                                                                         as_user, staff):
    me = client.get("/api/v1/me", headers=as_user(staff)).get_json()
    assert me["roles"] == []  # screens read `roles` as "an officer here"
    assert [(r["org_id"], r["role"]) for r in me["verifier_roles"]] == [
        (tree["village1"], "verifier")]
    assert me["verifier_roles"][0]["role_label"] and me["verifier_roles"][0]["org_name"]
    officer = client.get("/api/v1/me", headers=as_user("village1_approver")).get_json()
    assert officer["verifier_roles"] == [] and officer["roles"]
