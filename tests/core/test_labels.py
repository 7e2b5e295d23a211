"""Labels: field names and codes shown in the request's language (app/core/labels.py)."""

from __future__ import annotations

import pytest

from app.core.labels import FIELDS, field_label

ENGLISH = {"Accept-Language": "en"}


def _request_field_names(spec: dict) -> dict[str, str]:
    """Every field a client sends (query, path, body; nested and listed fields by their leaf's
    name) → where it was found."""
    components = spec["components"]["schemas"]
    found: dict[str, str] = {}

    def walk(schema: dict, where: str, seen: frozenset) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(components[name], name, seen | {name})
            return
        for key in ("allOf", "anyOf", "oneOf"):
            for part in schema.get(key, []):
                walk(part, where, seen)
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                walk(schema[key], where, seen)
        for name, sub in schema.get("properties", {}).items():
            found.setdefault(name, where)
            walk(sub, where, seen)

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") in ("query", "path"):
                    found.setdefault(parameter["name"], f"{method} {path}")
            for content in (operation.get("requestBody") or {}).get("content", {}).values():
                walk(content["schema"], f"{method} {path}", frozenset())
    return found


def test_every_request_field_has_a_label(client):
    names = _request_field_names(client.get("/api/openapi.json").get_json())
    assert len(names) > 100  # the walk itself works
    missing = sorted(f"{name} ({where})" for name, where in names.items() if name not in FIELDS)
    assert missing == []


def test_field_labels_follow_the_language(app):
    with app.test_request_context("/"):
        assert field_label("budget_fen") == "预算金额（分）"
        assert field_label("beneficiary.id_number") == "身份证号"
        assert field_label("goals.0.name") == "名称"
        assert field_label("no_such_field") == "no_such_field"
    with app.test_request_context("/", headers=ENGLISH):
        assert field_label("budget_fen") == "Budget"


@pytest.fixture
def project_body(tree):
    return {"org_id": tree["county"], "title": "t", "problem": "p", "category": "skills",
            "goals": [{"name": "", "unit": "人", "target": 1}], "budget_fen": 100.5,
            "bid_deadline": "2027-01-10", "due_date": "not a day"}


def test_a_422_names_each_field_in_chinese(client, as_user, project_body):
    response = client.post("/api/v1/projects", json=project_body, headers=as_user("county_admin"))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    fields = error["details"]["fields"]
    assert set(fields) == {"budget_fen", "due_date", "goals"}  # keys stay the field names
    assert fields["budget_fen"] == ["预算金额（分）：请填写整数。"]
    assert fields["due_date"][0].startswith("完成期限：")
    assert fields["goals"]["0"]["name"][0].startswith("名称：")
    assert error["message"].startswith("以下内容填写有误，请检查：")
    for label in ("预算金额（分）", "完成期限", "目标"):
        assert label in error["message"]


def test_a_422_in_english_lists_the_english_labels(client, as_user, project_body):
    response = client.post("/api/v1/projects", json=project_body,
                           headers={**as_user("county_admin"), **ENGLISH})
    error = response.get_json()["error"]
    assert error["message"].startswith("Some fields are invalid; check: ")
    assert "Budget" in error["message"] and "Due date" in error["message"]
    assert error["details"]["fields"]["budget_fen"] == ["Not a valid integer."]


def test_a_state_machine_409_uses_its_labels(app):
    from app.core.states import StateMachine
    from app.errors import InvalidTransition

    machine = StateMachine("thing", {"open": (("new",), "open"), "drop": (("new",), None),
                                     "close": (("open",), "closed")},
                           noun="project", statuses={"new": "Draft", "open": "Open for bids"},
                           actions={"open": "Publish", "drop": "Cancel",
                                    "close": "Mark completed"})
    with app.test_request_context("/"):
        with pytest.raises(InvalidTransition) as caught:
            machine.check("new", "close")
        from app.core.i18n import translate

        error = caught.value
        assert translate(error.msgid, error.params) == \
            "当前揭榜项目状态为“草稿”，不能执行“评为完成”。现在可以：发布、取消。"
        assert error.details == {"status": "new", "action": "close", "allowed": ["open", "drop"]}
    with app.test_request_context("/", headers=ENGLISH):
        assert translate(error.msgid, error.params) == (
            "This project is draft; it cannot mark completed. Allowed now: publish, cancel.")


def test_every_to_do_kind_has_a_label(app):
    from app.core.labels import TODO_KINDS
    from app.core.todos import KINDS

    assert KINDS and sorted(KINDS - set(TODO_KINDS)) == []


def test_labels_are_cached_per_language(app):
    from app.core import labels

    with app.test_request_context("/"):
        assert labels.text("Approved") == "已通过"
    with app.test_request_context("/", headers=ENGLISH):
        assert labels.text("Approved") == "Approved"
    assert labels._CACHE[False]["Approved"] == "已通过"
    assert labels._CACHE[True]["Approved"] == "Approved"


def test_a_labelled_response_varies_by_language(client):
    labelled = client.get("/api/v1/stations/services")
    assert "Accept-Language" in labelled.headers.get("Vary", "")
    assert "Accept-Language" not in client.get("/healthz").headers.get("Vary", "")
