"""Metadata of uploaded files; the bytes live in the storage backend under `storage_key`."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import BigIntPK, CreatedAtMixin
from app.extensions import db

CONTENT_TYPES = ("image/jpeg", "image/png", "application/pdf")


class StoredFile(CreatedAtMixin, db.Model):
    """One upload. `original_name` is display metadata only, never part of a path."""

    __tablename__ = "files"
    __table_args__ = (
        CheckConstraint(f"content_type IN {CONTENT_TYPES}", name="content_type"),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                             index=True)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
