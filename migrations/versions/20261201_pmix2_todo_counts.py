"""workbench: todo_counts (badge counts per role, org path and kind) and an index on
todo_items.waiting_since (the counts subtract items whose waiting has not begun)

Revision ID: pmix2_todo_counts
Revises: pnear1
Create Date: 2026-12-01 19:25:00

"""

import sqlalchemy as sa
from alembic import op

revision = "pmix2_todo_counts"
down_revision = "pnear1"
branch_labels = None
depends_on = None


def upgrade():
    path = sa.String(255).with_variant(sa.String(255, collation="C"), "postgresql")
    op.create_table(
        "todo_counts",
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("org_path", path, nullable=False),
        sa.Column("exact_org", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "role", "org_path", "exact_org", "kind", name=op.f("pk_todo_counts")
        ),
    )
    op.create_index("ix_todo_items_waiting_since", "todo_items", ["waiting_since"])
    op.execute(
        "INSERT INTO todo_counts (role, org_path, exact_org, kind, items) "
        "SELECT role, org_path, exact_org, kind, count(*) FROM todo_items "
        "GROUP BY role, org_path, exact_org, kind"
    )


def downgrade():
    op.drop_index("ix_todo_items_waiting_since", table_name="todo_items")
    op.drop_table("todo_counts")
