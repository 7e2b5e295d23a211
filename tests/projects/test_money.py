"""Tranches: released against milestones, never beyond the budget."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db


@pytest.fixture
def awarded(driver):
    run = driver()
    run.drive("awarded")
    return run


def test_tranches_add_up_to_the_budget_and_no_further(awarded, client, as_user):
    for amount in (4_000_00, 6_000_00):
        awarded.ok("/tranches", "county_approver", {"milestone": "阶段", "amount_fen": amount})
    over = awarded.post("/tranches", "county_approver", {"milestone": "超支", "amount_fen": 1})
    assert over.status_code == 409
    assert over.get_json()["error"]["details"]["remaining_fen"] == 0
    assert awarded.refresh()["released_fen"] == 10_000_00
    listed = client.get(f"{awarded.url}/tranches", headers=as_user("plain")).get_json()
    assert [t["amount_fen"] for t in listed["items"]] == [4_000_00, 6_000_00]


def test_no_tranche_before_award_or_after_close(driver):
    run = driver()
    run.drive("published")
    refused = run.post("/tranches", "county_approver", {"milestone": "m", "amount_fen": 1})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "project_not_running"


def test_check_constraint_refuses_overspending_writes(app, awarded):
    """The database itself refuses released_fen above budget_fen (the last defence)."""
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE projects SET released_fen = budget_fen + 1"))
            db.session.flush()
        db.session.rollback()
