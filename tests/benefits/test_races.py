"""Racing claims and payouts against PostgreSQL: never oversold, one per member, never beyond
the allocation."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from app.benefits.models import BenefitCampaign, BenefitClaim, BenefitCode, BenefitPoint
from app.extensions import db
from app.ledger.statements import reconcile
from app.relief.models import ReliefAllocation, ReliefPayout
from tests.concurrency import race, statuses
from tests.factories.benefits import (
    add_members,
    allocation_body,
    create_campaign,
    payee,
    upload_codes,
)

pytestmark = pytest.mark.postgres
WORKERS = 40


def pool_race(app, requests, workers: int = WORKERS) -> list:
    """Like `race`, through a bounded pool; the first `workers` requests start together."""
    barrier = threading.Barrier(min(workers, len(requests)))
    local = threading.local()

    def one(spec):
        method, url, headers, body = spec
        if not hasattr(local, "client"):
            local.client = app.test_client()
            barrier.wait()
        response = getattr(local.client, method)(url, headers=headers, json=body)
        response.get_data()
        return response

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, requests))


def test_200_claimants_for_50_codes_exactly_50_each_code_once(app, client, tree, as_user):
    names = [f"reader{n}" for n in range(200)]
    add_members(app, tree["village1"], names)
    campaign = create_campaign(client, as_user("county_admin"), tree["county"],
                               [tree["county"]], kind="code_card", name="电子阅读卡")
    assert upload_codes(client, as_user("county_admin"), campaign["id"],
                        [f"READ-{n:04d}" for n in range(50)]).status_code == 200
    responses = pool_race(app, [("post", f"/api/v1/benefits/{campaign['id']}/claims",
                                 as_user(name), {}) for name in names])
    counts = statuses(responses)
    assert counts == {201: 50, 409: 150}, counts
    assert {r.get_json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "sold_out"}
    codes = [r.get_json()["code"] for r in responses if r.status_code == 201]
    assert len(set(codes)) == 50 and None not in codes
    with app.app_context():
        assert db.session.get(BenefitCampaign, campaign["id"]).claimed == 50
        given = db.session.execute(select(BenefitCode.claim_id).where(
            BenefitCode.claim_id.is_not(None))).scalars().all()
        assert len(given) == len(set(given)) == 50
        assert db.session.scalar(select(func.count()).select_from(BenefitClaim)) == 50
        assert reconcile() == []


def test_a_points_stock_never_goes_below_zero(app, client, tree, as_user):
    names = [f"rider{n}" for n in range(60)]
    add_members(app, tree["village1"], names)
    campaign = create_campaign(client, as_user("county_admin"), tree["county"],
                               [tree["county"]], points=[
                                   {"name": "红星路爱心驿站", "org_id": tree["town1"], "stock": 7},
                                   {"name": "二镇驿站", "org_id": tree["town2"], "stock": 5}])
    point = campaign["points"][0]["id"]
    responses = race(app, [("post", f"/api/v1/benefits/{campaign['id']}/claims", as_user(name),
                            {"point_id": point}) for name in names[:30]])
    assert statuses(responses) == {201: 7, 409: 23}
    assert {r.get_json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "point_sold_out"}
    # anywhere: the rest of the stock, then sold out
    responses = race(app, [("post", f"/api/v1/benefits/{campaign['id']}/claims", as_user(name),
                            {}) for name in names[30:]])
    assert statuses(responses) == {201: 5, 409: 25}
    with app.app_context():
        rows = db.session.scalars(select(BenefitPoint).order_by(BenefitPoint.id)).all()
        assert [(row.stock, row.taken) for row in rows] == [(7, 7), (5, 5)]
        assert db.session.get(BenefitCampaign, campaign["id"]).claimed == 12
        assert reconcile() == []


def test_one_claim_per_member_under_concurrency(app, client, tree, as_user):
    add_members(app, tree["village1"], ["eager"])
    campaign = create_campaign(client, as_user("county_admin"), tree["county"],
                               [tree["county"]], points=[
                                   {"name": "驿站", "org_id": tree["town1"], "stock": 100}])
    headers = as_user("eager")
    responses = race(app, [("post", f"/api/v1/benefits/{campaign['id']}/claims", headers, {})
                           for _ in range(12)])
    counts = statuses(responses)
    assert counts[201] == 1, counts
    assert {r.get_json()["error"]["code"] for r in responses if r.status_code == 409} <= {
        "already_claimed"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BenefitClaim)) == 1
        assert db.session.get(BenefitCampaign, campaign["id"]).claimed == 1
        assert db.session.scalar(select(func.sum(BenefitPoint.taken))) == 1


def test_payouts_never_exceed_the_allocation_under_concurrency(app, client, tree, as_user):
    created = client.post("/api/v1/relief/allocations", headers=as_user("prov_admin"),
                          json=allocation_body(tree["province"], tree["town2"], 1_000_000))
    allocation = created.get_json()
    moved = client.post(f"/api/v1/relief/allocations/{allocation['id']}/transfer",
                        headers=as_user("prov_admin"),
                        json={"version": allocation["version"], "voucher_reference": "V1"})
    assert moved.status_code == 200, moved.get_json()
    from app.orgs import service
    from tests.helpers import make_user

    with app.app_context():
        user = make_user("town2_admin")
        service.grant_role(actor_id=None, org_id=tree["town2"], role="admin", user_id=user.id)
        db.session.commit()
    got = client.post(f"/api/v1/relief/allocations/{allocation['id']}/acknowledge",
                      headers=as_user("town2_admin"), json={"version": moved.get_json()["version"]})
    assert got.status_code == 200, got.get_json()
    # 20 batches of 3 people × 30,000 fen = 90,000 each; 1,000,000 covers 11 of them
    responses = race(app, [("post", f"/api/v1/relief/allocations/{allocation['id']}/payouts",
                            as_user("town2_admin"),
                            {"batch_name": f"第{n}批", "people": [payee(n * 3 + k, 30_000)
                                                                for k in range(3)]})
                           for n in range(20)])
    counts = statuses(responses)
    assert counts == {201: 11, 409: 9}, counts
    with app.app_context():
        row = db.session.get(ReliefAllocation, allocation["id"])
        assert row.paid_fen == 11 * 90_000 <= row.amount_fen
        assert db.session.scalar(select(func.sum(ReliefPayout.amount_fen))) == row.paid_fen
        assert reconcile() == []
