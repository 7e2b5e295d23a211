"""orgs: name search for the cascading picker (a trigram index on PostgreSQL)

Revision ID: j1orgname
Revises: k1refreshgrace
Create Date: 2026-12-01 13:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'j1orgname'
down_revision = 'k1refreshgrace'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # a trusted extension since PostgreSQL 13: the database owner may create it
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index("ix_orgs_name_trgm", "orgs", ["name"], postgresql_using="gin",
                    postgresql_ops={"name": "gin_trgm_ops"})


def downgrade():
    op.drop_index("ix_orgs_name_trgm", table_name="orgs")
