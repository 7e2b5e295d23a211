"""Languages: every message the API returns is Chinese by default, English on request."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.pofile import read_po
from marshmallow import Schema, ValidationError, fields, validate

from app.core.fields import text
from app.core.i18n import MESSAGE_KEYWORDS, translate_validation_message

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "app" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
ENGLISH = {"Accept-Language": "en"}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _extracted_ids() -> dict[str, str]:
    """Every message id in app/, as `make messages` extracts them → where it was found."""
    found = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "app"), method_map=[("**.py", "python")],
        keywords=parse_keywords(list(MESSAGE_KEYWORDS)),
    ):
        found.setdefault(message if isinstance(message, str) else message[0], filename)
    return found


def _catalog():
    with CATALOG.open("rb") as handle:
        return read_po(handle)


def test_every_message_id_has_a_chinese_text():
    catalog = _catalog()
    ids = _extracted_ids()
    assert len(ids) > 150  # the extraction itself works (the error classes are keywords)
    problems = []
    for message_id, where in sorted(ids.items()):
        entry = catalog.get(message_id)
        if entry is None or not entry.string:
            problems.append(f"{where}: no zh_CN text for {message_id!r}")
        elif entry.fuzzy:
            problems.append(f"{where}: fuzzy zh_CN text for {message_id!r}")
        elif not CJK.search(entry.string):
            problems.append(f"{where}: zh_CN text of {message_id!r} is not Chinese")
        elif set(PLACEHOLDER.findall(entry.string)) - set(PLACEHOLDER.findall(message_id)):
            problems.append(f"{where}: zh_CN text of {message_id!r} names unknown values")
    assert problems == []


KEYWORD_POSITIONS = {}
for _spec in MESSAGE_KEYWORDS:
    _name, _, _position = _spec.partition(":")
    KEYWORD_POSITIONS[_name] = int(_position or 1) - 1


def _message_calls():
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in KEYWORD_POSITIONS:
                yield path.relative_to(ROOT), node, name


def _is_template_fill(node: ast.BinOp) -> bool:
    """`N_("… %(name)s …") % {...}`: a field message filled from a template that
    `i18n.translate_validation_message` matches back (the template is in its list)."""
    left = node.left
    return (isinstance(node.op, ast.Mod) and isinstance(left, ast.Call)
            and getattr(left.func, "id", None) == "N_")


def test_no_message_id_is_an_f_string():
    """An f-string message cannot be extracted nor looked up: values go in `params`."""
    offenders = []
    for path, node, name in _message_calls():
        position = KEYWORD_POSITIONS[name]
        argument = node.args[position] if len(node.args) > position else None
        if isinstance(argument, ast.JoinedStr) or (
                isinstance(argument, ast.BinOp) and not _is_template_fill(argument)):
            offenders.append(f"{path}:{node.lineno} {name}")
    assert offenders == []


def test_error_codes_are_stable_snake_case():
    codes = set()
    for _path, node, _name in _message_calls():
        for keyword in node.keywords:
            if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                codes.add(keyword.value.value)
    assert len(codes) > 20
    assert [code for code in codes if not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", code)] == []


# --- over HTTP ------------------------------------------------------------------------------


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    return error


@pytest.mark.parametrize("language", [None, "zh-CN", "zh", "fr", "zh-CN,en;q=0.5", "*"])
def test_chinese_unless_english_is_asked_for(client, language):
    headers = {"Accept-Language": language} if language else {}
    error = _error(client.get("/api/v1/nope", headers=headers), 404, "not_found")
    assert error["message"] == "找不到该内容，请检查地址是否正确。"


@pytest.mark.parametrize("language", ["en", "en-US", "en-GB,zh;q=0.5", "fr,en;q=0.5"])
def test_english_when_asked_for(client, language):
    error = _error(client.get("/api/v1/nope", headers={"Accept-Language": language}),
                   404, "not_found")
    assert error["message"] == "Nothing was found at this address."


def test_405_in_both_languages(client):
    chinese = _error(client.get("/api/v1/auth/wx-login"), 405, "method_not_allowed")
    english = _error(client.get("/api/v1/auth/wx-login", headers=ENGLISH),
                     405, "method_not_allowed")
    assert chinese["message"] == "该地址不支持此请求方式。"
    assert "Accept-Language" in client.get("/api/v1/auth/wx-login").headers["Vary"]
    assert english["message"] == "This method is not allowed here."


def test_413_and_400_in_chinese(client, app):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    too_large = client.post("/api/v1/auth/wx-login", data=big, content_type="application/json")
    assert CJK.search(_error(too_large, 413, "payload_too_large")["message"])
    broken = client.post("/api/v1/auth/wx-login", data="{", content_type="application/json")
    error = _error(broken, 400, "malformed_request")
    assert error["message"] == "提交的内容不是有效的 JSON，请检查格式。"


def test_422_field_errors_in_both_languages(client):
    body = {"code": 5, "extra": 1}
    chinese = _error(client.post("/api/v1/auth/wx-login", json=body), 422, "validation_error")
    assert chinese["message"] == "以下内容填写有误，请检查：编码、extra。"
    assert chinese["details"]["fields"] == {"code": ["编码：请填写文字。"],
                                            "extra": ["extra：不支持此字段，请删除。"]}
    english = _error(client.post("/api/v1/auth/wx-login", json=body, headers=ENGLISH),
                     422, "validation_error")
    assert english["message"] == "Some fields are invalid; check: Code, extra."
    assert english["details"]["fields"] == {"code": ["Not a valid string."],
                                            "extra": ["Unknown field."]}


def test_domain_409_in_both_languages(client, tree, as_user):
    headers = as_user("county_admin")
    as_user("plain")
    url = f"/api/v1/orgs/{tree['village3']}/officers"
    body = {"openid": "mock-plain", "role": "reviewer"}
    assert client.post(url, headers=headers, json=body).status_code == 201
    chinese = _error(client.post(url, headers=headers, json=body), 409, "conflict")
    assert chinese["message"] == "该用户在此组织已担任该职务。"
    english = _error(client.post(url, headers={**headers, **ENGLISH}, json=body), 409, "conflict")
    assert english["message"] == "This user already holds that role on this org."


def test_domain_message_values_are_filled_into_the_translation(client, tree, as_user):
    url = f"/api/v1/orgs/{tree['town1']}/officers"
    chinese = _error(client.get(url, headers=as_user("town1_approver")), 403, "forbidden")
    assert chinese["message"] == "此操作需要你在一镇担任管理员。"  # the role's label
    english = _error(client.get(url, headers={**as_user("town1_approver"), **ENGLISH}),
                     403, "forbidden")
    assert english["message"] == "This needs the administrator role over 一镇."


def test_401_in_both_languages(client):
    assert _error(client.get("/api/v1/me"), 401, "unauthorized")["message"] == "请先登录。"
    english = _error(client.get("/api/v1/me", headers=ENGLISH), 401, "unauthorized")
    assert english["message"] == "Log in first."


def test_a_successful_request_chooses_no_language(client, app):
    """The locale is chosen (and a catalog read) only when an error envelope is built."""
    settings = app.extensions["babel"]
    chosen = []
    original = settings.locale_selector

    def counting():
        chosen.append(1)
        return original()

    settings.locale_selector = counting
    try:
        assert client.get("/healthz").status_code == 200
        assert chosen == []
        assert client.get("/api/v1/nope").status_code == 404
        assert chosen == [1]
    finally:
        settings.locale_selector = original


# --- marshmallow's own messages -----------------------------------------------------------


class Everything(Schema):
    required = fields.String(required=True)
    not_null = fields.String(allow_none=False)
    integer = fields.Integer()
    strict = fields.Integer(strict=True)
    string = fields.String()
    number = fields.Float()
    boolean = fields.Boolean()
    moment = fields.DateTime()
    aware = fields.AwareDateTime()
    day = fields.Date()
    listed = fields.List(fields.Integer())
    mapping = fields.Dict()
    nested = fields.Nested(lambda: Small())
    short = fields.String(validate=validate.Length(min=3))
    long = fields.String(validate=validate.Length(max=2))
    between = fields.String(validate=validate.Length(min=2, max=4))
    exact = fields.String(validate=validate.Length(equal=2))
    at_least = fields.Integer(validate=validate.Range(min=1))
    above = fields.Integer(validate=validate.Range(min=1, min_inclusive=False))
    at_most = fields.Integer(validate=validate.Range(max=1))
    below = fields.Integer(validate=validate.Range(max=1, max_inclusive=False))
    in_range = fields.Integer(validate=validate.Range(min=1, max=9))
    half_open = fields.Integer(validate=validate.Range(min=1, max=9, max_inclusive=False))
    choice = fields.String(validate=validate.OneOf(["a", "b"]))
    equal = fields.String(validate=validate.Equal("x"))
    pattern = fields.String(validate=validate.Regexp(r"^\d+$"))
    subset = fields.List(fields.String(), validate=validate.ContainsOnly(["a"]))
    typed = text(10)


class Small(Schema):
    x = fields.Integer(required=True)


BAD = {
    "not_null": None, "integer": "x", "strict": "1", "string": 5, "number": "x",
    "boolean": "maybe", "moment": "x", "aware": "2026-12-01T09:00:00", "day": "x",
    "listed": "x", "mapping": "x", "nested": 5, "short": "a", "long": "abc",
    "between": "a", "exact": "abc", "at_least": 0, "above": 1, "at_most": 2, "below": 1,
    "in_range": 10, "half_open": 9, "choice": "c", "equal": "y", "pattern": "a",
    "subset": ["b"], "typed": "a\x01b", "unknown": 1,
}


def test_every_marshmallow_message_in_chinese(app):
    with pytest.raises(ValidationError) as caught:
        Everything().load(BAD)
    messages = caught.value.messages
    assert set(messages) == set(BAD) | {"required"}
    flat = [m for value in messages.values()
            for m in (value if isinstance(value, list) else value["_schema"])]
    with app.test_request_context("/"):
        untranslated = [m for m in flat if not CJK.search(translate_validation_message(m))]
        assert untranslated == []
        assert translate_validation_message("Length must be between 2 and 4.") == \
            "长度须在 2 到 4 之间。"
        assert translate_validation_message("Must be one of: a, b.") == "请从以下选项中选择：a, b。"
    with app.test_request_context("/", headers=ENGLISH):
        assert translate_validation_message("Length must be between 2 and 4.") == \
            "Length must be between 2 and 4."


INTERNAL = re.compile(r"\b[a-z]+_[a-z_]+\b|\b(None|null|NUL|True|False|version|traceback)\b")


def test_chinese_texts_expose_no_internals():
    """A person reads these: no field or column names (`user_id`), no Python words."""
    offenders = [f"{entry.id!r}: {entry.string!r}" for entry in _catalog()
                 if entry.id and INTERNAL.search(PLACEHOLDER.sub("", entry.string))]
    assert offenders == []


def test_nested_message_ids_have_a_chinese_text_too():
    """`pybabel extract` skips an `N_()` nested in another keyword call (a field message in
    `Invalid(…, details={"fields": {…: [N_("…")]}})`): the AST walk finds those as well."""
    catalog = _catalog()
    missing = []
    for path, node, name in _message_calls():
        if name != "N_" or not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        entry = catalog.get(node.args[0].value)
        if entry is None or not CJK.search(entry.string or ""):
            missing.append(f"{path}:{node.lineno} {node.args[0].value!r}")
    assert missing == []
