"""What other domains may ask of hardship files: the household a person's ID number (its
keyed hash — never the plain number) belongs to, and whether that household is filed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.hardship.models import HardshipFile, HardshipMember

FILED = ("filed", "exit_notice")


@dataclass(frozen=True)
class Household:
    file_id: int
    level: str
    is_filed: bool
    member_hashes: tuple[str, ...]


def household_of(id_hash: str) -> Household | None:
    """The open file holding this person, with its members' hashes (two statements)."""
    found = db.session.execute(
        select(HardshipFile.id, HardshipFile.level, HardshipFile.status)
        .join(HardshipMember, HardshipMember.file_id == HardshipFile.id)
        .where(HardshipMember.id_hash == id_hash, HardshipMember.holding.is_(True))
        .limit(1)).first()
    if found is None:
        return None
    hashes = tuple(db.session.scalars(select(HardshipMember.id_hash).where(
        HardshipMember.file_id == found.id).order_by(HardshipMember.id)))
    return Household(file_id=found.id, level=found.level, is_filed=found.status in FILED,
                     member_hashes=hashes)
