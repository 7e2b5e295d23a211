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


def test_same_id_number_approved_at_once_one_wins(app, client, tree, as_user):
    """Pending applications under one ID number block nobody; of approvals racing on them the
    unique index on approved ID numbers lets exactly one through."""
    number = valid_id_number(sequence=77)
    ids = []
    for n in range(6):
        give_consents(client, as_user(f"racer{n}"), "membership")
        created = client.post("/api/v1/memberships", headers=as_user(f"racer{n}"), json={
            "org_id": tree["village1"], "real_name": "王五", "id_number": number,
            "employer": "滴滴", "occupation": "司机", "industry": "ride_hailing"})
        assert created.status_code == 201, created.get_json()
        ids.append(created.get_json()["id"])
    officers = ["village1_approver", "town1_approver"]
    responses = race(app, [
        ("post", f"/api/v1/memberships/{membership_id}/decision", as_user(officers[n % 2]),
         {"action": "approve", "version": 1}) for n, membership_id in enumerate(ids)])
    counts = statuses(responses)
    assert counts == {200: 1, 409: 5}, counts
    assert {r.get_json()["error"]["code"] for r in responses
            if r.status_code == 409} == {"already_member"}


def _approved_member(app, client, tree, as_user) -> dict:
    from tests.factories.cards import approved_member

    return approved_member(client, as_user, tree["village1"], sequence=5)


def test_two_transfer_requests_at_once_make_one_decision(app, client, tree, as_user):
    """Of a member's racing requests one is taken; of two approvers deciding it, one wins
    and the membership moves once."""
    membership = _approved_member(app, client, tree, as_user)
    headers = as_user("applicant")
    responses = race(app, [
        ("post", "/api/v1/me/membership/transfer", headers,
         {"to_org_id": tree["village3"] if n % 2 else tree["village2"], "reason": "换了工作"})
        for n in range(6)])
    counts = statuses(responses)
    assert counts == {201: 1, 409: 5}, counts
    (made,) = [r.get_json() for r in responses if r.status_code == 201]
    to_org = made["to_org"]["id"]
    deciders = ["county_approver", "town2_approver" if to_org == tree["village3"]
                else "town1_approver"] * 3
    decided = race(app, [
        ("post", f"/api/v1/membership-transfers/{made['id']}/decision", as_user(who),
         {"action": "approve" if n % 2 else "reject", "reason": "不符合", "version": 1})
        for n, who in enumerate(deciders)])
    assert statuses(decided) == {200: 1, 409: 5}, statuses(decided)
    now = client.get(f"/api/v1/memberships/{membership['id']}", headers=headers).get_json()
    winner = next(r.get_json() for r in decided if r.status_code == 200)
    expected = to_org if winner["status"] == "approved" else tree["village1"]
    assert now["org_id"] == expected
    assert now["version"] == membership["version"] + (winner["status"] == "approved")
