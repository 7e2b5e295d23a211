"""Privacy reaches other domains' tables only through the personal-data registry."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"


def imported_modules(package: str) -> set[str]:
    found = set()
    for path in (APP / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("domain", ["aid", "projects", "stations", "members", "notify"])
def test_privacy_imports_no_domain_that_registers_personal_data(domain):
    assert not {m for m in imported_modules("privacy")
                if m == f"app.{domain}" or m.startswith(f"app.{domain}.")}


def test_core_imports_no_domain():
    domains = {p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()
               and p.name != "core"}
    assert not {m for m in imported_modules("core")
                if m.split(".")[:2][-1] in domains and m.startswith("app.")}


def test_the_domains_sections_make_up_the_documented_export(app, client, as_user):
    from app.core.personal_data import export_sections, registered
    from app.privacy.schemas import DataExport

    user_id = client.get("/api/v1/me", headers=as_user("someone")).get_json()["id"]
    assert {"auth", "orgs", "members", "aid", "projects", "stations", "notify",
            "files"} <= {entry.domain for entry in registered()}
    with app.app_context():
        sections = set(export_sections(user_id))
    assert sections | {"consents", "deletion_request"} == set(DataExport().fields)
