"""Migrations build the schema from empty, match the models, and go back down to base."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db
from tests.conftest import build_app, create_postgres_database, drop_postgres_database


def _diff(application):
    with application.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


@pytest.mark.postgres
def test_postgres_upgrade_matches_models_and_downgrades_to_base(fake_wechat):
    url = create_postgres_database("gonghui_migr")
    try:
        application = build_app(url, fake_wechat.url)
        with application.app_context():
            upgrade()
            assert _diff(application) == []
            downgrade(revision="base")
            tables = set(inspect(db.engine).get_table_names())
            assert tables <= {"alembic_version"}
            upgrade()
            db.engine.dispose()
    finally:
        drop_postgres_database(url)


def test_sqlite_upgrade_from_empty_matches_models(fake_wechat, tmp_path):
    application = build_app(f"sqlite:///{tmp_path / 'm.db'}", fake_wechat.url)
    with application.app_context():
        upgrade()
        assert _diff(application) == []
        downgrade(revision="base")
        db.engine.dispose()
