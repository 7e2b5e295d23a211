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
    op.create_table('aid_programs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('owner_org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('chain', sa.JSON(), nullable=False),
    sa.Column('budget_fen', sa.BigInteger(), nullable=False),
    sa.Column('reserved_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_fen', sa.BigInteger(), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('budget_fen >= 0', name=op.f('ck_aid_programs_budget_not_negative')),
    sa.CheckConstraint('opens_at < closes_at', name=op.f('ck_aid_programs_window')),
    sa.CheckConstraint('reserved_fen + paid_fen <= budget_fen', name=op.f('ck_aid_programs_within_budget')),
    sa.CheckConstraint('reserved_fen >= 0 AND paid_fen >= 0', name=op.f('ck_aid_programs_counters_not_negative')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_aid_programs_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_org_id'], ['orgs.id'], name=op.f('fk_aid_programs_owner_org_id_orgs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_programs'))
    )
    with op.batch_alter_table('aid_programs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_programs_owner_org_id'), ['owner_org_id'], unique=False)

    op.create_table('files',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('uploader_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("content_type IN ('image/jpeg', 'image/png', 'application/pdf')", name=op.f('ck_files_content_type')),
    sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_files_size_not_negative')),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_files_uploader_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_files')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_files_storage_key'))
    )
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_files_uploader_id'), ['uploader_id'], unique=False)

    op.create_table('aid_disbursement_batches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('program_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('paid_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'paid')", name=op.f('ck_aid_disbursement_batches_status')),
    sa.CheckConstraint('total_fen >= 0', name=op.f('ck_aid_disbursement_batches_total_not_negative')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_aid_disbursement_batches_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['paid_by'], ['users.id'], name=op.f('fk_aid_disbursement_batches_paid_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['program_id'], ['aid_programs.id'], name=op.f('fk_aid_disbursement_batches_program_id_aid_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_disbursement_batches'))
    )
    with op.batch_alter_table('aid_disbursement_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_disbursement_batches_program_id'), ['program_id'], unique=False)

    op.create_table('aid_program_orgs',
    sa.Column('program_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_aid_program_orgs_org_id_orgs')),
    sa.ForeignKeyConstraint(['program_id'], ['aid_programs.id'], name=op.f('fk_aid_program_orgs_program_id_aid_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('program_id', 'org_id', name=op.f('pk_aid_program_orgs'))
    )
    with op.batch_alter_table('aid_program_orgs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_program_orgs_org_id'), ['org_id'], unique=False)

    op.create_table('aid_applications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('program_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('applicant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entered_by_officer', sa.Boolean(), nullable=False),
    sa.Column('category_code', sa.String(length=32), nullable=False),
    sa.Column('tier_code', sa.String(length=32), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('beneficiary_name', sa.String(length=50), nullable=False),
    sa.Column('beneficiary_id_number', sa.Text(), nullable=False),
    sa.Column('beneficiary_id_hash', sa.String(length=64), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('school', sa.String(length=100), nullable=True),
    sa.Column('grade', sa.String(length=50), nullable=True),
    sa.Column('household_county', sa.String(length=100), nullable=False),
    sa.Column('bank_holder', sa.String(length=50), nullable=False),
    sa.Column('bank_name', sa.String(length=100), nullable=False),
    sa.Column('bank_account', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('step_org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('last_comment', sa.Text(), nullable=True),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("relation IN ('self', 'child', 'spouse', 'parent', 'sibling', 'grandchild', 'other')", name=op.f('ck_aid_applications_relation')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'returned', 'approved', 'rejected', 'withdrawn', 'paid')", name=op.f('ck_aid_applications_status')),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_aid_applications_amount_positive')),
    sa.ForeignKeyConstraint(['applicant_id'], ['users.id'], name=op.f('fk_aid_applications_applicant_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['batch_id'], ['aid_disbursement_batches.id'], name=op.f('fk_aid_applications_batch_id_aid_disbursement_batches'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_aid_applications_org_id_orgs')),
    sa.ForeignKeyConstraint(['program_id'], ['aid_programs.id'], name=op.f('fk_aid_applications_program_id_aid_programs')),
    sa.ForeignKeyConstraint(['step_org_id'], ['orgs.id'], name=op.f('fk_aid_applications_step_org_id_orgs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_applications'))
    )
    with op.batch_alter_table('aid_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_applications_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_applications_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_aid_applications_org_id', ['org_id'], unique=False)
        batch_op.create_index('ix_aid_applications_program_status', ['program_id', 'status'], unique=False)
        batch_op.create_index('ix_aid_applications_step_org_status', ['step_org_id', 'status'], unique=False)
        batch_op.create_index('uq_aid_applications_program_beneficiary', ['program_id', 'beneficiary_id_hash'], unique=True, postgresql_where=sa.text("status <> 'withdrawn'"), sqlite_where=sa.text("status <> 'withdrawn'"))

    op.create_table('aid_application_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('actor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_aid_application_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['application_id'], ['aid_applications.id'], name=op.f('fk_aid_application_events_application_id_aid_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_aid_application_events_org_id_orgs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_application_events'))
    )
    with op.batch_alter_table('aid_application_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_application_events_application_id'), ['application_id'], unique=False)

    op.create_table('aid_application_files',
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['aid_applications.id'], name=op.f('fk_aid_application_files_application_id_aid_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], name=op.f('fk_aid_application_files_file_id_files'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'file_id', name=op.f('pk_aid_application_files'))
    )
    with op.batch_alter_table('aid_application_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_application_files_file_id'), ['file_id'], unique=False)


def downgrade():
    with op.batch_alter_table('aid_application_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_application_files_file_id'))

    op.drop_table('aid_application_files')
    with op.batch_alter_table('aid_application_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_application_events_application_id'))

    op.drop_table('aid_application_events')
    with op.batch_alter_table('aid_applications', schema=None) as batch_op:
        batch_op.drop_index('uq_aid_applications_program_beneficiary', postgresql_where=sa.text("status <> 'withdrawn'"), sqlite_where=sa.text("status <> 'withdrawn'"))
        batch_op.drop_index('ix_aid_applications_step_org_status')
        batch_op.drop_index('ix_aid_applications_program_status')
        batch_op.drop_index('ix_aid_applications_org_id')
        batch_op.drop_index(batch_op.f('ix_aid_applications_batch_id'))
        batch_op.drop_index(batch_op.f('ix_aid_applications_applicant_id'))

    op.drop_table('aid_applications')
    with op.batch_alter_table('aid_program_orgs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_program_orgs_org_id'))

    op.drop_table('aid_program_orgs')
    with op.batch_alter_table('aid_disbursement_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_disbursement_batches_program_id'))

    op.drop_table('aid_disbursement_batches')
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_files_uploader_id'))

    op.drop_table('files')
    with op.batch_alter_table('aid_programs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_programs_owner_org_id'))

    op.drop_table('aid_programs')
