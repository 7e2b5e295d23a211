"""Aid fixtures: the test tree plus a province approver, files stored in a temp dir."""

from __future__ import annotations

import pytest

from tests.factories.aid import AidWorld


@pytest.fixture(autouse=True)
def file_storage(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", str(tmp_path / "files"))
    return tmp_path / "files"


@pytest.fixture
def aid_tree(app, tree):
    """The shared tree with `prov_approver` (approver on the province) added."""
    from app.extensions import db
    from app.orgs import service
    from tests.helpers import make_user

    with app.app_context():
        user = make_user("prov_approver")
        service.grant_role(actor_id=None, org_id=tree["province"], role="approver",
                           user_id=user.id)
        tree.ids["prov_approver"] = user.id
        db.session.commit()
    return tree


@pytest.fixture
def world(client, as_user, aid_tree) -> AidWorld:
    return AidWorld(client, as_user, aid_tree)


@pytest.fixture
def program(world) -> dict:
    return world.create_program()
