"""What has been de-identified already (`privacy_erasures`), so no job does it twice.

A low-level service like consent: any domain's erasure or retention job may call it; it
imports nothing but privacy's own models.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from app.extensions import db
from app.privacy.models import Erasure


def mark_erased(kind: str, target_type: str, target_ids: list[int], now: datetime) -> None:
    """Record the erasure of `target_ids` (those already recorded are skipped); flushes
    nothing, the caller's transaction carries it."""
    done = set(db.session.scalars(select(Erasure.target_id).where(
        Erasure.kind == kind, Erasure.target_type == target_type,
        Erasure.target_id.in_(target_ids)))) if target_ids else set()
    db.session.add_all(Erasure(kind=kind, target_type=target_type, target_id=target_id,
                               erased_at=now) for target_id in target_ids if target_id not in done)


def erased_ids(kind: str, target_type: str) -> Select:
    """SELECT of the ids already erased under `kind` (for `NOT IN` in a job's due query)."""
    return select(Erasure.target_id).where(Erasure.kind == kind,
                                           Erasure.target_type == target_type)
