"""stations

Revision ID: c1stations
Revises: b1aid
"""
from alembic import op
import sqlalchemy as sa


revision = 'c1stations'
down_revision = 'b1aid'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
