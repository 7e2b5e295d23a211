"""Stations, their search index, check-ins, daily visits and feedback."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.core.db import BigIntPK, CreatedAtMixin
from app.core.time import UTCDateTime, utcnow
from app.extensions import db
from app.orgs.models import Org
from app.stations.vocab import HOST_TYPES, KINDS, STATUSES


class Station(CreatedAtMixin, db.Model):
    __tablename__ = "stations"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint(f"kind IN {tuple(KINDS)}", name="kind"),
        CheckConstraint(f"host_type IN {HOST_TYPES}", name="host_type"),
        Index("ix_stations_org_status", "org_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    host_type: Mapped[str] = mapped_column(String(24))
    partner_name: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    services: Mapped[list[str]] = mapped_column(JSON)
    opening_hours: Mapped[dict[str, Any]] = mapped_column(JSON)
    phone: Mapped[str | None] = mapped_column(String(32))
    # ids of StationPhoto rows of this station, in display order (the first is the card's)
    photos: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16))
    amap_poi_id: Mapped[str | None] = mapped_column(String(32))
    baidu_uid: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    org: Mapped[Org] = relationship(Org, lazy="select")
    # rating_average, rating_count: deferred column properties over visible feedback, defined
    # below Feedback; a list loads them inline with `undefer_group("rating")`


class StationSearchRow(db.Model):
    """Read model for nearby search: only active stations, ordered by 0.01° latitude band.

    The primary key (lat_cell, lng, station_id) makes one nearby query a short range scan per
    band. On SQLite the table is WITHOUT ROWID, so rows are stored in that order and the scan
    reads the station cards from a few neighbouring pages; on PostgreSQL the covering index
    (same order) answers the scan index-only and cards come from the process's card cache
    (or one read by station id for those it lacks). `card` is the station's response JSON
    without the per-request fields, built at write time.
    """

    __tablename__ = "station_search"
    __table_args__ = (
        Index("uq_station_search_station_id", "station_id", unique=True),
        Index("ix_station_search_cover", "lat_cell", "lng",
              postgresql_include=["lat", "station_id", "services_mask", "hours_id",
                                  "closed_dates", "card_key", "rating_sum", "rating_count"]),
        {"sqlite_with_rowid": False},
    )

    lat_cell: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    lng: Mapped[float] = mapped_column(Float, primary_key=True)
    station_id: Mapped[int] = mapped_column(
        ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    lat: Mapped[float] = mapped_column(Float)
    services_mask: Mapped[int] = mapped_column(BigInteger)
    hours_id: Mapped[int | None] = mapped_column(ForeignKey("station_hours.id"))
    closed_dates: Mapped[str | None] = mapped_column(Text)
    card: Mapped[str] = mapped_column(Text)
    # 64-bit hash of the card: a process may keep cards it has read and trust them while the
    # key matches (cards.CardCache); PostgreSQL then answers the scan from the index alone
    card_key: Mapped[int] = mapped_column(BigInteger, server_default="0")
    # visible ratings: counters moved by feedback in one atomic UPDATE (concurrent feedback
    # never loses one), so a new rating does not rewrite the card; nearby divides per request
    rating_sum: Mapped[int] = mapped_column(BigInteger, server_default="0")
    rating_count: Mapped[int] = mapped_column(Integer, server_default="0")



class StationSearchSeq(db.Model):
    """The change counter of `station_search` (one row, id 1): every write to the read model
    bumps it in the writer's transaction and logs the station in `station_search_changes` under
    the new value. The bump locks the row until commit, so changes commit in counter order: a
    process keeping an in-memory copy (search.index) reads this row per request and is never
    behind a write that has returned. `epoch` is drawn when the row is made: a new epoch (the
    table emptied, a restored backup) means "load everything again"."""

    __tablename__ = "station_search_seq"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    epoch: Mapped[int] = mapped_column(BigInteger)
    seq: Mapped[int] = mapped_column(BigInteger)


class StationSearchChange(db.Model):
    """One change of a station's read-model row, by counter value (old ones are pruned; a
    process further behind than what is kept loads everything again)."""

    __tablename__ = "station_search_changes"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    station_id: Mapped[int] = mapped_column(BigInteger)

class StationPhoto(CreatedAtMixin, db.Model):
    """A public station photo uploaded by the station's admins: re-encoded image and a
    thumbnail made at upload, both under generated storage keys. A photo never changes
    (a new picture is a new row), so its URLs are cached as immutable."""

    __tablename__ = "station_photos"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"),
                                            index=True)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                               ondelete="SET NULL"))
    content_type: Mapped[str] = mapped_column(String(32))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    thumbnail_key: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    thumbnail_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class HoursPattern(db.Model):
    """Distinct weekly opening patterns as minute-of-week bitmaps, shared by many stations."""

    __tablename__ = "station_hours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    mask: Mapped[bytes] = mapped_column(LargeBinary)


class Checkin(CreatedAtMixin, db.Model):
    __tablename__ = "station_checkins"
    __table_args__ = (
        # last line of defence for "one counted check-in per user, station and 10 minutes"
        UniqueConstraint("station_id", "user_id", "window"),
        Index("ix_station_checkins_user_station", "user_id", "station_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    window: Mapped[int] = mapped_column(BigInteger)


class VisitDay(db.Model):
    __tablename__ = "station_visit_days"

    station_id: Mapped[int] = mapped_column(
        ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)


FEEDBACK_STATUSES = ("visible", "in_review", "rejected")


class Feedback(CreatedAtMixin, db.Model):
    __tablename__ = "station_feedback"
    __table_args__ = (
        CheckConstraint(f"status IN {FEEDBACK_STATUSES}", name="status"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
        Index("ix_station_feedback_station_status", "station_id", "status"),
        # one rating per user per station counts: a new one supersedes the old (feedback.py)
        Index("uq_station_feedback_current", "station_id", "user_id", unique=True,
              postgresql_where=db.text("superseded_at IS NULL"),
              sqlite_where=db.text("superseded_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(SmallInteger)
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # set when the same user rated the station again: the text stays, the rating stops counting
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    station: Mapped[Station] = relationship(Station, lazy="select")


def _visible_feedback(column):
    return (select(column).where(Feedback.station_id == Station.id,
                                 Feedback.status == "visible", Feedback.superseded_at.is_(None))
            .correlate_except(Feedback).scalar_subquery())


# A station's rating over its visible feedback, each user's latest only: one correlated
# subquery each, loaded together on first access (one statement) or inline in a list's
# SELECT (`undefer_group("rating")`).
Station.rating_average = column_property(_visible_feedback(func.avg(Feedback.rating)),
                                         deferred=True, group="rating")
Station.rating_count = column_property(_visible_feedback(func.count(Feedback.id)),
                                       deferred=True, group="rating")
