"""Alembic environment: runs inside the Flask app (flask db …) with the app's engine."""

import logging

from alembic import context
from flask import current_app

from app.core.crypto import EncryptedString
from app.core.time import UTCDateTime

logger = logging.getLogger("alembic.env")
config = context.config
target_db = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    """Write our TypeDecorators as plain types so migrations never import app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, EncryptedString):
        return "sa.Text()"
    return False


def run_migrations_online() -> None:
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args["compare_type"] = True
    with target_db.engine.connect() as connection:
        conf_args["render_as_batch"] = connection.dialect.name == "sqlite"
        context.configure(
            connection=connection,
            target_metadata=target_db.metadata,
            render_item=render_item,
            **conf_args,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `flask db upgrade`")
run_migrations_online()
