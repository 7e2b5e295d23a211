"""The benefits and relief demo: the seed article's figures hold, and the journal reconciles
to the fen with the aid and project money."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.benefits.models import BenefitCampaign, BenefitClaim, BenefitCode, BenefitPoint
from app.demo import load_demo_data
from app.extensions import db
from app.ledger.models import LedgerEntry
from app.ledger.statements import reconcile
from app.relief.models import ReliefAllocation


@pytest.fixture
def demo(app, client, clock):
    clock.move_to(datetime(2026, 7, 10, 2, 0, tzinfo=UTC))
    with app.app_context():
        load_demo_data()
        load_demo_data()  # idempotent


def login(client, name: str) -> dict:
    token = client.post("/api/v1/auth/wx-login", json={"code": f"mock:{name}"}).get_json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_jingzhou_campaigns_hold_the_articles_figures(app, client, demo):
    with app.app_context():
        campaigns = {c.kind: c for c in db.session.scalars(select(BenefitCampaign))}
        cards, cooling, insurance = (campaigns["code_card"], campaigns["supply"],
                                     campaigns["enrolment"])
        assert db.session.scalar(select(func.count()).select_from(BenefitCode)) == 6000
        assert 0 < cards.claimed < cards.quantity == 6000
        assert cooling.quantity * cooling.unit_fen == 50_000_000  # 500,000 yuan
        assert db.session.scalar(select(func.count()).select_from(BenefitPoint)) == 85
        assert db.session.scalar(select(func.sum(BenefitPoint.stock))) == cooling.quantity
        assert insurance.claimed >= 700 and insurance.women_only
        assert insurance.claimed * insurance.unit_fen > 20_000_000  # 200,000+ yuan
        assert db.session.scalar(select(func.count()).select_from(BenefitClaim).where(
            BenefitClaim.status == "redeemed")) > 0
    officer = login(client, "officer-jingzhou")
    listed = client.get("/api/v1/benefits", headers=officer).get_json()["items"]
    assert len(listed) == 3
    rider = login(client, "jz-rider-299")  # a rider who has not claimed yet
    mine = client.get("/api/v1/me/benefits", headers=rider).get_json()["items"]
    assert {item["campaign"]["kind"] for item in mine} == {"code_card", "supply"}
    claimed = client.post(f"/api/v1/benefits/{cooling.id}/claims", headers=rider,
                          json={"lat": 30.33, "lng": 112.24})
    assert claimed.status_code == 201, claimed.get_json()
    assert len(claimed.get_json()["nearby_points"]) == 5
    # the cooling supplies are handed over on the rider's member card at the station too
    assert cooling.card_pickup is True
    token = client.get("/api/v1/me/card", headers=rider).get_json()["token"]["token"]
    handed = client.post(f"/api/v1/benefits/{cooling.id}/card-pickups", headers=officer,
                         json={"token": token})
    assert handed.status_code == 200, handed.get_json()
    assert handed.get_json()["status"] == "redeemed"
    with app.app_context():
        assert reconcile() == []


def test_shaanxi_relief_one_received_with_payouts_one_waiting(app, client, demo):
    with app.app_context():
        rows = {r.to_org.name: r for r in db.session.scalars(select(ReliefAllocation))}
        assert {name: (r.amount_fen, r.status) for name, r in rows.items()} == {
            "甘肃省总工会": (150_000_000, "received"), "青海省总工会": (150_000_000, "transferred")}
        assert rows["甘肃省总工会"].paid_count > 0 and rows["青海省总工会"].paid_fen == 0
        assert rows["甘肃省总工会"].meeting_date.isoformat() == "2023-12-22"
        qinghai_id = rows["青海省总工会"].id
    qinghai = login(client, "officer-qinghai")
    waiting = client.get("/api/v1/relief/allocations?direction=received",
                         headers=qinghai).get_json()["items"]
    assert [(a["from_org"]["name"], a["status"]) for a in waiting] == [
        ("陕西省总工会", "transferred")]
    assert client.get("/api/v1/relief/allocations", headers=login(
        client, "officer-gansu")).get_json()["items"][0]["to_org"]["name"] == "甘肃省总工会"
    got = client.post(f"/api/v1/relief/allocations/{qinghai_id}/acknowledge", headers=qinghai,
                      json={"version": waiting[0]["version"]})
    assert got.status_code == 200
    shaanxi = login(client, "officer-shaanxi")
    with app.app_context():
        shaanxi_id = db.session.scalar(select(ReliefAllocation.from_org_id).limit(1))
    funds = client.get(f"/api/v1/orgs/{shaanxi_id}/funds?year=2026", headers=shaanxi)
    assert funds.status_code == 200
    assert funds.get_json()["totals"]["granted_fen"] == 300_000_000


def test_the_journal_reconciles_to_the_fen_with_aid_and_projects(app, client, demo):
    with app.app_context():
        assert reconcile() == []
        purposes = set(db.session.scalars(select(LedgerEntry.purpose).distinct()))
        assert purposes == {"aid", "project", "benefit", "relief"}
    result = app.test_cli_runner().invoke(args=["gonghui", "reconcile"])
    assert result.exit_code == 0, result.output
