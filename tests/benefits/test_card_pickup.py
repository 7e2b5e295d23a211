"""Benefit pick-ups on the member card (`POST /benefits/{id}/card-pickups`): where the
campaign allows it, the point's staff hand the goods over on the card's QR instead of the
pick-up code, once, audited; a card that does not verify is refused; the authorisation
matrix (plain members, verifiers and officers of another org)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import AuditRecord
from app.extensions import db
from tests.factories.benefits import add_members, create_campaign
from tests.factories.cards import my_card, with_signature_altered
from tests.factories.orgs import officer


@pytest.fixture
def riders(app, tree) -> dict[str, int]:
    return add_members(app, tree["village1"], ["rider1", "rider2"])


@pytest.fixture
def verifiers(app, tree) -> dict[str, int]:
    """Staff of the town1 pick-up point, and of town2's (another org)."""
    return {"town1_staff": officer(app, "town1_staff", tree["town1"], "verifier"),
            "town2_staff": officer(app, "town2_staff", tree["town2"], "verifier")}


def points(tree) -> list[dict]:
    return [{"name": "红星路爱心驿站", "org_id": tree["town1"], "lat": 30.35, "lng": 112.19,
             "stock": 3},
            {"name": "沙市区爱心驿站", "org_id": tree["town2"], "lat": 30.30, "lng": 112.25,
             "stock": 3}]


@pytest.fixture
def campaign(client, tree, as_user) -> dict:
    return create_campaign(client, as_user("county_admin"), tree["county"], [tree["county"]],
                           points=points(tree), card_pickup=True)


def claim(client, as_user, campaign: dict, who: str = "rider1") -> dict:
    """`who` claims at the town1 point (the first with stock)."""
    response = client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=as_user(who),
                           json={})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["point"]["name"] == "红星路爱心驿站"
    return response.get_json()


def pick_up(client, headers, campaign_id: int, token: str):
    return client.post(f"/api/v1/benefits/{campaign_id}/card-pickups", headers=headers,
                       json={"token": token})


def card_token(client, as_user, who: str = "rider1") -> str:
    return my_card(client, as_user(who))["token"]["token"]


def test_the_point_staff_hand_over_on_the_card_once(app, client, as_user, riders, verifiers,
                                                    campaign):
    assert campaign["card_pickup"] is True
    mine = claim(client, as_user, campaign)
    token = card_token(client, as_user)
    handed = pick_up(client, as_user("town1_staff"), campaign["id"], token)
    assert handed.status_code == 200, handed.get_json()
    body = handed.get_json()
    assert body["id"] == mine["id"] and body["status"] == "redeemed"
    # the same code, a fresh one, or the pick-up code afterwards: already handed over
    for again in (pick_up(client, as_user("town1_staff"), campaign["id"], token),
                  pick_up(client, as_user("town1_staff"), campaign["id"],
                          card_token(client, as_user)),
                  client.post(f"/api/v1/benefits/pickups/{mine['pickup_code']}/redeem",
                              headers=as_user("town1_reviewer"))):
        assert again.status_code == 409
        assert again.get_json()["error"]["code"] == "already_redeemed"
    with app.app_context():
        audits = db.session.execute(
            select(AuditRecord.actor_id, AuditRecord.actor_role, AuditRecord.after)
            .where(AuditRecord.action == "benefit.redeem",
                   AuditRecord.target_id == str(mine["id"]))).all()
        number = my_card(client, as_user("rider1"))["number"]
        assert [tuple(row) for row in audits] == [
            (verifiers["town1_staff"], "staff", {"card_number": number})]


def test_a_member_without_a_claim_here_is_404(client, as_user, riders, verifiers, campaign):
    response = pick_up(client, as_user("town1_staff"), campaign["id"],
                       card_token(client, as_user, "rider2"))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "no_claim_here"


