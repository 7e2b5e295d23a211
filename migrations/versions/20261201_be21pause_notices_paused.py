"""notices: an objection pauses the notice period (paused_on, paused_working_days)

Revision ID: be21pause
Revises: be20cardkeys
Create Date: 2026-12-01 18:30:00.000000

While an objection is open the notice's clock stops: `paused_on` is the Shanghai day the
first open objection was lodged; when the last one is dismissed the end date moves by the
working days the pause took (`paused_working_days` adds them up). A notice open with an
objection at upgrade time starts its pause on the day that objection was lodged.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'be21pause'
down_revision = 'be20cardkeys'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('notices', sa.Column('paused_on', sa.Date(), nullable=True))
    op.add_column('notices', sa.Column('paused_working_days', sa.Integer(), nullable=False,
                                       server_default='0'))
    # the first open objection's day (PostgreSQL: in Shanghai; SQLite: its UTC date)
    day = ("date(o.created_at)" if op.get_bind().dialect.name == "sqlite"
           else "CAST(o.created_at AT TIME ZONE 'Asia/Shanghai' AS DATE)")
    op.execute(f"""
        UPDATE notices SET paused_on = (
            SELECT min({day}) FROM notice_objections o
            WHERE o.notice_id = notices.id AND o.status = 'open')
        WHERE status = 'open' AND open_objections > 0
    """)


def downgrade():
    op.execute("ALTER TABLE notices DROP COLUMN paused_working_days")  # SQLite ≥ 3.35 too
    op.execute("ALTER TABLE notices DROP COLUMN paused_on")
