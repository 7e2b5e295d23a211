"""Aid test data through the API, as the test tree's people would make it: programs, uploads,
drafts, submissions, decisions, batches.

Plain functions take the test client and `as_user` (name → headers) first; `AidWorld` binds
them to one client, `as_user` and tree for the `world` fixture of tests/aid/conftest.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

from PIL import Image

from tests.helpers import Tree, give_consents, valid_id_number

CHAIN = ["village", "town", "county", "province"]
# who decides each step of CHAIN for an application from village1
STEP_APPROVERS = ["village1_approver", "town1_approver", "county_approver", "prov_approver"]
CATEGORIES = [
    {"code": "student", "name": "困难学生", "kind": "student",
     "required_documents": ["id_card", "enrollment_certificate"],
     "tiers": [{"code": "high_school", "name": "高中（中职）", "amount_fen": 200_000},
               {"code": "college", "name": "高职（大专）及以上", "amount_fen": 300_000}]},
    {"code": "family", "name": "防返贫监测家庭", "kind": "family",
     "required_documents": ["monitoring_certificate"],
     "tiers": [{"code": "basic", "name": "一般困难", "amount_fen": 80_000},
               {"code": "severe", "name": "重大困难", "amount_fen": 700_000}]},
]


def png_bytes(color=(200, 30, 30), size=(8, 8)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(client, headers, data: bytes | None = None, name: str = "证件.png"):
    return client.post("/api/v1/files", headers=headers, content_type="multipart/form-data",
                       data={"file": (BytesIO(data or png_bytes()), name)})


def window(days_before: int = 1, days_after: int = 30) -> dict[str, str]:
    now = datetime.now(UTC)
    return {"opens_at": (now - timedelta(days=days_before)).isoformat(),
            "closes_at": (now + timedelta(days=days_after)).isoformat()}


def program_body(tree: Tree, **overrides) -> dict:
    return {
        "name": "扶智纾困测试项目", "year": 2026, "owner_org_id": tree["province"],
        "eligible_org_ids": [tree["town1"], tree["village3"]], "categories": CATEGORIES,
        "budget_fen": 10_000_000, "chain": CHAIN, **window(), **overrides,
    }


def application_body(program_id: int, org_id: int, documents: list[dict], *,
                     sequence: int = 1, **overrides) -> dict:
    return {
        "program_id": program_id, "org_id": org_id, "category_code": "student",
        "tier_code": "college",
        "beneficiary": {"name": "韦小明", "id_number": valid_id_number("20050301", sequence,
                                                                       "451224"),
                        "relation": "child", "school": "河池学院", "grade": "大二",
                        "household_county": "东兰县"},
        "bank_account": {"holder": "韦大明", "bank": "东兰农商银行",
                         "number": "6230520012345678"},
        "reason": "家庭困难，申请资助。", "documents": documents, **overrides,
    }


def create_program(client, as_user, tree: Tree, *, who: str = "prov_admin",
                   **overrides) -> dict:
    response = client.post("/api/v1/aid/programs", headers=as_user(who),
                           json=program_body(tree, **overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def documents(client, as_user, who: str,
              kinds=("id_card", "enrollment_certificate")) -> list[dict]:
    """One upload per kind by `who`, as the documents of an application body."""
    docs = []
    for kind in kinds:
        response = upload(client, as_user(who))
        assert response.status_code == 201, response.get_json()
        docs.append({"file_id": response.get_json()["id"], "kind": kind})
    return docs


def consent(client, as_user, who: str, body: dict | None = None) -> None:
    """The consents a draft needs: the applicant's own, or for an officer entering it on
    someone's behalf, that person's signed paper form recorded for their ID number."""
    extra = {}
    if body is not None and body.get("on_behalf"):
        extra = {"subject": {"name": body["beneficiary"]["name"],
                             "id_number": body["beneficiary"]["id_number"]},
                 "paper_reference": "纸质同意书-0001"}
    give_consents(client, as_user(who), "aid", **extra)


def draft(client, as_user, tree: Tree, program_id: int, *, who: str = "applicant",
          org: str = "village1", sequence: int = 1, **overrides):
    """POST a draft with fresh uploads and the consents it needs; returns the response."""
    body = application_body(program_id, tree[org], documents(client, as_user, who),
                            sequence=sequence, **overrides)
    consent(client, as_user, who, body)
    return client.post("/api/v1/aid/applications", headers=as_user(who), json=body)


def submit(client, as_user, application: dict, who: str = "applicant"):
    return client.post(f"/api/v1/aid/applications/{application['id']}/submit",
                       headers=as_user(who), json={"version": application["version"]})


def submitted(client, as_user, tree: Tree, program_id: int, **kwargs) -> dict:
    """A draft submitted into the chain (waiting at its first step)."""
    created = draft(client, as_user, tree, program_id, **kwargs)
    assert created.status_code == 201, created.get_json()
    response = submit(client, as_user, created.get_json(), who=kwargs.get("who", "applicant"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def decide(client, as_user, application: dict, who: str | None, action: str = "approve",
           comment: str | None = None, version: int | None = None):
    body: dict[str, Any] = {"action": action, "version": version or application["version"]}
    if comment:
        body["comment"] = comment
    return client.post(f"/api/v1/aid/applications/{application['id']}/decisions",
                       headers=as_user(who), json=body)


def approved(client, as_user, application: dict, approvers=STEP_APPROVERS) -> dict:
    """The application approved by each of `approvers` in turn."""
    for who in approvers:
        response = decide(client, as_user, application, who)
        assert response.status_code == 200, response.get_json()
        application = response.get_json()
    return application


def batch(client, as_user, program: dict, applications: list[dict], *,
          name: str = "发放仪式") -> dict:
    response = client.post(f"/api/v1/aid/programs/{program['id']}/batches",
                           headers=as_user("prov_admin"),
                           json={"name": name, "application_ids": [a["id"]
                                                                   for a in applications]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@dataclass
class AidWorld:
    """The functions above bound to one test client, `as_user` and tree."""

    client: Any
    as_user: Any
    tree: Tree

    def create_program(self, **overrides) -> dict:
        return create_program(self.client, self.as_user, self.tree, **overrides)

    def documents(self, who: str, kinds=("id_card", "enrollment_certificate")) -> list[dict]:
        return documents(self.client, self.as_user, who, kinds)

    def consent(self, who: str, body: dict | None = None) -> None:
        consent(self.client, self.as_user, who, body)

    def draft(self, program_id: int, **kwargs):
        return draft(self.client, self.as_user, self.tree, program_id, **kwargs)

    def submit(self, application: dict, who: str = "applicant"):
        return submit(self.client, self.as_user, application, who)

    def submitted(self, program_id: int, **kwargs) -> dict:
        return submitted(self.client, self.as_user, self.tree, program_id, **kwargs)

    def decide(self, application: dict, who: str | None, action: str = "approve",
               comment: str | None = None, version: int | None = None):
        return decide(self.client, self.as_user, application, who, action, comment, version)

    def approved(self, application: dict, approvers=STEP_APPROVERS) -> dict:
        return approved(self.client, self.as_user, application, approvers)

    def batch(self, program: dict, applications: list[dict], *, name: str = "发放仪式") -> dict:
        return batch(self.client, self.as_user, program, applications, name=name)

    def get(self, application_id: int, who: str = "applicant"):
        return self.client.get(f"/api/v1/aid/applications/{application_id}",
                               headers=self.as_user(who))
