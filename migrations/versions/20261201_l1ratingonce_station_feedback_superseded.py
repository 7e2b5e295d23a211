"""stations: station_feedback.superseded_at, one current rating per user per station

Revision ID: l1ratingonce
Revises: k1nogap
Create Date: 2026-12-01 13:45:00.000000

A user's earlier feedback on a station is marked superseded by their latest (it keeps its text
and answer; only the latest rating counts), then the partial unique index holds the rule.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'l1ratingonce'
down_revision = 'k1nogap'
branch_labels = None
depends_on = None

CURRENT = "superseded_at IS NULL"


def upgrade():
    op.add_column('station_feedback', sa.Column('superseded_at', sa.DateTime(timezone=True),
                                                nullable=True))
    op.execute("""
        UPDATE station_feedback SET superseded_at = (
            SELECT max(later.created_at) FROM station_feedback later
            WHERE later.station_id = station_feedback.station_id
              AND later.user_id = station_feedback.user_id)
        WHERE id NOT IN (SELECT max(id) FROM station_feedback GROUP BY station_id, user_id)
    """)
    op.create_index('uq_station_feedback_current', 'station_feedback', ['station_id', 'user_id'],
                    unique=True, postgresql_where=sa.text(CURRENT),
                    sqlite_where=sa.text(CURRENT))


def downgrade():
    op.drop_index('uq_station_feedback_current', table_name='station_feedback')
    op.execute("ALTER TABLE station_feedback DROP COLUMN superseded_at")  # SQLite ≥ 3.35 too
