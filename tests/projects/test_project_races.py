"""Racing officers against PostgreSQL: exactly one award; tranches never overspend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.projects.models import Bid, Project, Tranche
from tests.concurrency import race, statuses
from tests.factories.projects import bid_body

pytestmark = pytest.mark.postgres


def test_fifty_concurrent_awards_make_exactly_one_winner(app, driver, as_user):
    run = driver(org="village1", bidders=tuple(f"bidder{n}" for n in range(5)))
    run.drive("published")
    run.bid()
    run.clock.shift(timedelta(days=10))
    officers = ["county_approver", "town1_approver", "village1_approver"]
    bid_ids = [bid["id"] for bid in run.bids.values()]
    responses = race(app, [
        ("post", f"{run.url}/award", as_user(officers[n % 3]),
         {"bid_id": bid_ids[n % len(bid_ids)], "version": run.project["version"]})
        for n in range(50)
    ])
    counts = statuses(responses)
    assert counts[200] == 1 and counts[409] == 49, counts
    with app.app_context():
        won = db.session.scalar(select(func.count()).select_from(Bid).where(
            Bid.project_id == run.id, Bid.status == "won"))
        lost = db.session.scalar(select(func.count()).select_from(Bid).where(
            Bid.project_id == run.id, Bid.status == "lost"))
        assert (won, lost) == (1, 4)
        assert db.session.get(Project, run.id).status == "awarded"


def test_concurrent_tranches_never_exceed_the_budget(app, driver, as_user):
    run = driver()
    run.drive("awarded")
    # 30 releases of 1,000 yuan against a 10,000-yuan budget: exactly 10 can pass.
    responses = race(app, [
        ("post", f"{run.url}/tranches", as_user("county_approver"),
         {"milestone": f"m{n}", "amount_fen": 1_000_00}) for n in range(30)
    ])
    counts = statuses(responses)
    assert counts[201] == 10 and counts[409] == 20, counts
    with app.app_context():
        project = db.session.get(Project, run.id)
        total = db.session.scalar(select(func.sum(Tranche.amount_fen)).where(
            Tranche.project_id == run.id))
        assert project.released_fen == total == project.budget_fen


def test_one_live_bid_per_member_under_concurrency(app, driver, as_user):
    run = driver()
    run.drive("published")
    responses = race(app, [("post", f"{run.url}/bids", as_user("bidder"), bid_body())
                           for _ in range(10)])
    counts = statuses(responses)
    assert counts[201] == 1 and counts[409] == 9, counts
