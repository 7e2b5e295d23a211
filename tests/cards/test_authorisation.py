"""Who may reach each card endpoint."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import AuditRecord
from app.extensions import db
from tests.factories.cards import approved_member, my_card, verify

VERIFY = [  # any officer or verifier anywhere; members and strangers not
    (None, 401), ("plain", 403), ("other_member", 403), ("village2_approver", 200),
    ("town1_reviewer", 200), ("merchant", 200), ("prov_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), VERIFY)
def test_verify_matrix(client, tree, as_user, member, merchant, who, status):
    approved_member(client, as_user, tree["village2"], who="other_member", sequence=2,
                    approver="village2_approver")
    token = my_card(client, as_user("applicant"))["token"]["token"]
    response = verify(client, as_user(who), token)
    assert response.status_code == status, response.get_json()


READ = [  # GET /cards/{id}: the holder and officers over village1
    (None, 401), ("plain", 404), ("other_member", 404), ("merchant", 404),
    ("village2_approver", 404), ("town2_approver", 404), ("applicant", 200),
    ("village1_approver", 200), ("town1_reviewer", 200), ("county_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), READ)
def test_read_matrix(client, tree, as_user, member, merchant, who, status):
    approved_member(client, as_user, tree["village2"], who="other_member", sequence=2,
                    approver="village2_approver")
    card = my_card(client, as_user("applicant"))
    response = client.get(f"/api/v1/cards/{card['id']}", headers=as_user(who))
    assert response.status_code == status, response.get_json()
    if status == 200:
        assert response.get_json()["token"] is None  # only /me/card carries one
    by_membership = client.get(f"/api/v1/memberships/{member['id']}/card",
                               headers=as_user(who))
    expected = {"applicant": 404}.get(who, status)  # the holder uses /me/card
    assert by_membership.status_code == expected


SUSPEND = [  # approvers and admins over village1
    (None, 401), ("plain", 404), ("applicant", 404), ("merchant", 404),
    ("village2_approver", 404), ("town2_approver", 404), ("town1_reviewer", 403),
    ("village1_approver", 200), ("county_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), SUSPEND)
def test_suspend_matrix(client, as_user, member, merchant, who, status):
    card = my_card(client, as_user("applicant"))
    response = client.post(f"/api/v1/cards/{card['id']}/suspend", headers=as_user(who),
                           json={"reason": "核查中", "version": card["version"]})
    assert response.status_code == status, response.get_json()


def test_unknown_card_is_404(client, as_user):
    assert client.get("/api/v1/cards/999999", headers=as_user("county_admin")).status_code == 404


@pytest.mark.parametrize(("who", "status"), SUSPEND)
def test_reinstate_matrix(client, as_user, member, merchant, who, status):
    card = my_card(client, as_user("applicant"))
    suspended = client.post(f"/api/v1/cards/{card['id']}/suspend",
                            headers=as_user("village1_approver"),
                            json={"reason": "核查中", "version": card["version"]}).get_json()
    response = client.post(f"/api/v1/cards/{card['id']}/reinstate", headers=as_user(who),
                           json={"version": suspended["version"]})
    assert response.status_code == status, response.get_json()


LOOKUP = [  # GET /cards/by-number/{number}: officers over village1 only (the holder: /me/card)
    (None, 401), ("plain", 404), ("other_member", 404), ("applicant", 404), ("merchant", 404),
    ("village2_approver", 404), ("town2_approver", 404), ("village1_approver", 200),
    ("town1_reviewer", 200), ("county_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), LOOKUP)
def test_lookup_by_number_matrix(app, client, tree, as_user, member, merchant, who, status):
    approved_member(client, as_user, tree["village2"], who="other_member", sequence=2,
                    approver="village2_approver")
    card = my_card(client, as_user("applicant"))
    response = client.get(f"/api/v1/cards/by-number/{card['number']}", headers=as_user(who))
    assert response.status_code == status, response.get_json()
    with app.app_context():
        lookups = list(db.session.scalars(select(AuditRecord.target_id).where(
            AuditRecord.action == "card.lookup")))
    if status == 200:
        answer = response.get_json()
        assert (answer["id"], answer["number"], answer["real_name"]) == (
            card["id"], card["number"], "张三丰")
        assert answer["token"] is None
        assert lookups == [str(card["id"])]
    else:
        assert lookups == []
    if status == 404:  # the same answer as an unknown number: nothing leaks
        assert response.get_json()["error"]["message"] == "你管辖的工会中没有这个卡号的会员卡。"


def test_lookup_of_an_unknown_number_is_404_in_chinese(client, as_user):
    for number in ("GH20269999999999", "not-a-number"):
        response = client.get(f"/api/v1/cards/by-number/{number}", headers=as_user("county_admin"))
        assert response.status_code == 404
        assert response.get_json()["error"]["message"] == "你管辖的工会中没有这个卡号的会员卡。"
