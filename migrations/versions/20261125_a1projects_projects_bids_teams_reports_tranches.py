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
    op.create_table('projects',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('goals', sa.JSON(), nullable=False),
    sa.Column('actuals', sa.JSON(), nullable=False),
    sa.Column('budget_fen', sa.BigInteger(), nullable=False),
    sa.Column('granted_fen', sa.BigInteger(), nullable=False),
    sa.Column('released_fen', sa.BigInteger(), nullable=False),
    sa.Column('bid_deadline', sa.Date(), nullable=False),
    sa.Column('bids_close_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('leader_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('winner_bid_id', sa.BigInteger(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('survey_answers', sa.Integer(), nullable=False),
    sa.Column('survey_satisfied', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('awarded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("category IN ('employment', 'skills', 'culture', 'rights', 'care', 'safety', 'services', 'other')", name=op.f('ck_projects_category')),
    sa.CheckConstraint("status IN ('draft', 'published', 'awarded', 'in_progress', 'under_review', 'completed', 'failed', 'cancelled')", name=op.f('ck_projects_status')),
    sa.CheckConstraint('budget_fen >= 0', name=op.f('ck_projects_budget_not_negative')),
    sa.CheckConstraint('released_fen >= 0 AND released_fen <= budget_fen', name=op.f('ck_projects_released')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_projects_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['leader_id'], ['users.id'], name=op.f('fk_projects_leader_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_projects_org_id_orgs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index('ix_projects_org_status', ['org_id', 'status'], unique=False)

    op.create_table('project_bids',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bidder_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('qualifications', sa.Text(), nullable=False),
    sa.Column('team', sa.JSON(), nullable=False),
    sa.Column('requested_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('submitted', 'withdrawn', 'won', 'lost')", name=op.f('ck_project_bids_status')),
    sa.CheckConstraint('requested_fen >= 0', name=op.f('ck_project_bids_requested_not_negative')),
    sa.ForeignKeyConstraint(['bidder_id'], ['users.id'], name=op.f('fk_project_bids_bidder_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_bids_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_bids'))
    )
    with op.batch_alter_table('project_bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_bids_bidder_id'), ['bidder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_bids_project_id'), ['project_id'], unique=False)
        batch_op.create_index('uq_project_bids_live_bidder', ['project_id', 'bidder_id'], unique=True, postgresql_where=sa.text("status <> 'withdrawn'"), sqlite_where=sa.text("status <> 'withdrawn'"))
        batch_op.create_index('uq_project_bids_winner', ['project_id'], unique=True, postgresql_where=sa.text("status = 'won'"), sqlite_where=sa.text("status = 'won'"))

    op.create_table('project_evaluations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('evaluator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('completed', 'failed', 'rework')", name=op.f('ck_project_evaluations_outcome')),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_project_evaluations_score')),
    sa.ForeignKeyConstraint(['evaluator_id'], ['users.id'], name=op.f('fk_project_evaluations_evaluator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_evaluations_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_evaluations'))
    )
    with op.batch_alter_table('project_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_evaluations_project_id'), ['project_id'], unique=False)

    op.create_table('project_reports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('actuals', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('photo_file_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_project_reports_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_reports_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_reports'))
    )
    with op.batch_alter_table('project_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_reports_project_id'), ['project_id'], unique=False)

    op.create_table('project_survey_answers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('satisfied', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_survey_answers_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_project_survey_answers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_survey_answers')),
    sa.UniqueConstraint('project_id', 'user_id', name=op.f('uq_project_survey_answers_project_id_user_id'))
    )
    with op.batch_alter_table('project_survey_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_survey_answers_user_id'), ['user_id'], unique=False)

    op.create_table('project_team',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('duty', sa.String(length=100), nullable=True),
    sa.Column('added_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('leader', 'working_group', 'instructor', 'volunteer')", name=op.f('ck_project_team_role')),
    sa.ForeignKeyConstraint(['added_by'], ['users.id'], name=op.f('fk_project_team_added_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_team_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_project_team_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_team')),
    sa.UniqueConstraint('project_id', 'user_id', 'role', name=op.f('uq_project_team_project_id_user_id_role'))
    )
    with op.batch_alter_table('project_team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_team_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_team_user_id'), ['user_id'], unique=False)

    op.create_table('project_tranches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('milestone', sa.String(length=200), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('released_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_project_tranches_amount_positive')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_tranches_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['released_by'], ['users.id'], name=op.f('fk_project_tranches_released_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_tranches'))
    )
    with op.batch_alter_table('project_tranches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_tranches_project_id'), ['project_id'], unique=False)

    op.create_table('project_volunteer_hours',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('worked_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('logged_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_project_volunteer_hours_minutes_positive')),
    sa.ForeignKeyConstraint(['logged_by'], ['users.id'], name=op.f('fk_project_volunteer_hours_logged_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_volunteer_hours_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_member_id'], ['project_team.id'], name=op.f('fk_project_volunteer_hours_team_member_id_project_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_volunteer_hours'))
    )
    with op.batch_alter_table('project_volunteer_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_volunteer_hours_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_volunteer_hours_team_member_id'), ['team_member_id'], unique=False)


def downgrade():
    op.drop_table('project_volunteer_hours')
    op.drop_table('project_tranches')
    op.drop_table('project_team')
    op.drop_table('project_survey_answers')
    op.drop_table('project_reports')
    op.drop_table('project_evaluations')
    op.drop_table('project_bids')
    op.drop_table('projects')
