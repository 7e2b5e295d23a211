"""stations: change counter and log of station_search (the in-process nearby index)

Revision ID: pnear1
Revises: pmix_member_user
Create Date: 2026-12-01 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'pnear1'
down_revision = 'pmix_member_user'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'station_search_seq',
        sa.Column('id', sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column('epoch', sa.BigInteger(), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_station_search_seq')),
    )
    op.create_table(
        'station_search_changes',
        sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('station_id', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_station_search_changes')),
    )


def downgrade():
    op.drop_table('station_search_changes')
    op.drop_table('station_search_seq')
