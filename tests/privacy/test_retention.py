"""The retention job on a frozen clock: exactly what is due goes, the run is audited once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.aid.models import AidApplication, AidApplicationFile
from app.core.audit import AuditRecord
from app.core.crypto import keyring
from app.core.time import utcnow
from app.extensions import db
from app.files.models import StoredFile
from app.members.models import Membership
from app.privacy import retention
from app.privacy.models import Erasure
from tests.factories.privacy import apply_membership
from tests.helpers import give_consents


@pytest.fixture
def history(world, program, client, as_user) -> dict:
    """A withdrawn application (closed today) and a draft, each with two certificates;
    a rejected and an approved membership (decided today)."""
    closed = world.draft(program["id"], sequence=1).get_json()
    assert world.client.post(f"/api/v1/aid/applications/{closed['id']}/withdraw",
                             headers=as_user("applicant"),
                             json={"version": closed["version"]}).status_code == 200
    still_open = world.draft(program["id"], who="neighbour", sequence=2).get_json()
    memberships = {}
    for who, sequence, action in (("rejected-one", 31, "reject"), ("member", 32, "approve")):
        give_consents(client, as_user(who), "membership")
        created = apply_membership(client, as_user(who), world.tree["village1"], sequence)
        decided = client.post(f"/api/v1/memberships/{created.get_json()['id']}/decision",
                              headers=as_user("village1_approver"),
                              json={"action": action, "reason": "不符合条件", "version": 1})
        assert decided.status_code == 200
        memberships[action] = created.get_json()["id"]
    return {"closed": closed["id"], "open": still_open["id"],
            "closed_files": sorted(d["file_id"] for d in closed["documents"]),
            "open_files": sorted(d["file_id"] for d in still_open["documents"]),
            "rejected": memberships["reject"], "approved": memberships["approve"]}


def freeze(clock, days: int):
    """Move the test clock `days` ahead of now; returns the new now."""
    clock.shift(timedelta(days=days))
    return utcnow()


def snapshot() -> dict:
    return {table: db.session.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
            for table in ("files", "aid_application_files", "aid_applications", "memberships",
                          "audit_log", "privacy_erasures")}


def retention_runs() -> list[AuditRecord]:
    return list(db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "privacy.retention").order_by(AuditRecord.id)))


def test_nothing_is_due_today(app_ctx, history):
    assert retention.due(utcnow()) == {"aid_documents": [], "aid_personal": [],
                                       "membership_rejected": [], "rights_closed": [],
                                       "idempotency_keys": [], "deleted_accounts": [],
                                       "hardship_closed": [], "hardship_ended": []}


def test_dry_run_lists_what_is_due_and_changes_nothing(app_ctx, history, clock):
    freeze(clock, 400)  # documents (365) and rejected memberships (180) are due
    before = snapshot()
    report = retention.run(dry_run=True)
    assert report["ids"] == {"aid_documents": history["closed_files"], "aid_personal": [],
                             "membership_rejected": [history["rejected"]],
                             "rights_closed": [], "idempotency_keys": [],
                             "deleted_accounts": [], "hardship_closed": [],
                             "hardship_ended": []}
    db.session.rollback()
    assert snapshot() == before
    assert retention_runs() == []


def test_run_deletes_exactly_what_is_due_and_audits_once(app_ctx, history, clock,
                                                          file_storage):
    frozen = freeze(clock, 400)
    assert len(list(file_storage.rglob("*.png"))) == 4
    report = retention.run()
    assert report["counts"] == {"aid_documents": 2, "aid_personal": 0,
                                "membership_rejected": 1, "rights_closed": 0,
                                "idempotency_keys": 0,
                                "deleted_accounts": 0, "hardship_closed": 0,
                                "hardship_ended": 0}
    files = set(db.session.scalars(select(StoredFile.id)))
    assert files == set(history["open_files"])
    assert len(list(file_storage.rglob("*.png"))) == 2
    assert set(db.session.scalars(select(AidApplicationFile.file_id))) == files
    assert set(db.session.scalars(select(Membership.id))) == {history["approved"]}
    assert db.session.scalar(select(func.count()).select_from(AidApplication)) == 2
    (run,) = retention_runs()
    assert run.actor_id is None and run.target_id == frozen.isoformat()
    assert run.after["ids"]["aid_documents"] == history["closed_files"]
    assert run.after["ids"]["membership_rejected"] == [history["rejected"]]
    # a second run the same day finds nothing more, and is audited as its own run
    assert retention.run()["counts"] == dict.fromkeys(retention.kinds(), 0)
    assert len(retention_runs()) == 2


def test_personal_data_of_closed_applications_is_deidentified_later(app_ctx, history,
                                                                   clock):
    freeze(clock, 5 * 365 + 1)
    report = retention.run()
    assert report["ids"]["aid_personal"] == [history["closed"]]
    closed = db.session.execute(text(
        "SELECT beneficiary_name, beneficiary_id_number, bank_account, beneficiary_id_hash "
        "FROM aid_applications WHERE id = :id"), {"id": history["closed"]}).one()
    assert closed.beneficiary_name == "已注销用户"
    assert keyring().decrypt(closed.beneficiary_id_number) == ""
    assert keyring().decrypt(closed.bank_account) == ""
    assert len(closed.beneficiary_id_hash) == 64  # kept: one application per beneficiary
    still_open = db.session.get(AidApplication, history["open"])
    assert still_open.beneficiary_name == "韦小明"
    assert db.session.scalar(select(func.count()).select_from(Erasure)) == 1
    assert retention.run()["counts"]["aid_personal"] == 0


def test_scheduled_account_deletion_is_carried_out_when_due(app, client, tree, as_user,
                                                            monkeypatch, clock):
    monkeypatch.setitem(app.config["RETENTION_DAYS"], "deleted_accounts", 30)
    headers = as_user("leaving")
    request = client.post("/api/v1/me/deletion-request", headers=headers).get_json()
    with app.app_context():
        start = utcnow()
        freeze(clock, 29)
        assert retention.run()["counts"]["deleted_accounts"] == 0
        freeze(clock, 2)
        assert retention.run()["ids"]["deleted_accounts"] == [request["id"]]
    clock.move_to(start)  # the token is still fresh: the 401 is the deletion, not its age
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_cli_dry_run_prints_the_plan_and_writes_nothing(app, history, clock):
    freeze(clock, 400)
    result = app.test_cli_runner().invoke(args=["gonghui", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["dry_run"] is True and report["counts"]["aid_documents"] == 2
    with app.app_context():
        assert retention_runs() == []
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 4
