"""Campaigns, what I am entitled to, claims, pick-ups, exports, reminders and expiry."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.benefits.models import BenefitCampaign, BenefitClaim, BenefitPoint
from app.benefits.schemas import MAX_QUANTITY
from app.extensions import db
from app.ledger.models import LedgerEntry
from app.notify.models import InAppMessage
from tests.factories.benefits import add_members, campaign_body, create_campaign, upload_codes
from tests.helpers import give_consents, valid_id_number


@pytest.fixture
def riders(app, tree):
    ids = add_members(app, tree["village1"], ["rider1", "rider2", "rider3"])
    ids.update(add_members(app, tree["village3"], ["rider9"], start=9))
    ids.update(add_members(app, tree["village1"], ["clerk"], industry="manufacturing",
                           start=20))
    ids.update(add_members(app, tree["village1"], ["woman1"], woman=True, start=30,
                           industry="manufacturing"))
    return ids


def points(tree, stock=(2, 1)):
    return [{"name": "红星路爱心驿站", "org_id": tree["town1"], "lat": 30.35, "lng": 112.19,
             "stock": stock[0]},
            {"name": "沙市区爱心驿站", "org_id": tree["town2"], "lat": 30.30, "lng": 112.25,
             "stock": stock[1]}]


def test_supply_claim_gives_a_pickup_code_and_points_and_redeems_once(
        app, client, tree, as_user, riders):
    campaign = create_campaign(client, as_user("county_admin"), tree["county"],
                               [tree["town1"]], industry="food_delivery", points=points(tree))
    assert campaign["quantity"] == 3 and campaign["kind_label"] == "到点领取物资"
    mine = client.get("/api/v1/me/benefits", headers=as_user("rider1")).get_json()["items"]
    assert [item["campaign"]["id"] for item in mine] == [campaign["id"]]
    assert mine[0]["claimed"] is False and mine[0]["deadline"]
    # the clerk (other industry) and rider9 (town2, not eligible) see nothing
    assert client.get("/api/v1/me/benefits", headers=as_user("clerk")).get_json()["items"] == []
    assert client.get("/api/v1/me/benefits", headers=as_user("rider9")).get_json()["items"] == []
    refused = client.post(f"/api/v1/benefits/{campaign['id']}/claims",
                          headers=as_user("rider9"), json={})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_eligible"

    claimed = client.post(f"/api/v1/benefits/{campaign['id']}/claims",
                          headers=as_user("rider1"), json={"lat": 30.301, "lng": 112.251})
    assert claimed.status_code == 201, claimed.get_json()
    body = claimed.get_json()
    assert len(body["pickup_code"]) == 10 and body["status"] == "claimed"
    assert body["nearby_points"][0]["name"] == "沙市区爱心驿站"  # nearest first
    assert claimed.headers["Cache-Control"] == "no-store"
    again = client.post(f"/api/v1/benefits/{campaign['id']}/claims",
                        headers=as_user("rider1"), json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_claimed"
    mine = client.get("/api/v1/me/benefits", headers=as_user("rider1")).get_json()["items"]
    assert mine[0]["claimed"] is True

    code = body["pickup_code"]
    # the point is town1's: town2's approver may not redeem (404), town1's approver may
    assert client.post(f"/api/v1/benefits/pickups/{code}/redeem",
                       headers=as_user("town2_approver")).status_code == 404
    assert client.post(f"/api/v1/benefits/pickups/{code}/redeem",
                       headers=as_user("rider2")).status_code == 404
    redeemed = client.post(f"/api/v1/benefits/pickups/{code}/redeem",
                           headers=as_user("town1_reviewer"))
    assert redeemed.status_code == 200, redeemed.get_json()
    assert redeemed.get_json()["status"] == "redeemed"
    twice = client.post(f"/api/v1/benefits/pickups/{code}/redeem",
                        headers=as_user("town1_reviewer"))
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "already_redeemed"
    assert client.post("/api/v1/benefits/pickups/AAAAAAAAAA/redeem",
                       headers=as_user("town1_reviewer")).status_code == 404
    assert client.post("/api/v1/benefits/pickups/bad/redeem",
                       headers=as_user("town1_reviewer")).status_code == 422


def test_stock_runs_out_and_unredeemed_claims_return_after_the_window(
        app, client, tree, as_user, riders, clock):
    campaign = create_campaign(client, as_user("county_admin"), tree["county"],
                               [tree["county"]], points=points(tree, (1, 1)))
    first = client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=as_user("rider1"),
                        json={"point_id": campaign["points"][0]["id"]})
    assert first.status_code == 201
    same_point = client.post(f"/api/v1/benefits/{campaign['id']}/claims",
                             headers=as_user("rider2"),
                             json={"point_id": campaign["points"][0]["id"]})
    assert same_point.status_code == 409
    assert same_point.get_json()["error"]["code"] == "point_sold_out"
    other = client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=as_user("rider2"),
                        json={})
    assert other.status_code == 201, other.get_json()
    sold_out = client.post(f"/api/v1/benefits/{campaign['id']}/claims",
                           headers=as_user("rider3"), json={})
    assert sold_out.status_code == 409 and sold_out.get_json()["error"]["code"] == "sold_out"
    clock.shift(timedelta(days=6))
    with app.app_context():
        from app.benefits.claims import expire_unredeemed
        from app.ledger.statements import reconcile

        assert expire_unredeemed() == 2
        assert expire_unredeemed() == 0
        row = db.session.get(BenefitCampaign, campaign["id"])
        assert row.claimed == 0
        assert db.session.scalar(select(func.sum(BenefitPoint.taken))) == 0
        assert reconcile() == []


def test_code_cards_import_reveal_only_to_the_claimer(app, client, tree, as_user, riders):
    campaign = create_campaign(client, as_user("county_admin"), tree["county"],
                               [tree["county"]], kind="code_card", name="电子阅读卡")
    assert campaign["quantity"] == 0
    imported = upload_codes(client, as_user("county_admin"), campaign["id"],
                            ["READ-0001", "READ-0002"])
    assert imported.status_code == 200, imported.get_json()
    assert imported.get_json() == {"imported": 2, "quantity": 2}
    repeated = upload_codes(client, as_user("county_admin"), campaign["id"], ["READ-0002"])
    assert repeated.status_code == 422
    assert repeated.get_json()["error"]["code"] == "import_rows_invalid"
    assert upload_codes(client, as_user("county_approver"), campaign["id"],
                        ["X1"]).status_code == 403
    assert upload_codes(client, as_user("town2_approver"), campaign["id"],
                        ["X1"]).status_code == 404
    assert upload_codes(client, as_user("rider1"), campaign["id"], ["X1"]).status_code == 404
    bad_header = client.post(f"/api/v1/benefits/{campaign['id']}/codes",
                             headers=as_user("county_admin"),
                             data={"file": (BytesIO(b"name\nA\n"), "codes.csv")},
                             content_type="multipart/form-data")
    assert bad_header.status_code == 422

    one = client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=as_user("rider1"),
                      json={}).get_json()
    two = client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=as_user("rider2"),
                      json={}).get_json()
    assert {one["code"], two["code"]} == {"READ-0001", "READ-0002"}
    mine = client.get(f"/api/v1/me/benefits/claims/{one['id']}", headers=as_user("rider1"))
    assert mine.get_json()["code"] == one["code"]
    assert client.get(f"/api/v1/me/benefits/claims/{one['id']}",
                      headers=as_user("rider2")).status_code == 404
    # the officers' list never shows codes
    listed = client.get(f"/api/v1/benefits/{campaign['id']}/claims",
                        headers=as_user("county_approver")).get_json()["items"]
    assert len(listed) == 2 and all("code" not in item for item in listed)
    assert client.get(f"/api/v1/benefits/{campaign['id']}/claims",
                      headers=as_user("town1_approver")).status_code == 404
    stats = client.get(f"/api/v1/benefits/{campaign['id']}/stats",
                       headers=as_user("county_approver")).get_json()
    assert stats["by_status"]["claimed"] == 2 and stats["spent_fen"] == 2 * 5000


def test_enrolment_for_women_needs_consent_and_exports_the_list(
        app, client, tree, as_user, riders):
    campaign = create_campaign(client, as_user("county_admin"), tree["county"],
                               [tree["county"]], kind="enrolment", women_only=True,
                               name="女职工安康保险", provider="人保财险", unit_fen=3000)
    assert client.get("/api/v1/me/benefits", headers=as_user("rider1")).get_json()["items"] == []
    body = {"id_number": valid_id_number("19900101", 30), "phone": "13800138000"}
    refused = client.post(f"/api/v1/benefits/{campaign['id']}/claims",
                          headers=as_user("woman1"), json=body)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "consent_required"
    give_consents(client, as_user("woman1"), "benefits", kinds=("id_number",))
    claimed = client.post(f"/api/v1/benefits/{campaign['id']}/claims",
                          headers=as_user("woman1"), json=body)
    assert claimed.status_code == 201, claimed.get_json()
    assert claimed.get_json()["id_number"] == "3209**********" + body["id_number"][-4:]
    no_reason = client.get(f"/api/v1/benefits/{campaign['id']}/roster.xlsx",
                           headers=as_user("county_admin"))
    assert no_reason.status_code == 422
    roster = client.get(f"/api/v1/benefits/{campaign['id']}/roster.xlsx?reason=报送保险公司",
                        headers=as_user("county_admin"))
    assert roster.status_code == 200
    sheet = load_workbook(BytesIO(roster.data)).worksheets[0]
    assert sheet.cell(2, 3).value == body["id_number"]
    assert client.get(f"/api/v1/benefits/{campaign['id']}/roster.xlsx?reason=x",
                      headers=as_user("county_approver")).status_code == 403
    with app.app_context():
        from app.core.audit import AuditRecord as AuditLog

        assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "pii.roster")) == 1


def test_claims_outside_the_window_and_bad_input(app, client, tree, as_user, riders, clock):
    campaign = create_campaign(client, as_user("county_admin"), tree["county"],
                               [tree["county"]], points=points(tree))
    bad = client.post("/api/v1/benefits", headers=as_user("county_admin"), json={
        "owner_org_id": tree["county"], "name": "", "kind": "supply", "eligible_org_ids": [],
        "opens_at": "2026-01-02T00:00:00", "closes_at": "2026-01-01T00:00:00",
        "quantity": 5})
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["details"]["fields"]
    assert {"name", "eligible_org_ids", "closes_at", "kind", "quantity"} <= set(fields)
    outside = client.post("/api/v1/benefits", headers=as_user("county_admin"),
                          json={**{"owner_org_id": tree["town1"], "name": "x", "kind": "enrolment",
                                   "quantity": 1, "eligible_org_ids": [tree["town2"]],
                                   "opens_at": "2026-01-01T00:00:00",
                                   "closes_at": "2026-01-02T00:00:00"}})
    assert outside.status_code == 422
    no_station = client.post("/api/v1/benefits", headers=as_user("county_admin"), json={
        **campaign_body(tree["county"], [tree["county"]]),
        "points": [{**points(tree)[0], "station_id": 999_999}]})
    too_much = client.post("/api/v1/benefits", headers=as_user("county_admin"), json={
        **campaign_body(tree["county"], [tree["county"]]),
        "points": [{**point, "stock": MAX_QUANTITY} for point in points(tree)]})
    for refused in (no_station, too_much):
        assert refused.status_code == 422, refused.get_json()
        assert set(refused.get_json()["error"]["details"]["fields"]) == {"points"}
    assert client.post("/api/v1/benefits", headers=as_user("town1_approver"), json={
        "owner_org_id": tree["town1"], "name": "x", "kind": "enrolment", "quantity": 1,
        "eligible_org_ids": [tree["town1"]], "opens_at": "2026-01-01T00:00:00",
        "closes_at": "2026-01-02T00:00:00"}).status_code == 403
    clock.shift(timedelta(days=6))
    closed = client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=as_user("rider1"),
                         json={})
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "benefit_closed"
    assert client.post("/api/v1/benefits/999999/claims", headers=as_user("rider1"),
                       json={}).status_code == 404
    assert client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=as_user("rider1"),
                       json={"lat": 30}).status_code == 422


def test_reminder_before_the_window_closes_goes_to_who_has_not_claimed(
        app, client, tree, as_user, riders, clock):
    campaign = create_campaign(client, as_user("county_admin"), tree["county"],
                               [tree["town1"]], industry="food_delivery", points=points(tree))
    client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=as_user("rider1"), json={})
    clock.shift(timedelta(days=4))
    with app.app_context():
        from app.benefits.claims import send_reminders

        assert send_reminders() == 2  # rider2 and rider3
        assert send_reminders() == 0
        told = set(db.session.scalars(select(InAppMessage.user_id).where(
            InAppMessage.event == "benefit.reminder")))
        assert told == {riders["rider2"], riders["rider3"]}


def test_every_claim_posts_to_the_journal(app, client, tree, as_user, riders):
    campaign = create_campaign(client, as_user("county_admin"), tree["county"],
                               [tree["county"]], points=points(tree))
    client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=as_user("rider1"), json={})
    with app.app_context():
        lines = db.session.execute(select(LedgerEntry.account, LedgerEntry.amount_fen).where(
            LedgerEntry.source == "benefit_claim")).all()
        assert sorted(lines) == [("funds", -5000), ("paid", 5000)]
        assert db.session.scalar(select(func.count()).select_from(BenefitClaim)) == 1
