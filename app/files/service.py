"""Upload and download rules: size limit, content check, random names, who may read a file."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from sqlalchemy import delete, func, select, text

from app.core import audit
from app.core.db import dialect_name
from app.errors import NotFound, PayloadTooLarge
from app.extensions import db
from app.files.content import DEFAULT_MAX_DECODED_BYTES, EXTENSIONS, clean, display_name
from app.files.models import StoredFile
from app.files.storage import StorageUnavailable, get_storage

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
log = logging.getLogger(__name__)
DEFAULT_QUOTA_BYTES = 200 * 1024 * 1024
MB = 1024 * 1024

# Other domains say who else may read a file they hold (e.g. officers over an application):
# rule(actor_id, file_id) → the id of the org the reader acts for (the read is audited under
# it, so it shows in that org's access review), or None. Files never imports those domains.
AccessRule = Callable[[int, int], int | None]
ACCESS_RULES: list[AccessRule] = []


def add_access_rule(rule: AccessRule) -> None:
    """Register a domain's "may this user read this file" check (from its `hooks.py`)."""
    if rule not in ACCESS_RULES:
        ACCESS_RULES.append(rule)


def max_bytes() -> int:
    return int(current_app.config.get("FILE_MAX_BYTES") or DEFAULT_MAX_BYTES)


def quota_bytes() -> int:
    return int(current_app.config.get("FILE_QUOTA_BYTES") or DEFAULT_QUOTA_BYTES)


def used_bytes(user_id: int) -> int:
    """What the user's uploads take in storage now."""
    return int(db.session.scalar(select(func.coalesce(func.sum(StoredFile.size_bytes), 0))
                                 .where(StoredFile.uploader_id == user_id)))


def check_quota(user_id: int, adding: int) -> None:
    """413 `storage_quota_exceeded` when `adding` bytes more would pass the user's quota. On
    PostgreSQL the user's row stays locked until the upload commits, so uploads at once are
    counted one after the other (SQLite, one embedded process, has no such lock)."""
    if dialect_name() == "postgresql":  # two uploads at once: the second sums after the first
        db.session.execute(text("SELECT id FROM users WHERE id = :id FOR UPDATE"),
                           {"id": user_id})
    quota, used = quota_bytes(), used_bytes(user_id)
    if used + adding > quota:
        raise PayloadTooLarge(
            "Your files take %(used_mb)s MB of the %(quota_mb)s MB each account may store, "
            "and this file needs %(size_mb)s MB more; upload a smaller file or ask your union "
            "to remove documents that are no longer needed.",
            params={"used_mb": f"{used / MB:.1f}", "quota_mb": f"{quota / MB:.1f}",
                    "size_mb": f"{adding / MB:.1f}"},
            code="storage_quota_exceeded",
            details={"used_bytes": used, "quota_bytes": quota, "file_bytes": adding})


def upload(*, actor_id: int, stream: BinaryIO, filename: str | None) -> StoredFile:
    """Check, clean and store one upload; the client's name is kept only as a label. A user's
    files together stay within FILE_QUOTA_BYTES (the size as stored, after re-encoding)."""
    limit = max_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge("Files may be at most %(max_kb)s KB.",
                              params={"max_kb": limit // 1024}, details={"max_bytes": limit})
    cleaned, content_type = clean(data, max_decoded_bytes=int(
        current_app.config.get("IMAGE_MAX_DECODED_BYTES") or DEFAULT_MAX_DECODED_BYTES))
    check_quota(actor_id, len(cleaned))
    key = f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"
    record = StoredFile(
        uploader_id=actor_id, storage_key=key, original_name=display_name(filename, content_type),
        content_type=content_type, size_bytes=len(cleaned),
        sha256=hashlib.sha256(cleaned).hexdigest(),
    )
    db.session.add(record)
    db.session.flush()
    audit.record(actor_id=actor_id, action="file.upload", target_type="file",
                 target_id=record.id, after={"content_type": content_type,
                                             "size_bytes": len(cleaned)})
    get_storage().save(key, cleaned)
    try:
        db.session.commit()
    except Exception:
        with contextlib.suppress(StorageUnavailable):  # orphan bytes, not a hidden DB error
            get_storage().delete(key)
        raise
    return record


def reader_org(actor_id: int, stored: StoredFile) -> int | None:
    """The org through which a domain lets this user read someone else's file, if any."""
    for rule in ACCESS_RULES:
        org_id = rule(actor_id, stored.id)
        if org_id is not None:
            return org_id
    return None


@dataclass
class Readable:
    """A file the actor may read: their own upload (`via_org_id` None) or one another domain
    lets them read for an org."""

    file: StoredFile
    via_org_id: int | None


def get_file(actor_id: int, file_id: int) -> Readable:
    """The file for its uploader or a reader an access rule allows; 404 for everyone else
    (nobody learns that it exists)."""
    stored = db.session.get(StoredFile, file_id)
    if stored is None:
        raise NotFound("No such file.")
    if stored.uploader_id == actor_id:
        return Readable(stored, None)
    org_id = reader_org(actor_id, stored)
    if org_id is None:
        raise NotFound("No such file.")
    return Readable(stored, org_id)


def download(*, actor_id: int, file_id: int) -> tuple[StoredFile, bytes]:
    """The file and its bytes; a read by anyone but the uploader is audited under the org
    they read it for."""
    readable = get_file(actor_id, file_id)
    stored = readable.file
    try:
        data = get_storage().load(stored.storage_key)
    except FileNotFoundError:
        raise NotFound("The file's content is gone.") from None
    if readable.via_org_id is not None:
        audit.record(actor_id=actor_id, actor_role="officer", action="file.read",
                     target_type="file", target_id=stored.id, org_id=readable.via_org_id,
                     field="document")
        db.session.commit()
    return stored, data


def owned_files(*, actor_id: int, file_ids: list[int]) -> dict[int, StoredFile]:
    """The caller's own uploads among `file_ids` (others are simply absent)."""
    if not file_ids:
        return {}
    rows = db.session.scalars(select(StoredFile).where(StoredFile.id.in_(file_ids),
                                                       StoredFile.uploader_id == actor_id))
    return {row.id: row for row in rows}


def delete_files(file_ids: list[int]) -> list[str]:
    """Delete file rows (the domain holding links to them deletes those first); returns the
    storage keys to remove with `remove_stored` after the commit."""
    if not file_ids:
        return []
    keys = list(db.session.scalars(select(StoredFile.storage_key).where(
        StoredFile.id.in_(file_ids))))
    db.session.execute(delete(StoredFile).where(StoredFile.id.in_(file_ids)))
    return keys


def remove_stored(keys: list[str]) -> None:
    """After the commit: a failure here leaves orphan bytes, never a row without its file."""
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except StorageUnavailable:  # the change is committed: the bytes stay as orphans
            log.warning("file storage unavailable: a deleted file's bytes were left behind")