def test_a_card_that_does_not_verify_hands_nothing_over(client, as_user, riders, verifiers,
                                                        campaign, clock):
    claim(client, as_user, campaign)
    card = my_card(client, as_user("rider1"))
    token = card["token"]["token"]
    prefix, kid, payload, signature = token.split(".")
    forged = pick_up(client, as_user("town1_staff"), campaign["id"],
                     with_signature_altered(token))
    assert forged.status_code == 422
    assert forged.get_json()["error"]["details"]["verdict"] == "forged"
    clock.shift(121)
    expired = pick_up(client, as_user("town1_staff"), campaign["id"], token)
    assert expired.status_code == 422
    assert expired.get_json()["error"] == {**expired.get_json()["error"],
                                           "code": "card_not_accepted",
                                           "details": {"verdict": "expired"}}
    fresh = card_token(client, as_user)
    suspended = client.post(f"/api/v1/cards/{card['id']}/suspend",
                            headers=as_user("village1_approver"),
                            json={"reason": "会籍核查", "version": card["version"]})
    assert suspended.status_code == 200
    refused = pick_up(client, as_user("town1_staff"), campaign["id"], fresh)
    assert refused.get_json()["error"]["details"]["verdict"] == "revoked"
    mine = client.get("/api/v1/me/benefits/claims", headers=as_user("rider1"))
    assert [item["status"] for item in mine.get_json()["items"]] == ["claimed"]


def test_only_campaigns_that_allow_it_take_the_card(client, tree, as_user, riders, verifiers):
    plain = create_campaign(client, as_user("county_admin"), tree["county"], [tree["county"]],
                            points=points(tree))
    assert plain["card_pickup"] is False
    claim(client, as_user, plain)
    response = pick_up(client, as_user("town1_staff"), plain["id"], card_token(client, as_user))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "card_pickup_not_allowed"
    for kind in ("code_card", "enrolment"):
        refused = client.post("/api/v1/benefits", headers=as_user("county_admin"), json={
            "owner_org_id": tree["county"], "name": "电子阅读卡", "kind": kind,
            "eligible_org_ids": [tree["county"]], "card_pickup": True,
            "opens_at": plain["opens_at"], "closes_at": plain["closes_at"],
            **({"quantity": 5} if kind == "enrolment" else {})})
        assert refused.status_code == 422, kind
        assert "card_pickup" in refused.get_json()["error"]["details"]["fields"]


MATRIX = [  # officers and card verifiers over the claim's point's org (town1)
    (None, 401), ("plain", 403), ("rider2", 403), ("town2_staff", 404),
    ("town2_approver", 404), ("village1_approver", 404), ("town1_staff", 200),
    ("town1_reviewer", 200), ("county_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_card_pickup_matrix(client, as_user, riders, verifiers, campaign, who, status):
    claim(client, as_user, campaign)
    response = pick_up(client, as_user(who), campaign["id"], card_token(client, as_user))
    assert response.status_code == status, response.get_json()
    claimed = client.get(f"/api/v1/benefits/{campaign['id']}/claims",
                         headers=as_user("county_admin")).get_json()["items"]
    assert [item["status"] for item in claimed] == [
        "redeemed" if status == 200 else "claimed"]


LIST_MATRIX = [  # GET /benefits?card_pickup=true: campaigns with a point in the caller's orgs
    (None, 401, False), ("plain", 200, False), ("rider1", 200, False),
    ("village2_approver", 200, False), ("town1_staff", 200, True), ("town2_staff", 200, True),
    ("town1_reviewer", 200, True), ("county_admin", 200, True),
]


@pytest.mark.parametrize(("who", "status", "listed"), LIST_MATRIX)
def test_staff_list_the_card_pickup_campaigns_of_their_points(client, tree, as_user, riders,
                                                              verifiers, campaign, who, status,
                                                              listed):
    plain_supply = create_campaign(client, as_user("county_admin"), tree["county"],
                                   [tree["county"]], points=points(tree))
    response = client.get("/api/v1/benefits?card_pickup=true", headers=as_user(who))
    assert response.status_code == status, response.get_json()
    if status == 200:
        ids = [item["id"] for item in response.get_json()["items"]]
        assert (campaign["id"] in ids) is listed
        assert plain_supply["id"] not in ids  # handed over on its pick-up code only
    if who == "town1_staff":  # a verifier manages nothing: the plain list stays empty
        assert client.get("/api/v1/benefits", headers=as_user(who)).get_json()["items"] == []
