"""notify: outbox.credit_held (the spent credit stays with its row across a crashed send)

Revision ID: l1outboxcredit
Revises: l1squat
Create Date: 2026-12-01 13:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'l1outboxcredit'
down_revision = 'l1squat'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('outbox', sa.Column('credit_held', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    op.execute("ALTER TABLE outbox DROP COLUMN credit_held")  # SQLite ≥ 3.35 too
