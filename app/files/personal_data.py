"""Files in the export: the person's uploads (metadata; the bytes are downloaded one by one).
Uploads are erased by the domain that holds them (aid deletes the certificates attached to
the person's applications), since only it knows whether a file is still needed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.core.personal_data import PersonalData, row
from app.extensions import db
from app.files.models import StoredFile


def export(user_id: int) -> dict[str, Any]:
    return {"files": [row(f, ("id", "original_name", "content_type", "size_bytes",
                              "created_at")) for f in db.session.scalars(
        select(StoredFile).where(StoredFile.uploader_id == user_id).order_by(StoredFile.id))]}


PERSONAL_DATA = PersonalData(domain="files", export=export)
