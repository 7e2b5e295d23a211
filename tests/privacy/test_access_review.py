"""Access review: admins see who revealed personal data in their subtree, with the reason;
no reveal endpoint serves a whole value without a stated reason."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from app.core.time import SHANGHAI, utcnow
from app.extensions import db
from tests.factories.orgs import officer
from tests.factories.privacy import apply_membership
from tests.helpers import give_consents


@pytest.fixture
def reveals(app, client, tree, as_user) -> dict:
    """village1_approver reveals a village1 ID twice; town2_approver a village3 phone."""
    officer(app, "town2_admin", tree["town2"], "admin")
    ids = {}
    for who, org, sequence in (("member1", "village1", 41), ("member3", "village3", 43)):
        give_consents(client, as_user(who), "membership")
        ids[org] = apply_membership(client, as_user(who), tree[org], sequence,
                                    phone="13700001111").get_json()["id"]
    for who, org, field, reason in (
            ("village1_approver", "village1", "id_number", "核对身份"),
            ("village1_approver", "village1", "id_number", "电话回访前核对"),
            ("town2_approver", "village3", "phone", "联系申请人补材料")):
        response = client.post(f"/api/v1/memberships/{ids[org]}/reveal", headers=as_user(who),
                               json={"field": field, "reason": reason})
        assert response.status_code == 200
    return ids


def access(client, as_user, who, org_id, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return client.get(f"/api/v1/orgs/{org_id}/pii-access?{query}", headers=as_user(who))


MATRIX = [(None, 401), ("plain", 404), ("town2_admin", 404), ("town1_approver", 403),
          ("county_admin", 200), ("prov_admin", 200)]


@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_only_admins_of_the_subtree_review_access(client, tree, as_user, reveals, who,
                                                  status):
    assert access(client, as_user, who, tree["town1"]).status_code == status


def test_review_lists_reveals_of_the_subtree_with_officer_and_reason(client, tree, as_user,
                                                                     reveals):
    town1 = access(client, as_user, "county_admin", tree["town1"]).get_json()["items"]
    assert [(i["officer"]["nickname"], i["field"], i["reason"]) for i in town1] == [
        ("village1_approver", "id_number", "电话回访前核对"),
        ("village1_approver", "id_number", "核对身份")]
    assert {i["org"]["id"] for i in town1} == {tree["village1"]}
    county = access(client, as_user, "county_admin", tree["county"]).get_json()["items"]
    assert len(county) == 3
    by_officer = access(client, as_user, "county_admin", tree["county"],
                        officer_id=tree["town2_approver"]).get_json()["items"]
    assert [i["reason"] for i in by_officer] == ["联系申请人补材料"]
    first = access(client, as_user, "county_admin", tree["county"], limit=2).get_json()
    rest = access(client, as_user, "county_admin", tree["county"], limit=2,
                  cursor=first["next_cursor"]).get_json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None


def test_review_filters_by_period(client, tree, as_user, reveals):
    now = utcnow().astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0)
    day = timedelta(days=1)
    within = access(client, as_user, "county_admin", tree["county"],
                    **{"from": (now - day).isoformat(), "to": (now + day).isoformat()})
    assert len(within.get_json()["items"]) == 3
    before = access(client, as_user, "county_admin", tree["county"],
                    **{"to": (now - day).isoformat()})
    assert before.get_json()["items"] == []
    backwards = access(client, as_user, "county_admin", tree["county"],
                       **{"from": now.isoformat(), "to": (now - day).isoformat()})
    assert backwards.status_code == 422


def test_review_exports_as_xlsx(client, tree, as_user, reveals):
    response = client.get(f"/api/v1/orgs/{tree['county']}/pii-access.xlsx",
                          headers=as_user("county_admin"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["个人信息查看记录"]
    rows = list(sheet.values)
    assert rows[0][0] == "时间" and len(rows) == 4
    assert {row[8] for row in rows[1:]} == {"核对身份", "电话回访前核对", "联系申请人补材料"}
    refused = client.get(f"/api/v1/orgs/{tree['town1']}/pii-access.xlsx",
                         headers=as_user("town1_approver"))
    assert refused.status_code == 403


@pytest.fixture
def batch_id(app, program) -> int:
    from app.aid.models import DisbursementBatch

    with app.app_context():
        batch = DisbursementBatch(program_id=program["id"], name="发放仪式", status="open",
                                  total_fen=0, count=0, version=1)
        db.session.add(batch)
        db.session.commit()
        return batch.id


@pytest.mark.parametrize("reason", [None, "", "  ", "\u3000\u3000\u3000"])
def test_no_reveal_endpoint_serves_a_value_without_a_reason(world, program, reveals, batch_id,
                                                            reason):
    """Every endpoint that shows a whole personal value: membership and aid reveals and the
    aid bank roster."""
    client, as_user = world.client, world.as_user
    stated = client.get(f"/api/v1/aid/batches/{batch_id}/roster.xlsx?reason=发放核对",
                        headers=as_user("prov_admin"))
    assert stated.status_code == 200
    application = world.submitted(program["id"])
    body = {} if reason is None else {"reason": reason}
    membership = client.post(f"/api/v1/memberships/{reveals['village1']}/reveal",
                             headers=as_user("village1_approver"),
                             json={"field": "id_number", **body})
    aid = client.post(f"/api/v1/aid/applications/{application['id']}/reveal",
                      headers=as_user("village1_approver"), json={"field": "id_number", **body})
    query = "" if reason is None else f"?reason={reason}"
    roster = client.get(f"/api/v1/aid/batches/{batch_id}/roster.xlsx{query}",
                        headers=as_user("prov_admin"))
    assert (membership.status_code, aid.status_code, roster.status_code) == (422, 422, 422)
