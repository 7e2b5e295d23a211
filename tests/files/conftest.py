"""File tests store uploads in a temp dir."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def file_storage(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", str(tmp_path / "files"))
    return tmp_path / "files"
