"""Privacy fixtures: the test tree, the aid world of tests/factories/aid, files in a temp dir."""

from __future__ import annotations

import pytest

from tests.factories.aid import AidWorld


@pytest.fixture(autouse=True)
def file_storage(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", str(tmp_path / "files"))
    return tmp_path / "files"


@pytest.fixture
def world(client, as_user, tree) -> AidWorld:
    return AidWorld(client, as_user, tree)


@pytest.fixture
def program(world) -> dict:
    return world.create_program()
