"""cards: signing keys in the database (rotation); benefits: campaigns picked up with the
member card

Revision ID: be20cardkeys
Revises: m1benefits
Create Date: 2026-12-01 18:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'be20cardkeys'
down_revision = 'm1benefits'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('card_signing_keys',
    sa.Column('kid', sa.String(length=32), nullable=False),
    sa.Column('seed', sa.Text(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('not_after', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('is_current OR not_after IS NOT NULL',
                       name=op.f('ck_card_signing_keys_retired_has_not_after')),
    sa.PrimaryKeyConstraint('kid', name=op.f('pk_card_signing_keys'))
    )
    with op.batch_alter_table('card_signing_keys', schema=None) as batch_op:
        batch_op.create_index('uq_card_signing_keys_current', ['is_current'], unique=True,
                              sqlite_where=sa.text('is_current'),
                              postgresql_where=sa.text('is_current'))
    with op.batch_alter_table('benefit_campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_pickup', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('benefit_campaigns', schema=None) as batch_op:
        batch_op.drop_column('card_pickup')
    with op.batch_alter_table('card_signing_keys', schema=None) as batch_op:
        batch_op.drop_index('uq_card_signing_keys_current',
                            sqlite_where=sa.text('is_current'),
                            postgresql_where=sa.text('is_current'))
    op.drop_table('card_signing_keys')
