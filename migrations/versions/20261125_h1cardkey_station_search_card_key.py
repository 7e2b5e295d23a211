"""stations: station_search.card_key (hash of the card) in the covering index

Revision ID: h1cardkey
Revises: g1deletion
Create Date: 2026-11-25 15:30:00.000000

"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h1cardkey'
down_revision = 'g1deletion'
branch_labels = None
depends_on = None

OLD_INCLUDE = ['lat', 'station_id', 'services_mask', 'hours_id', 'closed_dates']


def card_key(card: str) -> int:
    """The same hash as app.stations.search.card_key (copied: a migration must not import the
    application)."""
    return int.from_bytes(hashlib.blake2b(card.encode(), digest_size=8).digest(), "big",
                          signed=True)


def upgrade():
    # plain ALTER TABLE on both backends (a batch "recreate" could lose SQLite's WITHOUT ROWID)
    op.add_column('station_search', sa.Column('card_key', sa.BigInteger(), server_default='0',
                                              nullable=False))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT station_id, card FROM station_search")).all()
    fill = sa.text("UPDATE station_search SET card_key = :key WHERE station_id = :id")
    for start in range(0, len(rows), 10_000):
        conn.execute(fill, [{"key": card_key(card), "id": station_id}
                            for station_id, card in rows[start:start + 10_000]])
    op.drop_index('ix_station_search_cover', table_name='station_search')
    op.create_index('ix_station_search_cover', 'station_search', ['lat_cell', 'lng'],
                    unique=False, postgresql_include=OLD_INCLUDE + ['card_key'])


def downgrade():
    op.drop_index('ix_station_search_cover', table_name='station_search')
    op.create_index('ix_station_search_cover', 'station_search', ['lat_cell', 'lng'],
                    unique=False, postgresql_include=OLD_INCLUDE)
    op.execute("ALTER TABLE station_search DROP COLUMN card_key")  # SQLite ≥ 3.35 too
