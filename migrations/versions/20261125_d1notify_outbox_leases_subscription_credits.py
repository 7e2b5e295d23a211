"""outbox leases and subscription credits

Revision ID: d1notify
Revises: c1stations
"""
from alembic import op
import sqlalchemy as sa


revision = 'd1notify'
down_revision = 'c1stations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'subscription_credits',
        sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  nullable=False),
        sa.Column('template_id', sa.String(length=64), nullable=False),
        sa.Column('credits', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('credits >= 0', name=op.f('ck_subscription_credits_credits')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_subscription_credits_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'template_id', name=op.f('pk_subscription_credits')),
    )


def downgrade():
    op.drop_table('subscription_credits')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
