"""The 2023 demo program matches the seed article: 168 students and 12 families, 510,200
yuan; this year's is where the approvers have work."""

from __future__ import annotations

import pytest

from app.demo.aid import PAID, amount_of, load_aid
from app.demo.orgs import load_orgs_and_accounts

DEMO_APPROVERS = {"officer-banfeng": 3, "officer-luanpo": 1, "officer-hongli": 1,
                  "officer-nongzhu": 1, "officer-kunwang": 1, "officer-donglan-town": 2,
                  "officer-donglan-county": 1, "officer-guangxi": 1}


@pytest.fixture
def demo(app, client):
    with app.app_context():
        load_orgs_and_accounts()
        first = load_aid()
        assert load_aid() == first  # idempotent
    return first


def test_paid_figures_match_the_seed_article(demo, client, login):
    assert sum(amount_of(c, t) * n for c, t, n in PAID) == 51_020_000
    headers = login("officer-guangxi")
    [program] = [p for p in client.get("/api/v1/aid/programs?scope=managed",
                                       headers=headers).get_json()["items"] if p["year"] == 2023]
    assert program["eligible_orgs"] and len(program["eligible_orgs"]) == 5
    amounts = [t["amount_fen"] for c in program["categories"] for t in c["tiers"]]
    assert min(amounts) == 80_000 and max(amounts) == 700_000
    stats = client.get(f"/api/v1/aid/programs/{program['id']}/stats",
                       headers=headers).get_json()
    assert stats["totals"]["paid"] == {"count": 180, "amount_fen": 51_020_000}
    assert stats["budget"]["paid_fen"] == 51_020_000
    categories = {row["key"]: row["paid"]["count"] for row in stats["by_category"]}
    assert categories == {"student": 168, "family": 12}
    tiers = {row["key"]: row["paid"]["count"] for row in stats["by_tier"]}
    assert tiers["student.higher_vocational"] == 63
    assert tiers["student.new_undergraduate"] == 14
    assert len(stats["by_village"]) == 5
    assert sum(row["paid"]["amount_fen"] for row in stats["by_village"]) == 51_020_000


@pytest.mark.parametrize(("officer", "waiting"), DEMO_APPROVERS.items())
def test_every_demo_approver_has_work_and_can_decide_it(demo, client, login, officer,
                                                        waiting):
    headers = login(officer)
    items = client.get("/api/v1/aid/applications?waiting_for_me=true",
                       headers=headers).get_json()["items"]
    assert len(items) == waiting
    first = items[0]
    response = client.post(f"/api/v1/aid/applications/{first['id']}/decisions",
                           headers=headers, json={"action": "approve",
                                                  "version": first["version"]})
    assert response.status_code == 200, response.get_json()


def test_banfeng_approver_cannot_see_luanpo_applications(demo, client, login):
    guangxi = login("officer-guangxi")
    everything = client.get("/api/v1/aid/applications?status=submitted&limit=100",
                            headers=guangxi).get_json()["items"]
    luanpo = next(a for a in everything if a["org"]["name"] == "鸾坡村")
    banfeng = login("officer-banfeng")
    response = client.post(f"/api/v1/aid/applications/{luanpo['id']}/decisions",
                           headers=banfeng, json={"action": "approve",
                                                  "version": luanpo["version"]})
    assert response.status_code == 404
