"""Figures of hardship files under an org: how many in each state and, of the filed ones,
at each level — one grouped query."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.core.labels import code_label
from app.core.roles import OFFICERS
from app.extensions import db
from app.hardship.models import LEVELS, STATUSES, HardshipFile
from app.orgs.models import Org
from app.orgs.scope import get_org, in_subtree

FILED = ("filed", "exit_notice")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class HardshipStats:
    org: Org
    total: int
    by_status: list[Figure]
    filed_by_level: list[Figure]


def stats(*, actor_id: int, org_id: int) -> HardshipStats:
    org = get_org(actor_id, org_id, roles=OFFICERS)
    rows = db.session.execute(
        select(HardshipFile.status, HardshipFile.level, func.count())
        .join(Org, Org.id == HardshipFile.org_id)
        .where(in_subtree(Org.path, org.path), HardshipFile.status != "draft")
        .group_by(HardshipFile.status, HardshipFile.level)).all()
    by_status: dict[str, int] = {}
    by_level: dict[str, int] = {}
    for status, level, count in rows:
        by_status[status] = by_status.get(status, 0) + count
        if status in FILED:
            by_level[level] = by_level.get(level, 0) + count
    return HardshipStats(
        org=org, total=sum(by_status.values()),
        by_status=[Figure(s, code_label(STATUSES, s), by_status[s]) for s in STATUSES
                   if s in by_status],
        filed_by_level=[Figure(lv, code_label(LEVELS, lv), by_level.get(lv, 0))
                        for lv in LEVELS if lv != "none"])
