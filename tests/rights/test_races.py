"""Racing escalations and decisions on a rights case against PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.core.time import SHANGHAI
from app.core.todos import TodoItem
from app.extensions import db
from app.notify.models import InAppMessage
from tests.concurrency import race, statuses
from tests.factories.rights import submitted_case

pytestmark = pytest.mark.postgres


def test_two_escalation_runs_at_once_escalate_once(app, client, as_user, member, friday):
    from app.rights.deadlines import escalate_overdue

    cases = [submitted_case(client, as_user("applicant"), employer=f"站点{n}")
             for n in range(3)]
    friday.move_to(datetime(2026, 12, 9, 9, 0, tzinfo=SHANGHAI))
    barrier, results = threading.Barrier(4), []

    def run():
        with app.app_context():
            barrier.wait()
            results.append(escalate_overdue())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    escalated = sorted(case_id for ids in results for case_id in ids)
    assert escalated == sorted(case["id"] for case in cases)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TodoItem).where(
            TodoItem.kind == "rights_overdue")) == 3
        assert db.session.scalar(select(func.count()).select_from(InAppMessage).where(
            InAppMessage.title == "维权求助已督办")) == 3


def test_two_officers_accepting_at_once_one_wins(app, client, as_user, member):
    case = submitted_case(client, as_user("applicant"))
    officers = ["village1_approver", "town1_approver", "county_approver"] * 2
    responses = race(app, [("post", f"/api/v1/rights-cases/{case['id']}/accept",
                            as_user(who), {"version": case["version"]}) for who in officers])
    assert statuses(responses) == {200: 1, 409: 5}, statuses(responses)
