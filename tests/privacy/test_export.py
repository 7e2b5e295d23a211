"""A person's own data: everything about the caller, nobody else's numbers unmasked."""

from __future__ import annotations

import json
import re

from tests.factories.privacy import aid_body, apply_membership, post_aid
from tests.helpers import give_consents, valid_id_number

ID_NUMBER = re.compile(r"\d{17}[\dX]")
LONG_DIGITS = re.compile(r"\d{12,}")


def applicant_with_family(world, program) -> dict[str, str]:
    """The applicant's own membership and aid application, and one for their child."""
    client, headers = world.client, world.as_user("applicant")
    give_consents(client, headers, "membership")
    give_consents(client, headers, "aid")
    own_number = valid_id_number("19850505", 11, "451224")
    assert apply_membership(client, headers, world.tree["village1"], 11,
                            phone="13812345678").status_code == 201
    own = aid_body(program["id"], world.tree["village1"], category_code="family",
                   tier_code="basic")
    own["beneficiary"].update(id_number=own_number, relation="self", name="韦大明", school=None,
                              grade=None)
    own["bank_account"]["number"] = "6230520011112222"
    assert post_aid(world, "applicant", own).status_code == 201
    child = aid_body(program["id"], world.tree["village1"], world.documents("applicant"),
                     sequence=12)
    assert post_aid(world, "applicant", child).status_code == 201
    return {"own_id": own_number, "own_account": "6230520011112222",
            "child_id": child["beneficiary"]["id_number"],
            "child_account": child["bank_account"]["number"]}


def test_export_holds_the_callers_data_whole_and_nobody_elses(world, program):
    mine = applicant_with_family(world, program)
    client = world.client
    other = world.as_user("neighbour")
    give_consents(client, other, "membership")
    give_consents(client, other, "aid")
    other_member_id = valid_id_number("19700101", 21)
    assert apply_membership(client, other, world.tree["village2"], 21).status_code == 201
    theirs = aid_body(program["id"], world.tree["village1"], sequence=22)
    theirs["bank_account"]["number"] = "6217000033334444"
    assert post_aid(world, "neighbour", theirs).status_code == 201

    response = client.get("/api/v1/me/data-export", headers=world.as_user("applicant"))
    assert response.status_code == 200
    data = response.get_json()
    text = json.dumps(data, ensure_ascii=False)
    (membership,) = data["memberships"]
    assert membership["id_number"] == valid_id_number(sequence=11)
    assert membership["phone"] == "13812345678"
    by_relation = {a["beneficiary"]["relation"]: a for a in data["aid_applications"]}
    assert by_relation["self"]["beneficiary"]["id_number"] == mine["own_id"]
    assert by_relation["self"]["bank_account"]["number"] == mine["own_account"]
    child = by_relation["child"]
    assert child["beneficiary"]["id_number"] != mine["child_id"]
    assert child["beneficiary"]["name"] == "韦**"
    assert len(child["documents"]) == 2 and len(data["files"]) == 2
    assert {c["data_kind"] for c in data["consents"]} == {"id_number", "bank_account",
                                                         "certificate"}
    # the only whole ID numbers and long digit runs are the caller's own
    assert set(ID_NUMBER.findall(text)) == {membership["id_number"], mine["own_id"]}
    assert set(LONG_DIGITS.findall(text)) <= {membership["id_number"], mine["own_id"],
                                             mine["own_account"]}
    for secret in (other_member_id, theirs["beneficiary"]["id_number"], "6217000033334444",
                   mine["child_id"], mine["child_account"]):
        assert secret not in text


def test_export_of_someone_with_nothing_is_empty_but_complete(client, as_user):
    data = client.get("/api/v1/me/data-export", headers=as_user("newcomer")).get_json()
    assert data["profile"]["nickname"] is None
    assert data["memberships"] == data["aid_applications"] == data["consents"] == []
    assert data["deletion_request"] is None


def test_export_needs_a_login(client):
    assert client.get("/api/v1/me/data-export").status_code == 401
