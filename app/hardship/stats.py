"""Figures of hardship files under an org, all of them or those opened in a year (Asia/
Shanghai): how many in each state and, of the filed ones, at each level and by main and
secondary cause (a file counts once under each secondary cause it names) — grouped queries,
and the same figures as an XLSX workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.core.i18n import N_
from app.core.labels import code_label, text, texts
from app.core.roles import OFFICERS
from app.core.time import SHANGHAI
from app.extensions import db
from app.hardship.models import CAUSES, LEVELS, STATUSES, HardshipFile
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
    year: int | None
    total: int
    by_status: list[Figure]
    filed_by_level: list[Figure]
    filed_by_main_cause: list[Figure]
    filed_by_secondary_cause: list[Figure]


def stats(*, actor_id: int, org_id: int, year: int | None = None) -> HardshipStats:
    org = get_org(actor_id, org_id, roles=OFFICERS)
    scope = [in_subtree(Org.path, org.path), HardshipFile.status != "draft"]
    if year is not None:
        scope += [HardshipFile.created_at >= datetime(year, 1, 1, tzinfo=SHANGHAI),
                  HardshipFile.created_at < datetime(year + 1, 1, 1, tzinfo=SHANGHAI)]
    files = select(HardshipFile).join(Org, Org.id == HardshipFile.org_id).where(*scope)
    rows = db.session.execute(
        files.with_only_columns(HardshipFile.status, HardshipFile.level,
                                HardshipFile.main_cause, func.count())
        .group_by(HardshipFile.status, HardshipFile.level, HardshipFile.main_cause)).all()
    by_status: dict[str, int] = {}
    by_level: dict[str, int] = {}
    by_main: dict[str, int] = {}
    for status, level, main_cause, count in rows:
        by_status[status] = by_status.get(status, 0) + count
        if status in FILED:
            by_level[level] = by_level.get(level, 0) + count
            by_main[main_cause] = by_main.get(main_cause, 0) + count
    by_secondary: dict[str, int] = {}
    # a JSON list cannot be grouped on both backends: the filed files' lists, counted here
    for causes in db.session.scalars(files.with_only_columns(HardshipFile.secondary_causes)
                                     .where(HardshipFile.status.in_(FILED))):
        for cause in set(causes or ()):
            by_secondary[cause] = by_secondary.get(cause, 0) + 1
    return HardshipStats(
        org=org, year=year, total=sum(by_status.values()),
        by_status=[Figure(s, code_label(STATUSES, s), by_status[s]) for s in STATUSES
                   if s in by_status],
        filed_by_level=[Figure(lv, code_label(LEVELS, lv), by_level.get(lv, 0))
                        for lv in LEVELS if lv != "none"],
        filed_by_main_cause=_by_cause(by_main),
        filed_by_secondary_cause=_by_cause(by_secondary))


def _by_cause(counts: dict[str, int]) -> list[Figure]:
    return [Figure(cause, code_label(CAUSES, cause), counts.get(cause, 0)) for cause in CAUSES]


def stats_sheets(figures: HardshipStats) -> dict[str, list[list]]:
    """One sheet: a block per breakdown (its title row, then label, code, count)."""
    rows: list[list] = [texts(N_("Hardship files"), N_("Code"), N_("Files"))]
    for title, block in ((N_("By status"), figures.by_status),
                         (N_("Filed, by level"), figures.filed_by_level),
                         (N_("Filed, by main cause"), figures.filed_by_main_cause),
                         (N_("Filed, by secondary cause"), figures.filed_by_secondary_cause)):
        rows.append([text(title), None, None])
        rows += [[figure.label, figure.key, figure.count] for figure in block]
    rows.append([text(N_("Total")), None, figures.total])
    return {text(N_("Hardship files")): rows}


def stats_filename(org_id: int, year: int | None = None) -> str:
    return f"hardship-stats-{org_id}" + (f"-{year}" if year else "") + ".xlsx"
