"""Builders for aid tests: images, programs, applications, and a walk along the chain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO

from PIL import Image

from tests.helpers import give_consents, valid_id_number

CHAIN = ["village", "town", "county", "province"]
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


def program_body(tree, **overrides) -> dict:
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


class AidWorld:
    """Drives the API as the test tree's people: apply, submit, decide."""

    def __init__(self, client, as_user, tree) -> None:
        self.client, self.as_user, self.tree = client, as_user, tree

    def create_program(self, **overrides) -> dict:
        response = self.client.post("/api/v1/aid/programs", headers=self.as_user("prov_admin"),
                                    json=program_body(self.tree, **overrides))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def documents(self, who: str, kinds=("id_card", "enrollment_certificate")) -> list[dict]:
        docs = []
        for kind in kinds:
            response = upload(self.client, self.as_user(who))
            assert response.status_code == 201, response.get_json()
            docs.append({"file_id": response.get_json()["id"], "kind": kind})
        return docs

    def draft(self, program_id: int, *, who: str = "applicant", org: str = "village1",
              sequence: int = 1, **overrides):
        body = application_body(program_id, self.tree[org], self.documents(who),
                                sequence=sequence, **overrides)
        self.consent(who, body)
        return self.client.post("/api/v1/aid/applications", headers=self.as_user(who), json=body)

    def consent(self, who: str, body: dict | None = None) -> None:
        """The consents a draft needs: the applicant's own, or for an officer entering it on
        someone's behalf, that person's signed paper form recorded for their ID number."""
        extra = {}
        if body is not None and body.get("on_behalf"):
            extra = {"subject": {"name": body["beneficiary"]["name"],
                                 "id_number": body["beneficiary"]["id_number"]},
                     "paper_reference": "纸质同意书-0001"}
        give_consents(self.client, self.as_user(who), "aid", **extra)

    def submitted(self, program_id: int, **kwargs) -> dict:
        created = self.draft(program_id, **kwargs)
        assert created.status_code == 201, created.get_json()
        application = created.get_json()
        response = self.submit(application, who=kwargs.get("who", "applicant"))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def submit(self, application: dict, who: str = "applicant"):
        return self.client.post(f"/api/v1/aid/applications/{application['id']}/submit",
                                headers=self.as_user(who),
                                json={"version": application["version"]})

    def decide(self, application: dict, who: str, action: str = "approve",
               comment: str | None = None, version: int | None = None):
        body = {"action": action, "version": version or application["version"]}
        if comment:
            body["comment"] = comment
        return self.client.post(f"/api/v1/aid/applications/{application['id']}/decisions",
                                headers=self.as_user(who), json=body)

    def get(self, application_id: int, who: str = "applicant"):
        return self.client.get(f"/api/v1/aid/applications/{application_id}",
                               headers=self.as_user(who))
