"""auth: refresh_tokens.replaced_by (the successor of a spent refresh token, for the grace window)

Revision ID: k1refreshgrace
Revises: j1avatar
Create Date: 2026-12-01 13:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'k1refreshgrace'
down_revision = 'j1avatar'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('refresh_tokens', sa.Column('replaced_by', sa.String(length=36), nullable=True))


def downgrade():
    op.execute("ALTER TABLE refresh_tokens DROP COLUMN replaced_by")  # SQLite ≥ 3.35 too
