"""Racing approvals and applications against PostgreSQL: the budget is never overspent.

`tests.concurrency.race` starts one thread per request behind a barrier; for 200 requests on
a 2-core machine we run them through a pool of 40 threads instead (each with its own test
client and database connection), which still keeps ~40 approvals contending for the
program row at any moment.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.aid import programs
from app.aid.models import AidApplication, AidProgram
from app.core.crypto import keyed_hash
from app.core.time import utcnow
from app.extensions import db
from tests.concurrency import race, statuses
from tests.factories.aid import CATEGORIES
from tests.helpers import make_user, valid_id_number

pytestmark = pytest.mark.postgres

AMOUNT = 300_000  # student.college
WORKERS = 40


def pool_race(app, requests: list[tuple[str, str, dict, dict]], workers: int = WORKERS) -> list:
    """Like `race`, but through a bounded pool; the first `workers` requests start together."""
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


def seed_final_step_applications(app, tree, count: int, budget_fen: int) -> tuple[int, list]:
    """A one-step (county) program and `count` applications waiting at that step."""
    with app.app_context():
        program = programs.create_program(
            actor_id=tree["county_admin"], name="并发测试", year=2026,
            owner_org_id=tree["county"], eligible_org_ids=[tree["county"]],
            categories=CATEGORIES, budget_fen=budget_fen, opens_at=utcnow() - timedelta(days=1),
            closes_at=utcnow() + timedelta(days=1), chain=["county"])
        applicant = make_user("race-applicant")
        rows = []
        for n in range(count):
            number = valid_id_number(f"2005{1 + n // 28:02d}{1 + n % 28:02d}", n % 1000,
                                     "451224")
            rows.append(AidApplication(
                program_id=program.id, org_id=tree["village1"], applicant_id=applicant.id,
                category_code="student", tier_code="college", amount_fen=AMOUNT,
                beneficiary_name=f"学生{n}", beneficiary_id_number=number,
                beneficiary_id_hash=keyed_hash(number), relation="child", school="河池学院",
                grade="大一", household_county="东兰县", bank_holder="家长", bank_name="农商银行",
                bank_account="6230520012345678", reason="困难", status="submitted", step=0,
                step_org_id=tree["county"], version=1, submitted_at=utcnow()))
        db.session.add_all(rows)
        db.session.commit()
        return program.id, [row.id for row in rows]


def test_200_final_approvals_against_a_budget_for_100(app, client, tree, as_user):
    program_id, ids = seed_final_step_applications(app, tree, 200, budget_fen=100 * AMOUNT)
    headers = as_user("county_approver")
    responses = pool_race(app, [
        ("post", f"/api/v1/aid/applications/{application_id}/decisions", headers,
         {"action": "approve", "version": 1}) for application_id in ids])
    counts = statuses(responses)
    assert counts == {200: 100, 409: 100}, counts
    assert {r.get_json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "budget_exhausted"}
    with app.app_context():
        program = db.session.get(AidProgram, program_id)
        assert (program.reserved_fen, program.paid_fen) == (100 * AMOUNT, 0)
        by_status = dict(db.session.execute(
            select(AidApplication.status, func.count()).group_by(AidApplication.status)).all())
        assert by_status == {"approved": 100, "submitted": 100}
        approved_sum = db.session.scalar(select(func.sum(AidApplication.amount_fen)).where(
            AidApplication.status == "approved"))
        assert approved_sum == program.budget_fen


def test_same_beneficiary_submitted_at_once_one_wins(app, client, tree, as_user, world):
    """Drafts hold no slot (anybody may type a stranger's ID number); the slot is taken on
    submit, and of twelve racing submits for one ID number the database lets one through."""
    program = world.create_program()
    drafts = []
    for n in range(12):
        created = world.draft(program["id"], who=f"racer{n}", sequence=77)
        assert created.status_code == 201, created.get_json()
        drafts.append((f"racer{n}", created.get_json()))
    responses = race(app, [
        ("post", f"/api/v1/aid/applications/{draft['id']}/submit", as_user(who),
         {"version": draft["version"]}) for who, draft in drafts])
    counts = statuses(responses)
    assert counts == {200: 1, 409: 11}, counts
    codes = {r.get_json()["error"]["code"] for r in responses if r.status_code == 409}
    assert codes == {"beneficiary_unavailable"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AidApplication).where(
            AidApplication.status == "submitted")) == 1


def test_two_approvers_racing_on_one_step_one_wins(app, client, tree, as_user, world):
    program = world.create_program()
    application = world.submitted(program["id"])
    url = f"/api/v1/aid/applications/{application['id']}/decisions"
    responses = race(app, [("post", url, as_user("village1_approver"),
                             {"action": "approve" if n % 2 else "return", "comment": "退回",
                              "version": application["version"]}) for n in range(10)])
    counts = statuses(responses)
    assert counts == {200: 1, 409: 9}, counts
