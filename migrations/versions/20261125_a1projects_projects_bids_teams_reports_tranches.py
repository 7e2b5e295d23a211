"""揭榜挂帅 projects

Revision ID: a1projects
Revises: 3296523235e3
"""
from alembic import op
import sqlalchemy as sa


revision = 'a1projects'
down_revision = '3296523235e3'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
