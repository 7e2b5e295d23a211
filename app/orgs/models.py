"""Orgs (materialized path) and officer role grants."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.db import BigIntPK, CreatedAtMixin
from app.core.i18n import N_
from app.core.roles import ALL_ROLES
from app.core.time import UTCDateTime, utcnow
from app.extensions import db

LEVELS = ("province", "city", "county", "town", "village")
LEVEL_LABELS = {"province": N_("Province"), "city": N_("City"), "county": N_("County"),
                "town": N_("Town"), "village": N_("Village")}
ROLES = ALL_ROLES
# Byte order must hold for the path range scan, so PostgreSQL compares paths in the C collation.
PathType = String(255).with_variant(String(255, collation="C"), "postgresql")


class Org(CreatedAtMixin, db.Model):
    """A union org. `path` is "/<root id>/…/<own id>/": a subtree is one index range scan."""

    __tablename__ = "orgs"
    __table_args__ = (
        CheckConstraint(f"level IN {LEVELS}", name="level"),
        Index("ix_orgs_path", "path", unique=True),
        # the picker's name search (`name LIKE '%q%'`): a trigram index on PostgreSQL
        Index("ix_orgs_name_trgm", "name", postgresql_using="gin",
              postgresql_ops={"name": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str | None] = mapped_column(String(12))
    path: Mapped[str] = mapped_column(PathType)
    depth: Mapped[int] = mapped_column(Integer)

    # what the picker shows, set by `orgs.service.for_picker` for the orgs of one answer
    has_children = None  # bool
    path_names = None  # list[str], from the root down to the org itself

    @property
    def path_ids(self) -> list[int]:
        """The ids from the root down to the org itself, read off the path."""
        return [int(part) for part in self.path.strip("/").split("/")]


class OfficerRole(db.Model):
    """A user's role on one org; its power reaches the org's whole subtree."""

    __tablename__ = "officer_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "org_id", "role"),
        CheckConstraint(f"role IN {ROLES}", name="role"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(User, foreign_keys=[user_id])
    org: Mapped[Org] = relationship(Org)
