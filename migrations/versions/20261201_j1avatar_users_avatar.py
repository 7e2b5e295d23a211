"""auth: users.avatar_file_id and avatar_token (the profile picture, served publicly)

Revision ID: j1avatar
Revises: i1todobatch
Create Date: 2026-12-01 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'j1avatar'
down_revision = 'i1todobatch'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('avatar_file_id', sa.BigInteger(), nullable=True))
    op.add_column('users', sa.Column('avatar_token', sa.String(length=32), nullable=True))
    op.create_index('uq_users_avatar_token', 'users', ['avatar_token'], unique=True)


def downgrade():
    op.drop_index('uq_users_avatar_token', table_name='users')
    op.execute("ALTER TABLE users DROP COLUMN avatar_token")  # SQLite ≥ 3.35 too
    op.execute("ALTER TABLE users DROP COLUMN avatar_file_id")
