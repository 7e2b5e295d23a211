"""Rights builders: a case body, a case through the API (consent given first), its steps."""

from __future__ import annotations

from tests.helpers import give_consents


def case_body(**extra) -> dict:
    return {"category": "wage_arrears", "what_happened": "站点拖欠三个月工资共 9000 元",
            "what_wanted": "追回工资", "employer": "某某配送站", "contact_method": "phone",
            "contact_phone": "13912345678", "amount_claimed_fen": 900000, **extra}


def submitted_case(client, headers, **extra) -> dict:
    give_consents(client, headers, "rights")
    response = client.post("/api/v1/rights-cases", headers=headers, json=case_body(**extra))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def act(client, headers, case: dict, action: str, **body):
    """POST /rights-cases/{id}/{action} with the case's version."""
    return client.post(f"/api/v1/rights-cases/{case['id']}/{action}", headers=headers,
                       json={"version": case["version"], **body})


def escalate(app) -> list[int]:
    import json

    result = app.test_cli_runner().invoke(args=["gonghui", "rights", "escalate"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["escalated"]
