"""Keep each operation's documented error codes true.

Every response a test sees from the app (Flask's test client, schemathesis' calls) with an
error envelope is recorded as (operation, status, error.code). At the end of the session the
run fails when one of them is not in `app/error_codes.json` — the file the OpenAPI document
lists each operation's error codes from (`app/core/apidoc.py`). Under xdist each worker hands
what it saw to the controller, which checks (or records) the union.

`pytest --record-error-codes …` writes what the run saw into the file instead of failing
(operations no longer in the document are dropped); run the whole suite with it after an
endpoint changed, and commit the file.
"""

from __future__ import annotations

import gzip
import json
import re

import pytest
from flask import request, request_finished

from app.core import apidoc

SEEN: set[tuple[str, str, str]] = set()
CONTROLLER_SEEN: set[tuple[str, str, str]] = set()
RULE_PART = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
OPTION = "--record-error-codes"


def openapi_path(rule: str) -> str:
    """`/api/v1/projects/<int:project_id>` → `/api/v1/projects/{project_id}`."""
    return RULE_PART.sub(r"{\1}", rule)


def error_code_of(response) -> str | None:
    if (response.status_code < 400 or response.is_streamed or response.direct_passthrough
            or not response.is_json):
        return None
    data = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    try:
        body = json.loads(data)
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) else None


def record(sender, response, **extra) -> None:
    rule = request.url_rule
    if rule is None:  # no route matched: no operation to document it on
        return
    code = error_code_of(response)
    if code is not None:
        SEEN.add((apidoc.operation_key(request.method, openapi_path(rule.rule)),
                  str(response.status_code), code))


def pytest_addoption(parser) -> None:
    parser.addoption(OPTION, action="store_true",
                     help="write the error codes the run sees into app/error_codes.json")


def pytest_configure(config) -> None:
    request_finished.connect(record)


def pytest_unconfigure(config) -> None:
    request_finished.disconnect(record)


def pytest_testnodedown(node, error) -> None:
    """xdist controller: collect what a worker saw."""
    for item in getattr(node, "workeroutput", {}).get("error_codes_seen", []):
        CONTROLLER_SEEN.add(tuple(item))


def documented_operations() -> set[str]:
    from app import create_app
    from config import TestConfig

    settings = TestConfig()
    settings.SQLALCHEMY_DATABASE_URI = "sqlite://"
    spec = create_app(settings).test_client().get("/api/openapi.json").get_json()
    return {apidoc.operation_key(method, path) for path, item in spec["paths"].items()
            for method in item if method in ("get", "put", "post", "patch", "delete")}


def undocumented(seen: set[tuple[str, str, str]], documented: dict,
                 operations: set[str]) -> list[tuple[str, str, str]]:
    return sorted((operation, status, code) for operation, status, code in seen
                  if operation in operations
                  and code not in documented.get(operation, {}).get(status, []))


def merged(seen: set[tuple[str, str, str]], documented: dict, operations: set[str]) -> dict:
    """The file's content with what was seen added; operations no longer documented dropped."""
    codes: dict[str, dict[str, set[str]]] = {}
    for operation, statuses in documented.items():
        for status, found in statuses.items():
            codes.setdefault(operation, {}).setdefault(status, set()).update(found)
    for operation, status, code in seen:
        codes.setdefault(operation, {}).setdefault(status, set()).add(code)
    return {operation: {status: sorted(found) for status, found in sorted(statuses.items())}
            for operation, statuses in sorted(codes.items()) if operation in operations}


def dumps(content: dict) -> str:
    """One line per operation: a change to one operation is a one-line diff."""
    lines = [f"  {json.dumps(operation)}: {json.dumps(statuses)}"
             for operation, statuses in content.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: report to the controller
        workeroutput["error_codes_seen"] = sorted(SEEN)
        return
    seen = SEEN | CONTROLLER_SEEN
    if not seen:
        return
    documented = apidoc.recorded()
    operations = documented_operations()
    if session.config.getoption(OPTION):
        apidoc.ERROR_CODES_FILE.write_text(dumps(merged(seen, documented, operations)),
                                           "utf-8")
        return
    missing = undocumented(seen, documented, operations)
    if not missing:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.section("error codes the OpenAPI document does not list", sep="!", red=True)
        for operation, status, code in missing[:50]:
            reporter.write_line(f"{operation} → {status} {code}")
        reporter.write_line(f"{len(missing)} in all; run the tests with {OPTION} to add them "
                            f"to {apidoc.ERROR_CODES_FILE.name} (and commit it)")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
