"""One table of mini-program pages (app/core/pages.py): every page the backend links to
— subscribe and in-app messages, mini-program codes — comes from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.core.pages import PAGES, page_path

APP = Path(__file__).resolve().parents[2] / "app"
TABLE = APP / "core" / "pages.py"
SHAPE = re.compile(r"^(?P<domain>[a-z]+)/[a-z_]+$")


def _modules():
    for path in sorted(APP.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_no_module_writes_a_page_path_itself():
    found = []
    for path, tree in _modules():
        if path == TABLE:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and node.value.lstrip("/").startswith("pages/")):
                found.append(f"{path.relative_to(APP)}:{node.lineno}: {node.value!r}")
    assert found == []


def test_every_page_named_in_the_code_is_in_the_table():
    named, problems = [], []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "page_path"
                    and path != TABLE):
                first = node.args[0] if node.args else None
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    problems.append(f"{path.relative_to(APP)}:{node.lineno}: not a literal name")
                    continue
                named.append(first.value)
                if first.value not in PAGES:
                    problems.append(f"{path.relative_to(APP)}:{node.lineno}: {first.value!r}")
    assert problems == []
    assert {"aid/application", "members/detail", "projects/detail", "stations/detail",
            "stations/checkin", "workbench/index"} <= set(named)


def test_pages_are_named_after_the_domains():
    domains = {path.name for path in APP.iterdir() if (path / "__init__.py").exists()}
    for name in PAGES:
        match = SHAPE.match(name)
        assert match and match["domain"] in domains, name


def test_page_path_builds_the_query_and_refuses_unknown_pages():
    assert page_path("aid/application", id=7) == "pages/aid/application?id=7"
    assert page_path("stations/checkin") == "pages/stations/checkin"
    with pytest.raises(KeyError):
        page_path("aid/nowhere")


def test_the_station_code_opens_the_check_in_page_of_the_table():
    from app.stations.activity.checkins import MINIPROGRAM_PAGE

    assert page_path("stations/checkin") == MINIPROGRAM_PAGE
    assert "?" not in MINIPROGRAM_PAGE  # getwxacodeunlimit: no query, the data is the scene
