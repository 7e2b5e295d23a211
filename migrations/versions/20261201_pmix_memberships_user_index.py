"""memberships: an index on user_id (a user's memberships of any status)

Revision ID: pmix_member_user
Revises: be21pause
Create Date: 2026-12-01 18:30:00

"""
from alembic import op

revision = 'pmix_member_user'
down_revision = 'be21pause'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_memberships_user_id', 'memberships', ['user_id'], unique=False)


def downgrade():
    op.drop_index('ix_memberships_user_id', table_name='memberships')
