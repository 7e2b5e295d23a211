"""Racing officers and applicants against PostgreSQL: exactly one wins."""

from __future__ import annotations

import pytest

from tests.concurrency import race, statuses
from tests.helpers import give_consents, valid_id_number

pytestmark = pytest.mark.postgres


def test_two_officers_deciding_at_once_one_wins(app, client, tree, as_user):
    give_consents(client, as_user("applicant"), "membership")
    created = client.post("/api/v1/memberships", headers=as_user("applicant"), json={
        "org_id": tree["village1"], "real_name": "李四", "id_number": valid_id_number(),
        "employer": "顺丰", "occupation": "快递员", "industry": "express_delivery"})
    url = f"/api/v1/memberships/{created.get_json()['id']}/decision"
    officers = ["village1_approver", "town1_approver", "county_approver"] * 4
    responses = race(app, [
        ("post", url, as_user(who), {"action": "approve" if n % 2 else "reject",
                                     "reason": "材料不全", "version": 1})
        for n, who in enumerate(officers)
    ])
    counts = statuses(responses)
    assert counts[200] == 1 and counts[409] == len(officers) - 1, counts


def test_same_id_number_applied_at_once_one_wins(app, client, tree, as_user):
    number = valid_id_number(sequence=77)
    for n in range(12):
        give_consents(client, as_user(f"racer{n}"), "membership")
    responses = race(app, [
        ("post", "/api/v1/memberships", as_user(f"racer{n}"), {
            "org_id": tree["village1"], "real_name": "王五", "id_number": number,
            "employer": "滴滴", "occupation": "司机", "industry": "ride_hailing"})
        for n in range(12)
    ])
    counts = statuses(responses)
    assert counts[201] == 1 and counts[409] == 11, counts
