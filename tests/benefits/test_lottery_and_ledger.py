"""The lottery recomputed from its published inputs; the journal and the reconciliation."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from app.benefits.models import BenefitCampaign, BenefitClaim
from app.extensions import db
from app.ledger import journal
from app.ledger.models import LedgerEntry
from app.ledger.statements import reconcile
from tests.factories.benefits import add_members, create_campaign, upload_codes


def recompute(published: dict) -> list[int]:
    """What anyone can do with the published inputs alone (docs/benefits.md)."""
    assert hashlib.sha256(published["seed"].encode()).hexdigest() == published["seed_hash"]
    ids = sorted(entrant["claim_id"] for entrant in published["entrants"])
    assert hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest() == published[
        "entrants_hash"]
    tickets = {i: hashlib.sha256(f"{published['seed']}:{i}".encode()).hexdigest() for i in ids}
    return sorted(ids, key=lambda i: (tickets[i], i))[:published["quantity"]]


def test_a_lottery_recomputed_from_its_published_inputs_gives_the_same_winners(
        app, client, tree, as_user, clock):
    names = [f"fan{n}" for n in range(12)]
    add_members(app, tree["village1"], names)
    campaign = create_campaign(client, as_user("county_admin"), tree["county"],
                               [tree["county"]], kind="code_card", allocation="lottery",
                               name="电子阅读卡（抽签）")
    upload_codes(client, as_user("county_admin"), campaign["id"],
                 [f"C{n}" for n in range(5)])
    url = f"/api/v1/benefits/{campaign['id']}"
    for name in names:
        entered = client.post(f"{url}/claims", headers=as_user(name), json={})
        assert entered.status_code == 201 and entered.get_json()["status"] == "entered"
        assert entered.get_json()["code"] is None
    assert client.get(f"{url}/lottery", headers=as_user("fan0")).get_json()["state"] == "open"
    early = client.post(f"{url}/lottery/commit", headers=as_user("county_admin"),
                        json={"version": 1})
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "window_not_closed"
    clock.shift(timedelta(days=6))
    assert client.post(f"{url}/claims", headers=as_user("fan0"), json={}).status_code == 409
    assert client.post(f"{url}/lottery/commit", headers=as_user("county_approver"),
                       json={"version": 1}).status_code == 403
    committed = client.post(f"{url}/lottery/commit", headers=as_user("county_admin"),
                            json={"version": 1})
    assert committed.status_code == 200, committed.get_json()
    before = committed.get_json()
    assert before["seed"] is None and len(before["seed_hash"]) == 64
    assert len(before["entrants"]) == 12 and all("*" in e["name"] for e in before["entrants"])
    version = client.get(url, headers=as_user("county_admin")).get_json()["version"]
    drawn = client.post(f"{url}/lottery/draw", headers=as_user("county_admin"),
                        json={"version": version})
    assert drawn.status_code == 200, drawn.get_json()
    published = client.get(f"{url}/lottery", headers=as_user("fan3")).get_json()
    assert published["seed_hash"] == before["seed_hash"]  # the seed did not change
    assert recompute(published) == published["winner_ids"]
    assert len(published["winner_ids"]) == 5
    with app.app_context():
        statuses = dict(db.session.execute(select(BenefitClaim.status, func.count())
                                           .group_by(BenefitClaim.status)).all())
        assert statuses == {"claimed": 5, "lost": 7}
        winners = set(db.session.scalars(select(BenefitClaim.id).where(
            BenefitClaim.status == "claimed")))
        assert winners == set(published["winner_ids"])
        assert db.session.get(BenefitCampaign, campaign["id"]).claimed == 5
        assert reconcile() == []
    again = client.post(f"{url}/lottery/draw", headers=as_user("county_admin"),
                        json={"version": version + 1})
    assert again.status_code == 409


def test_journal_postings_balance_and_only_reverse(app):
    with app.app_context():
        from app.orgs import service

        org = service.create_root_org(name="账本工会", level="province")
        db.session.flush()
        posting = journal.move(org_id=org.id, purpose="benefit", amount_fen=100, debit="paid",
                               credit="funds", source="benefit_claim", source_id=1, memo="m")
        reversal = journal.reverse(posting, memo="更正")
        total = db.session.scalar(select(func.sum(LedgerEntry.amount_fen)).where(
            LedgerEntry.org_id == org.id, LedgerEntry.account == "paid"))
        assert total == 0 and reversal != posting
        with pytest.raises(ValueError):
            journal.post(source="benefit_claim", source_id=1, memo="x",
                         lines=[(org.id, "paid", "benefit", 5), (org.id, "funds", "benefit", -4)])
        db.session.rollback()


def test_reconcile_finds_a_deliberately_broken_row(app, client, tree, as_user):
    add_members(app, tree["village1"], ["r1", "r2"])
    campaign = create_campaign(client, as_user("county_admin"), tree["county"],
                               [tree["county"]], points=[
                                   {"name": "驿站", "org_id": tree["town1"], "stock": 5}])
    for name in ("r1", "r2"):
        client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=as_user(name), json={})
    ok = app.test_cli_runner().invoke(args=["gonghui", "reconcile"])
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        # a counter moved behind the journal's back
        db.session.execute(update(BenefitCampaign).values(claimed=BenefitCampaign.claimed + 1))
        db.session.commit()
        found = reconcile()
        assert [(d.check, d.domain_fen, d.journal_fen) for d in found] == [
            ("benefit spending", 15000, 10000)]
    broken = app.test_cli_runner().invoke(args=["gonghui", "reconcile"])
    assert broken.exit_code == 1
    assert "benefit spending" in broken.output
    with app.app_context():
        db.session.execute(update(BenefitCampaign).values(claimed=BenefitCampaign.claimed - 1))
        # an unbalanced line written by hand
        db.session.execute(insert(LedgerEntry).values(
            posting="f" * 32, source="benefit_claim", source_id=1, memo="x",
            org_id=tree["county"], account="funds", purpose="benefit", amount_fen=7))
        db.session.commit()
        assert [d.check for d in reconcile()] == ["posting balances"]
