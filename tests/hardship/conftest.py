"""Hardship fixtures: the test tree, the county's settings, files stored in a temp dir."""

from __future__ import annotations

import pytest

from tests.factories.hardship import put_settings


@pytest.fixture(autouse=True)
def file_storage(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", str(tmp_path / "files"))
    return tmp_path / "files"


@pytest.fixture
def county(client, as_user, tree):
    """The tree with the county's 低保 line (800 yuan) and a 5-working-day notice."""
    response = put_settings(client, as_user, tree)
    assert response.status_code == 200, response.get_json()
    return tree
