"""privacy: at most one scheduled deletion request per user

Revision ID: g1deletion
Revises: f1privacy
Create Date: 2026-11-25 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'g1deletion'
down_revision = 'f1privacy'
branch_labels = None
depends_on = None

SCHEDULED = sa.text("status = 'scheduled'")


def upgrade():
    with op.batch_alter_table('privacy_deletion_requests', schema=None) as batch_op:
        batch_op.create_index('uq_privacy_deletion_requests_scheduled', ['user_id'], unique=True,
                              postgresql_where=SCHEDULED, sqlite_where=SCHEDULED)


def downgrade():
    with op.batch_alter_table('privacy_deletion_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_privacy_deletion_requests_scheduled',
                            postgresql_where=SCHEDULED, sqlite_where=SCHEDULED)
