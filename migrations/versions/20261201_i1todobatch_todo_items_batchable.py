"""workbench: todo_items.batchable (the card offers a batch only where the batch accepts it)

Revision ID: i1todobatch
Revises: h1cardkey
Create Date: 2026-12-01 11:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i1todobatch'
down_revision = 'h1cardkey'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('todo_items', sa.Column('batchable', sa.Boolean(), server_default=sa.true(),
                                          nullable=False))
    # open final-step aid items: the batch refuses them (final_step_not_batchable);
    # json_array_length is the same function on SQLite and PostgreSQL (chain is json)
    op.execute(
        "UPDATE todo_items SET batchable = false WHERE kind = 'aid_application' AND EXISTS ("
        "SELECT 1 FROM aid_applications a JOIN aid_programs p ON p.id = a.program_id "
        "WHERE a.id = todo_items.object_id AND a.step IS NOT NULL "
        "AND a.step = json_array_length(p.chain) - 1)"
    )


def downgrade():
    op.execute("ALTER TABLE todo_items DROP COLUMN batchable")  # SQLite ≥ 3.35 too
