"""Rights statistics of an org's subtree for a year: cases by category, on-time acceptance
and resolution, satisfaction, wage arrears recovered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.core.i18n import N_
from app.core.labels import code_label, text, texts
from app.core.roles import OFFICERS
from app.core.time import SHANGHAI, to_shanghai
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import get_org, in_subtree
from app.rights.models import CATEGORIES, RightsCase


@dataclass
class CategoryFigures:
    category: str
    cases: int = 0
    accepted: int = 0
    accepted_on_time: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    rated: int = 0
    rating_sum: int = 0
    amount_recovered_fen: int = 0

    @property
    def label(self) -> str:
        return code_label(CATEGORIES, self.category)

    @property
    def on_time_acceptance_rate(self) -> float | None:
        return round(self.accepted_on_time / self.accepted, 4) if self.accepted else None

    @property
    def on_time_resolution_rate(self) -> float | None:
        return round(self.resolved_on_time / self.resolved, 4) if self.resolved else None

    @property
    def satisfaction(self) -> float | None:
        """The mean rating (1–5) of the rated cases."""
        return round(self.rating_sum / self.rated, 2) if self.rated else None

    def add(self, case: RightsCase) -> None:
        self.cases += 1
        if case.accepted_at is not None:
            self.accepted += 1
            self.accepted_on_time += to_shanghai(case.accepted_at).date() <= case.accept_due
        if case.resolved_at is not None:
            self.resolved += 1
            self.resolved_on_time += to_shanghai(case.resolved_at).date() <= case.resolve_due
        if case.rating is not None:
            self.rated += 1
            self.rating_sum += case.rating
        self.amount_recovered_fen += case.amount_recovered_fen or 0


@dataclass
class RightsStats:
    org: Org
    year: int
    by_category: list[CategoryFigures]
    total: CategoryFigures


def rights_stats(*, actor_id: int, org_id: int, year: int) -> RightsStats:
    """Cases submitted in the year (Asia/Shanghai) by members of the org's subtree."""
    org = get_org(actor_id, org_id, roles=OFFICERS)
    start = datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    rows = db.session.scalars(
        select(RightsCase).join(Org, Org.id == RightsCase.org_id)
        .where(in_subtree(Org.path, org.path), RightsCase.created_at >= start,
               RightsCase.created_at < end))
    figures = {code: CategoryFigures(code) for code in CATEGORIES}
    total = CategoryFigures("total")
    for case in rows:
        figures[case.category].add(case)
        total.add(case)
    return RightsStats(org=org, year=year, by_category=list(figures.values()), total=total)


def stats_sheets(stats: RightsStats) -> dict[str, list[list]]:
    header = texts(N_("Category"), N_("Code"), N_("Cases"), N_("Accepted"),
                   N_("Accepted on time"), N_("Resolved"), N_("Resolved on time"),
                   N_("Rated"), N_("Mean rating"), N_("Amount recovered (yuan)"))

    def line(row: CategoryFigures, label: str) -> list:
        return [label, row.category, row.cases, row.accepted, row.accepted_on_time,
                row.resolved, row.resolved_on_time, row.rated, row.satisfaction,
                row.amount_recovered_fen / 100]

    return {text(N_("Rights cases")): [header]
            + [line(row, row.label) for row in stats.by_category]
            + [line(stats.total, text(N_("Total")))]}
