"""Relief between unions: Shaanxi → Gansu and Qinghai, sideways; who sees and does what."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.ledger.statements import reconcile
from tests.factories.benefits import allocation_body, payee
from tests.helpers import make_user


@pytest.fixture
def unions(app, client):
    """陕西、甘肃、青海 (three trees: no role reaches another), an admin and a reviewer on
    each."""
    from app.orgs import service

    with app.app_context():
        ids = {}
        for key, name in (("shaanxi", "陕西省总工会"), ("gansu", "甘肃省总工会"),
                          ("qinghai", "青海省总工会")):
            ids[key] = service.create_root_org(name=name, level="province").id
        db.session.flush()
        for key in ("shaanxi", "gansu", "qinghai"):
            for role in ("admin", "reviewer"):
                user = make_user(f"{key}_{role}")
                ids[f"{key}_{role}"] = user.id
                service.grant_role(actor_id=None, org_id=ids[key], role=role, user_id=user.id)
        make_user("nobody")
        db.session.commit()
    return ids


def allocate(client, as_user, unions, to: str, amount_fen: int = 150_000_000) -> dict:
    response = client.post("/api/v1/relief/allocations", headers=as_user("shaanxi_admin"),
                           json=allocation_body(unions["shaanxi"], unions[to], amount_fen))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_whole_path_decided_transferred_received_paid_closed(app, client, unions, as_user):
    allocation = allocate(client, as_user, unions, "gansu")
    url = f"/api/v1/relief/allocations/{allocation['id']}"
    assert allocation["status"] == "decided" and allocation["status_label"] == "已决定"
    early = client.post(f"{url}/payouts", headers=as_user("gansu_admin"),
                        json={"batch_name": "第一批", "people": [payee(1)]})
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "invalid_transition"
    # only the giver transfers, only the receiver acknowledges
    assert client.post(f"{url}/transfer", headers=as_user("gansu_admin"),
                       json={"version": 1, "voucher_reference": "V"}).status_code == 403
    moved = client.post(f"{url}/transfer", headers=as_user("shaanxi_admin"),
                        json={"version": 1, "voucher_reference": "陕工财〔2023〕88号"})
    assert moved.status_code == 200 and moved.get_json()["status"] == "transferred"
    assert moved.get_json()["status_label"] == "已拨付"  # not the membership transfer's 已转会
    version = moved.get_json()["version"]
    assert client.post(f"{url}/acknowledge", headers=as_user("shaanxi_admin"),
                       json={"version": version}).status_code == 403
    assert client.post(f"{url}/acknowledge", headers=as_user("gansu_reviewer"),
                       json={"version": version}).status_code == 403
    assert client.post(f"{url}/acknowledge", headers=as_user("qinghai_admin"),
                       json={"version": version}).status_code == 404
    got = client.post(f"{url}/acknowledge", headers=as_user("gansu_admin"),
                      json={"version": version})
    assert got.status_code == 200 and got.get_json()["status"] == "received"
    stale = client.post(f"{url}/acknowledge", headers=as_user("gansu_admin"),
                        json={"version": version})
    assert stale.status_code == 409

    cash_without_signature = {**payee(2), "method": "cash", "bank_account": None}
    bad = client.post(f"{url}/payouts", headers=as_user("gansu_admin"),
                      json={"batch_name": "第一批", "people": [cash_without_signature]})
    assert bad.status_code == 422
    for person, field in (({**cash_without_signature, "signature_file_id": 999_999}, "people"),
                          ({**payee(2), "bank_account": "６２２８４８００１２３４５６７８"},
                           "people")):
        refused = client.post(f"{url}/payouts", headers=as_user("gansu_admin"),
                              json={"batch_name": "第一批", "people": [payee(1), person]})
        assert refused.status_code == 422, refused.get_json()
        assert set(refused.get_json()["error"]["details"]["fields"]) == {field}
    assert client.get(url, headers=as_user("gansu_admin")).get_json()["paid_fen"] == 0
    paid = client.post(f"{url}/payouts", headers=as_user("gansu_admin"),
                       json={"batch_name": "第一批", "people": [payee(1), payee(2, 200_000)]})
    assert paid.status_code == 201, paid.get_json()
    assert paid.get_json()["total_fen"] == 300_000
    twice = client.post(f"{url}/payouts", headers=as_user("gansu_admin"),
                        json={"batch_name": "第二批", "people": [payee(1)]})
    assert twice.status_code == 422
    too_much = client.post(f"{url}/payouts", headers=as_user("gansu_admin"),
                           json={"batch_name": "第二批", "people": [payee(3, 150_000_000)]})
    assert too_much.status_code == 409
    assert too_much.get_json()["error"]["code"] == "allocation_exceeded"

    report = client.get(f"{url}/report", headers=as_user("shaanxi_reviewer"))
    assert report.status_code == 200
    body = report.get_json()
    assert body["people"] == 2 and body["paid_fen"] == 300_000
    assert body["roster"][0]["id_number"].count("*") >= 8
    assert "6228480012345678" not in report.get_data(as_text=True)
    closed = client.post(f"{url}/close", headers=as_user("gansu_admin"),
                         json={"version": client.get(url, headers=as_user("gansu_admin"))
                               .get_json()["version"]})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    with app.app_context():
        assert reconcile() == []

    funds = client.get(f"/api/v1/orgs/{unions['gansu']}/funds?year=2026",
                       headers=as_user("gansu_reviewer")).get_json()
    relief = next(line for line in funds["lines"] if line["purpose"] == "relief")
    assert relief == {**relief, "received_fen": 150_000_000, "paid_fen": 300_000,
                      "granted_fen": 0}
    giver = client.get(f"/api/v1/orgs/{unions['shaanxi']}/funds?year=2026",
                       headers=as_user("shaanxi_admin")).get_json()
    assert giver["totals"]["granted_fen"] == 150_000_000
    # the tree is public (orgs.scope.get_org): another union's officer is refused with 403
    assert client.get(f"/api/v1/orgs/{unions['shaanxi']}/funds?year=2026",
                      headers=as_user("gansu_admin")).status_code == 403
    xlsx = client.get(f"/api/v1/orgs/{unions['shaanxi']}/funds.xlsx?year=2026",
                      headers=as_user("shaanxi_admin"))
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


@pytest.mark.parametrize("who, status", [
    ("shaanxi_admin", 200), ("shaanxi_reviewer", 200), ("gansu_admin", 200),
    ("gansu_reviewer", 200), ("qinghai_admin", 404), ("qinghai_reviewer", 404),
    ("nobody", 404), (None, 401)])
def test_who_sees_an_allocation(client, unions, as_user, who, status):
    allocation = allocate(client, as_user, unions, "gansu")
    for path in ("", "/report"):
        response = client.get(f"/api/v1/relief/allocations/{allocation['id']}{path}",
                              headers=as_user(who) if who else {})
        assert response.status_code == status, (path, response.get_json())


def test_each_receiver_lists_only_what_is_addressed_to_it(client, unions, as_user):
    gansu = allocate(client, as_user, unions, "gansu")
    qinghai = allocate(client, as_user, unions, "qinghai")
    listed = lambda who, **q: [a["id"] for a in client.get(  # noqa: E731
        "/api/v1/relief/allocations", headers=as_user(who), query_string=q).get_json()["items"]]
    assert listed("gansu_reviewer") == [gansu["id"]]
    assert listed("qinghai_admin") == [qinghai["id"]]
    assert listed("shaanxi_reviewer") == [qinghai["id"], gansu["id"]]
    assert listed("shaanxi_admin", direction="received") == []
    assert listed("nobody") == []


@pytest.mark.parametrize("who, status", [
    ("shaanxi_reviewer", 403), ("gansu_admin", 404), ("nobody", 404)])
def test_only_the_givers_admin_records_an_allocation(client, unions, as_user, who, status):
    response = client.post("/api/v1/relief/allocations", headers=as_user(who),
                           json=allocation_body(unions["shaanxi"], unions["gansu"]))
    assert response.status_code == status


def test_bad_allocations_are_refused_whole(client, unions, as_user):
    same = client.post("/api/v1/relief/allocations", headers=as_user("shaanxi_admin"),
                       json=allocation_body(unions["shaanxi"], unions["shaanxi"]))
    assert same.status_code == 422
    assert "to_org_id" in same.get_json()["error"]["details"]["fields"]
    for bad in ({"amount_fen": 0}, {"amount_fen": "100"}, {"meeting_date": "2023-13-01"},
                {"to_org_id": 10**20}, {"purpose": "x" * 201}, {"extra": 1}):
        response = client.post("/api/v1/relief/allocations", headers=as_user("shaanxi_admin"),
                               json={**allocation_body(unions["shaanxi"], unions["gansu"]),
                                     **bad})
        assert response.status_code == 422, bad
    missing = client.post("/api/v1/relief/allocations", headers=as_user("shaanxi_admin"),
                          json={**allocation_body(unions["shaanxi"], 999_999)})
    assert missing.status_code == 422


def test_a_transfer_asks_the_receivers_admins_to_acknowledge(app, client, unions, as_user,
                                                             tmp_path, monkeypatch):
    from io import BytesIO

    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", str(tmp_path / "files"))
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    voucher = client.post("/api/v1/files", headers=as_user("shaanxi_admin"),
                          data={"file": (BytesIO(pdf), "voucher.pdf")},
                          content_type="multipart/form-data")
    assert voucher.status_code == 201, voucher.get_json()
    file_id = voucher.get_json()["id"]
    allocation = allocate(client, as_user, unions, "gansu")
    url = f"/api/v1/relief/allocations/{allocation['id']}"
    moved = client.post(f"{url}/transfer", headers=as_user("shaanxi_admin"),
                        json={"version": 1, "voucher_reference": "V1", "voucher_file_id": file_id})
    assert moved.status_code == 200, moved.get_json()
    queue = client.get("/api/v1/workbench/todos", headers=as_user("gansu_admin")).get_json()
    items = [i for i in queue["items"] if i["kind"] == "relief_acknowledge"]
    assert len(items) == 1 and items[0]["kind_label"] == "援助款待确认到账"
    assert client.get("/api/v1/workbench/todos", headers=as_user("qinghai_admin")
                      ).get_json()["items"] == []
    # the receiver's officers read the voucher; a third union does not
    assert client.get(f"/api/v1/files/{file_id}", headers=as_user("gansu_reviewer")
                      ).status_code == 200
    assert client.get(f"/api/v1/files/{file_id}", headers=as_user("qinghai_admin")
                      ).status_code == 404
    client.post(f"{url}/acknowledge", headers=as_user("gansu_admin"),
                json={"version": moved.get_json()["version"]})
    queue = client.get("/api/v1/workbench/todos", headers=as_user("gansu_admin")).get_json()
    assert [i for i in queue["items"] if i["kind"] == "relief_acknowledge"] == []
