"""Hardship test data through the API, as the test tree's people would make it: the county's
settings, drafts, submissions, home visits, decisions along the chain.

The county's 低保 line is 800 yuan a month per person. A file from village1 is reviewed by
village1_approver, re-checked by town1_approver and filed by county_approver; the home visit
is made by village1_approver with town1_reviewer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.factories.aid import png_bytes, upload
from tests.helpers import Tree, give_consents, valid_id_number

LINE_FEN = 80_000  # 800 yuan a month per person
CHAIN = ["village1_approver", "town1_approver"]
FILER = "county_approver"


def put_settings(client, as_user, tree: Tree, *, line_fen: int = LINE_FEN, days: int = 5,
                 who: str = "county_admin"):
    return client.put(f"/api/v1/hardship/settings/{tree['county']}", headers=as_user(who),
                      json={"poverty_line_fen": line_fen, "notice_working_days": days})


def id_number(sequence: int, born: str = "19800101") -> str:
    return valid_id_number(born, sequence, "451224")


def file_body(tree: Tree, *, org: str = "village1", household: int = 1,
              income_fen: int = 1_800_000, costs_fen: int = 0, accident_fen: int = 0,
              **overrides) -> dict[str, Any]:
    """Head 韦大明 (sequence `household`*10) with a wife and a son: 3 people; by default
    18,000 yuan a year → 500 yuan a month each: deep hardship under an 800 yuan line."""
    base = household * 10
    return {
        "org_id": tree[org],
        "head": {"name": "韦大明", "id_number": id_number(base), "health": "chronic",
                 "schooling": "none", "work": "务农", "employer": "东兰县某合作社"},
        "family": [
            {"name": "覃小红", "relation": "spouse", "id_number": id_number(base + 1),
             "health": "serious", "schooling": "none", "work": "无"},
            {"name": "韦小明", "relation": "child",
             "id_number": id_number(base + 2, "20080301"), "health": "healthy",
             "schooling": "secondary"},
        ],
        "main_cause": "illness", "secondary_causes": ["schooling"],
        "income_items": [{"kind": "wages", "amount_fen": income_fen}],
        "fixed_costs": [{"kind": "medical", "amount_fen": costs_fen}] if costs_fen else [],
        "accident_costs_fen": accident_fen,
        "bank_account": {"holder": "韦大明", "bank": "东兰农商银行", "number": "6230520099998888"},
        **overrides,
    }


def consent(client, as_user, who: str, body: dict) -> None:
    extra = {}
    if body.get("on_behalf"):
        extra = {"subject": {"name": body["head"]["name"], "id_number": body["head"]["id_number"]},
                 "paper_reference": "纸质同意书-困难-0001"}
    give_consents(client, as_user(who), "aid", **extra)


def draft(client, as_user, tree: Tree, *, who: str = "applicant", **kwargs):
    body = file_body(tree, **kwargs)
    if who != "applicant" and "on_behalf" not in kwargs:
        body["on_behalf"] = True
    consent(client, as_user, who, body)
    return client.post("/api/v1/hardship-files", headers=as_user(who), json=body)


def submit(client, as_user, hardship_file: dict, who: str = "applicant"):
    return client.post(f"/api/v1/hardship-files/{hardship_file['id']}/submit",
                       headers=as_user(who), json={"version": hardship_file["version"]})


def submitted(client, as_user, tree: Tree, **kwargs) -> dict:
    created = draft(client, as_user, tree, **kwargs)
    assert created.status_code == 201, created.get_json()
    response = submit(client, as_user, created.get_json(), who=kwargs.get("who", "applicant"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def uploads(client, as_user, who: str, count: int) -> list[int]:
    ids = []
    for n in range(count):
        response = upload(client, as_user(who), png_bytes((n * 40 % 255, 90, 10)))
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    return ids


def visit(client, as_user, tree: Tree, hardship_file: dict, *, who: str = "village1_approver",
          second: str = "town1_reviewer", visited_on: str | None = None):
    photo, signed, consent_form = uploads(client, as_user, who, 3)
    from datetime import date

    return client.post(f"/api/v1/hardship-files/{hardship_file['id']}/visits",
                       headers=as_user(who), json={
                           "visited_on": visited_on or date.today().isoformat(),
                           "second_officer_id": tree[second],
                           "findings": "一访二看三核四评：家中有重病人，收入微薄，属实。",
                           "photo_file_ids": [photo], "signed_application_file_id": signed,
                           "finance_consent_file_id": consent_form})


def decide(client, as_user, hardship_file: dict, who: str, action: str = "approve",
           comment: str | None = None):
    body: dict[str, Any] = {"action": action, "version": hardship_file["version"]}
    if comment:
        body["comment"] = comment
    return client.post(f"/api/v1/hardship-files/{hardship_file['id']}/decisions",
                       headers=as_user(who), json=body)


def in_notice(client, as_user, tree: Tree, **kwargs) -> dict:
    """Submitted, visited, approved by the grassroots union and the level above."""
    hardship_file = submitted(client, as_user, tree, **kwargs)
    response = visit(client, as_user, tree, hardship_file)
    assert response.status_code == 201, response.get_json()
    hardship_file = response.get_json()
    for who in CHAIN:
        response = decide(client, as_user, hardship_file, who)
        assert response.status_code == 200, response.get_json()
        hardship_file = response.get_json()
    assert hardship_file["status"] == "in_notice"
    return hardship_file


def notice_of(client, tree: Tree, file_id: int, kind: str = "hardship_file") -> dict:
    items = client.get(f"/api/v1/notices?org_id={tree['county']}").get_json()["items"]
    return next(n for n in items if n["subject_id"] == file_id and n["subject_kind"] == kind)


def filed(client, as_user, tree: Tree, clock, **kwargs) -> dict:
    hardship_file = in_notice(client, as_user, tree, **kwargs)
    clock.shift(timedelta(days=10))  # past 5 working days from any weekday
    response = decide(client, as_user, hardship_file, FILER, action="file")
    assert response.status_code == 200, response.get_json()
    return response.get_json()
