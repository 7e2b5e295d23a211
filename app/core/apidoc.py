"""The OpenAPI document as the front-end developer's manual.

- `overview()`: the `info.description` — login, tokens, the error envelope, pages, idempotency
  keys, versions, languages, coordinates — followed by the table of every error code.
- `error_codes()`: that table, generated from the source of `app/` (never written by hand):
  the `AppError` subclasses and their default codes, every literal `code="…"` given to a call,
  `(code, N_(message))` pairs, the HTTP error codes of `app/errors.py` and the 401 envelopes of
  the token checks; each code with its status and its meaning (the message ids it is raised
  with) in English and Chinese (the catalog in `app/translations`).
- `ErrorCodesPlugin`: an apispec plugin that writes each operation's possible error codes —
  read from `app/error_codes.json` — into the descriptions of its responses and into an
  `x-error-codes` extension (`{status: [code, …]}`), adding an envelope response for a status
  the route did not declare.

`app/error_codes.json` is recorded by the test suite: `tests/plugins/error_codes.py` keeps every
(operation, status, error.code) a test client sees and fails the run when one is not in the
file; `pytest --record-error-codes` writes what it saw into it. So the per-operation codes
cannot drift from what the API answers.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from apispec import BasePlugin
from babel.support import Translations

APP_DIR = Path(__file__).resolve().parent.parent
ERROR_CODES_FILE = APP_DIR / "error_codes.json"
CATALOGS = APP_DIR / "translations"
ROOT_ERROR = "AppError"
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$|^[a-z]+$")
# functions that answer an envelope from (status, code, message) arguments, as positions (an
# int for a fixed status): `envelope(401, "token_invalid", …)`, `unauthorized("token_…", …)`
ENVELOPE_MAKERS = {"envelope": (0, 1, 2), "unauthorized": (401, 0, 1)}
# functions that raise with a `message=` and an optional `code=` keyword: (status, default code)
KEYWORD_MAKERS = {"check_user_text": (422, "content_rejected")}
HTTP_CODES_NAME = "HTTP_CODES"
ERROR_ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"


@dataclass
class ErrorCode:
    """One `error.code`: the statuses it comes with and the message ids it is raised with."""

    code: str
    statuses: set[int] = field(default_factory=set)
    messages: list[str] = field(default_factory=list)
    generic: bool = False  # a class's default code, raised with many messages
    places: set[str] = field(default_factory=set)

    def add(self, status: int | None, message: str | None, place: str) -> None:
        if status is not None:
            self.statuses.add(status)
        if message and message not in self.messages:
            self.messages.append(message)
        self.places.add(place)


# --- scanning app/ --------------------------------------------------------------------------

def _python_files(root: Path) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        yield str(path.relative_to(root.parent)), ast.parse(path.read_text("utf-8"))


def _literal_str(node: ast.AST | None) -> str | None:
    """A message id: a string literal, or `N_("…")`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (isinstance(node, ast.Call) and _name(node.func) == "N_" and node.args
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return node.args[0].value
    return None


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _error_classes(modules: list[tuple[str, ast.Module]]) -> dict[str, tuple[int, str]]:
    """Every AppError subclass in app/ → (status, default code), inheritance followed."""
    found: dict[str, tuple[list[str], int | None, str | None]] = {}
    for _, module in modules:
        for node in ast.walk(module):
            if not isinstance(node, ast.ClassDef):
                continue
            status = code = None
            for statement in node.body:
                if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                    target = _name(statement.targets[0])
                    value = getattr(statement.value, "value", None)
                    if target == "status" and isinstance(value, int):
                        status = value
                    elif target == "code" and isinstance(value, str):
                        code = value
            found[node.name] = ([_name(base) for base in node.bases], status, code)
    classes: dict[str, tuple[int, str]] = {}
    changed = True
    while changed:
        changed = False
        for name, (bases, status, code) in found.items():
            if name in classes:
                continue
            if name == ROOT_ERROR:
                classes[name] = (status or 400, code or "bad_request")
                changed = True
                continue
            parent = next((classes[base] for base in bases if base in classes), None)
            if parent is not None:
                classes[name] = (status or parent[0], code or parent[1])
                changed = True
    return classes


def scan(root: Path = APP_DIR) -> dict[str, ErrorCode]:
    """Every error code app/ can answer, from its source."""
    modules = list(_python_files(root))
    classes = _error_classes(modules)
    codes: dict[str, ErrorCode] = {}

    def add(code: str, status: int | None, message: str | None, place: str,
            generic: bool = False) -> None:
        entry = codes.setdefault(code, ErrorCode(code))
        entry.generic = entry.generic or generic
        entry.add(status, message, place)

    for status, code in classes.values():
        add(code, status, None, "class", generic=True)
    for place, module in modules:
        _Scanner(classes, add, place).visit(module)
    return codes


class _Scanner(ast.NodeVisitor):
    """One module: the calls that raise or answer a code, with the message they give."""

    def __init__(self, classes: dict[str, tuple[int, str]], add, place: str) -> None:
        self.classes, self.add, self.place = classes, add, place
        self.defaults: list[dict[str, str]] = [{}]  # parameter → its literal default message
        self.statuses: list[int] = []  # from enclosing `if status == 400 …`
        # codes named without a status here ((code, N_(message)) pairs): they take the status
        # of the error class this module raises with a variable code
        self.unplaced: list[tuple[str, str | None]] = []
        self.variable_code_statuses: set[int] = set()

    def visit_Module(self, node: ast.Module) -> None:
        self.generic_visit(node)
        status = (next(iter(self.variable_code_statuses))
                  if len(self.variable_code_statuses) == 1 else None)
        for code, message in self.unplaced:
            self.add(code, status, message, self.place)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        arguments = node.args.args + node.args.kwonlyargs
        defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + list(
            node.args.defaults) + list(node.args.kw_defaults)
        found = {arg.arg: _literal_str(default) for arg, default in
                 zip(arguments, defaults, strict=True) if default is not None}
        self.defaults.append({k: v for k, v in found.items() if v})
        self.generic_visit(node)
        self.defaults.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        status = None
        for test in ast.walk(node.test):
            if (isinstance(test, ast.Compare) and _name(test.left) == "status"
                    and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
                    and isinstance(getattr(test.comparators[0], "value", None), int)):
                status = test.comparators[0].value
        if status is not None:
            self.statuses.append(status)
            for statement in node.body:
                self.visit(statement)
            self.statuses.pop()
            for statement in node.orelse:
                self.visit(statement)
            self.visit(node.test)
        else:
            self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        value = getattr(node.value, "value", None)
        if (len(node.targets) == 1 and _name(node.targets[0]) == "code"
                and isinstance(value, str) and SNAKE.match(value)):
            self.add(value, self.statuses[-1] if self.statuses else None, None, self.place,
                     generic=True)
        if (len(node.targets) == 1 and _name(node.targets[0]) == HTTP_CODES_NAME
                and isinstance(node.value, ast.Dict)):
            for key, item in zip(node.value.keys, node.value.values, strict=True):
                self.add(item.value, key.value, None, self.place, generic=True)
        self.generic_visit(node)

    def visit_Tuple(self, node: ast.Tuple) -> None:
        if len(node.elts) == 2:
            code, message = node.elts
            if (isinstance(code, ast.Constant) and isinstance(code.value, str)
                    and SNAKE.match(code.value) and isinstance(message, ast.Call)
                    and _name(message.func) == "N_"):
                self.unplaced.append((code.value, _literal_str(message)))
        self.generic_visit(node)

    def message_of(self, node: ast.AST | None) -> str | None:
        found = _literal_str(node)
        if found is None and isinstance(node, ast.Name):
            found = self.defaults[-1].get(node.id)
        return found

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        callee = _name(node.func)
        message = self.message_of(node.args[0]) if node.args else None
        code_kw = next((kw.value for kw in node.keywords if kw.arg == "code"), None)
        literal_code = code_kw.value if isinstance(code_kw, ast.Constant) and isinstance(
            code_kw.value, str) else None
        if callee in self.classes:
            status, default = self.classes[callee]
            if code_kw is None:
                self.add(default, status, message, self.place, generic=True)
            elif literal_code is not None:
                self.add(literal_code, status, message, self.place)
            else:
                self.variable_code_statuses.add(status)
            return
        if callee in KEYWORD_MAKERS:
            status, default = KEYWORD_MAKERS[callee]
            keywords = {kw.arg: kw.value for kw in node.keywords}
            code = literal_code or default
            self.add(code, status, self.message_of(keywords.get("message")), self.place,
                     generic=code == default and "message" not in keywords)
            return
        if callee in ENVELOPE_MAKERS:
            status_at, code_at, message_at = ENVELOPE_MAKERS[callee]
            args = node.args
            if len(args) <= max(code_at, message_at):
                return
            code = getattr(args[code_at], "value", None)
            status = status_at if callee != "envelope" else getattr(args[status_at], "value",
                                                                    None)
            if isinstance(code, str) and SNAKE.match(code):
                self.add(code, status if isinstance(status, int) else None,
                         self.message_of(args[message_at]), self.place)
            return
        if literal_code is not None and SNAKE.match(literal_code):
            self.add(literal_code, None, message, self.place)


# --- meanings -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _chinese() -> Translations:
    return Translations.load(str(CATALOGS), locales=["zh_Hans_CN"])


def chinese(message: str) -> str:
    return _chinese().gettext(message)


def _readable(message: str) -> str:
    return re.sub(r"%\((\w+)\)s", r"{\1}", message)


def recorded() -> dict[str, dict[str, list[str]]]:
    """`app/error_codes.json`: "METHOD /path" → {status: [codes]} as the test suite saw them."""
    if not ERROR_CODES_FILE.exists():
        return {}
    return json.loads(ERROR_CODES_FILE.read_text("utf-8"))


@dataclass(frozen=True)
class CodeRow:
    code: str
    statuses: tuple[int, ...]
    english: str
    chinese: str


@lru_cache(maxsize=1)
def error_codes() -> tuple[CodeRow, ...]:
    """The table: each code, its statuses (from the source and what the suite saw), meaning."""
    from app.core.i18n import HTTP_MESSAGES

    codes = scan()
    for statuses in recorded().values():
        for status, found in statuses.items():
            for code in found:
                codes.setdefault(code, ErrorCode(code)).statuses.add(int(status))
    rows = []
    for code in sorted(codes):
        entry = codes[code]
        statuses = tuple(sorted(entry.statuses))
        messages = entry.messages
        if entry.generic or not messages:
            generic = [HTTP_MESSAGES[s] for s in statuses if s in HTTP_MESSAGES][:1]
            messages = generic if entry.generic or generic else messages
        messages = messages[:3]
        rows.append(CodeRow(
            code=code, statuses=statuses,
            english=" / ".join(_readable(m) for m in messages),
            chinese=" / ".join(_readable(chinese(m)) for m in messages)))
    return tuple(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def error_code_table() -> str:
    lines = ["| code | HTTP | 含义 | meaning |", "| --- | --- | --- | --- |"]
    for row in error_codes():
        lines.append(f"| `{row.code}` | {', '.join(map(str, row.statuses)) or '—'} | "
                     f"{_cell(row.chinese)} | {_cell(row.english)} |")
    return "\n".join(lines)


OVERVIEW_FILE = Path(__file__).with_name("apidoc_overview.md")


def overview() -> str:
    return OVERVIEW_FILE.read_text("utf-8") + "\n" + error_code_table() + "\n"


def spec_options() -> dict:
    """The `API_SPEC_OPTIONS`: the overview and the code table as data (`x-error-codes`)."""
    return {
        "info": {"description": overview()},
        "x-error-codes": [{"code": row.code, "statuses": list(row.statuses),
                           "zh": row.chinese, "en": row.english} for row in error_codes()],
    }


# --- per-operation error codes --------------------------------------------------------------

def operation_key(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


# request bodies (and query parameters) of the main screens, shown in the document; a test
# holds each one valid against its operation's schema
EXAMPLES: dict[str, dict] = {
    "POST /api/v1/auth/wx-login": {"code": "0a3Xb1ll2m9Wf84gSjol2kKqCW1Xb1lP"},
    "POST /api/v1/auth/phone": {"code": "e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee34"},
    "POST /api/v1/memberships": {
        "org_id": 12, "real_name": "周强", "id_number": "32092219950301001X",
        "employer": "美团", "occupation": "骑手", "industry": "food_delivery"},
    "POST /api/v1/memberships/{membership_id}/decision": {"action": "approve", "version": 1},
    "POST /api/v1/projects/{project_id}/bids": {
        "plan": "组建工作专班，分三个阶段实施：调研、培训、就业对接。",
        "qualifications": "从事家政服务十年，带过 300 名学员。",
        "team": [{"name": "乔梅花", "role": "负责人"}], "requested_fen": 45_000_000},
    "POST /api/v1/projects/{project_id}/award": {"bid_id": 41, "version": 3},
    "POST /api/v1/aid/applications/{application_id}/decisions": {
        "action": "approve", "comment": "材料齐全，情况属实。", "version": 2},
    "POST /api/v1/stations/{station_id}/feedback": {
        "rating": 2, "text": "热水器坏了，什么时候修？"},
    "POST /api/v1/feedback/{feedback_id}/answer": {
        "answer": "已联系维修，周五前修好，谢谢反馈。", "version": 1},
}
PARAMETER_EXAMPLES: dict[str, dict] = {
    "GET /api/v1/stations/nearby": {"lat": 36.6171, "lng": 101.7782, "coord": "gcj02",
                                    "radius": 1000, "limit": 20},
}


class ErrorCodesPlugin(BasePlugin):
    """Writes each operation's recorded error codes into its responses, and the examples."""

    def __init__(self, codes: dict[str, dict[str, list[str]]] | None = None) -> None:
        self._codes = codes

    @property
    def codes(self) -> dict[str, dict[str, list[str]]]:
        if self._codes is None:
            self._codes = recorded()
        return self._codes

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for method, operation in (operations or {}).items():
            key = operation_key(method, path or "")
            add_examples(key, operation)
            found = self.codes.get(key)
            if not found:
                continue
            responses = operation.setdefault("responses", {})
            operation["x-error-codes"] = {status: list(codes) for status, codes in
                                          sorted(found.items())}
            for status, codes in sorted(found.items()):
                listed = ", ".join(f"`{code}`" for code in codes)
                key = next((k for k in responses if str(k) == status), status)
                response = responses.get(key)
                if response is None or isinstance(response, str) or "$ref" in response:
                    response = {"description": "",
                                "content": {"application/json": {
                                    "schema": {"$ref": ERROR_ENVELOPE_REF}}}}
                else:
                    response = dict(response)
                description = response.get("description") or ""
                response["description"] = (f"{description} — " if description else "") + \
                    f"error codes: {listed}"
                response["x-error-codes"] = list(codes)
                responses[key] = response


def add_examples(key: str, operation: dict) -> None:
    example = EXAMPLES.get(key)
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if example is not None and content is not None:
        content["example"] = example
    for parameter in operation.get("parameters", []):
        if not isinstance(parameter, dict):
            continue
        value = PARAMETER_EXAMPLES.get(key, {}).get(parameter.get("name"))
        if value is not None:
            parameter["example"] = value
