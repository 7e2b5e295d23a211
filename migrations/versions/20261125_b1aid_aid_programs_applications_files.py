"""aid programs, applications, files

Revision ID: b1aid
Revises: a1projects
"""
from alembic import op
import sqlalchemy as sa


revision = 'b1aid'
down_revision = 'a1projects'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
