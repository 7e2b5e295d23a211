"""aid and members: a draft application holds no beneficiary slot, a pending membership no ID
number (issue 16 item 4: slot squatting)

Revision ID: l1squat
Revises: j1stcards
Create Date: 2026-12-01 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'l1squat'
down_revision = 'j1stcards'
branch_labels = None
depends_on = None

AID_OLD = "status <> 'withdrawn'"
AID_NEW = "status NOT IN ('draft', 'withdrawn')"
MEMBER_OLD = "status IN ('pending', 'approved')"
MEMBER_NEW = "status = 'approved'"


def _swap(table, name, columns, old, new):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_index(name, postgresql_where=sa.text(old), sqlite_where=sa.text(old))
        batch_op.create_index(name, columns, unique=True, postgresql_where=sa.text(new),
                              sqlite_where=sa.text(new))


def upgrade():
    _swap('aid_applications', 'uq_aid_applications_program_beneficiary',
          ['program_id', 'beneficiary_id_hash'], AID_OLD, AID_NEW)
    _swap('memberships', 'uq_memberships_live_id_number', ['id_number_hash'],
          MEMBER_OLD, MEMBER_NEW)


def downgrade():
    # fails where two drafts (or two pending memberships) share a beneficiary: clear them first
    _swap('aid_applications', 'uq_aid_applications_program_beneficiary',
          ['program_id', 'beneficiary_id_hash'], AID_NEW, AID_OLD)
    _swap('memberships', 'uq_memberships_live_id_number', ['id_number_hash'],
          MEMBER_NEW, MEMBER_OLD)
