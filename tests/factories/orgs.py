"""Org tree builders beyond the shared `tree` fixture: extra orgs and role grants, made
through the public org service the way an operator would (flushed and committed here)."""

from __future__ import annotations

from app.extensions import db
from app.orgs import service
from tests.helpers import make_user


def other_province_county(app) -> int:
    """A province outside the test tree with one county; returns the county's id."""
    with app.app_context():
        root = service.create_root_org(name="别省总工会", level="province")
        county = service.add_org(root, name="别县", level="county")
        db.session.commit()
        return county.id


def officer(app, name: str, org_id: int, role: str) -> int:
    """A new user `name` (log in as them with as_user(name)) holding `role` on `org_id`."""
    with app.app_context():
        user = make_user(name)
        service.grant_role(actor_id=None, org_id=org_id, role=role, user_id=user.id)
        db.session.commit()
        return user.id
