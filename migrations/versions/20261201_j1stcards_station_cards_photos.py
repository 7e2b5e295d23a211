"""stations: nearby cards for a list screen (rating counters in the read model), public
station photos with thumbnails

Revision ID: j1stcards
Revises: l1ratingonce
Create Date: 2026-12-01 13:30:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'j1stcards'
down_revision = 'l1ratingonce'
branch_labels = None
depends_on = None

OLD_INCLUDE = ['lat', 'station_id', 'services_mask', 'hours_id', 'closed_dates', 'card_key']


def upgrade():
    op.create_table('station_photos',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('station_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('uploaded_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('thumbnail_key', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('thumbnail_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_station_photos_station_id_stations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_station_photos_uploaded_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_station_photos')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_station_photos_storage_key')),
    sa.UniqueConstraint('thumbnail_key', name=op.f('uq_station_photos_thumbnail_key'))
    )
    op.create_index(op.f('ix_station_photos_station_id'), 'station_photos', ['station_id'], unique=False)
    # plain ALTER TABLE on both backends (a batch "recreate" could lose SQLite's WITHOUT ROWID)
    op.add_column('station_search', sa.Column('rating_sum', sa.BigInteger(), server_default='0',
                                              nullable=False))
    op.add_column('station_search', sa.Column('rating_count', sa.Integer(), server_default='0',
                                              nullable=False))
    op.drop_index('ix_station_search_cover', table_name='station_search')
    op.create_index('ix_station_search_cover', 'station_search', ['lat_cell', 'lng'],
                    unique=False,
                    postgresql_include=OLD_INCLUDE + ['rating_sum', 'rating_count'])
    conn = op.get_bind()
    # photos were free strings nobody could read: only ids of station_photos rows stay
    # (there are none yet), so every old value goes
    conn.execute(sa.text("UPDATE stations SET photos = :empty"), {"empty": json.dumps([])})
    from app.stations.search import rebuild_search  # the card's new shape
    rebuild_search(conn)


def downgrade():
    op.drop_index('ix_station_search_cover', table_name='station_search')
    op.create_index('ix_station_search_cover', 'station_search', ['lat_cell', 'lng'],
                    unique=False, postgresql_include=OLD_INCLUDE)
    op.execute("ALTER TABLE station_search DROP COLUMN rating_count")  # SQLite ≥ 3.35 too
    op.execute("ALTER TABLE station_search DROP COLUMN rating_sum")
    op.drop_index(op.f('ix_station_photos_station_id'), table_name='station_photos')
    op.drop_table('station_photos')
