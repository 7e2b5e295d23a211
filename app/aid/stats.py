"""Program statistics by village, category and tier: approved, paid, pending."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.aid.access import get_program
from app.aid.approvers import is_chain_approver
from app.aid.models import AidApplication, AidProgram
from app.core.i18n import N_
from app.core.labels import text, texts
from app.core.roles import OFFICERS
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import authorize

# status → the figures it counts in ("approved" includes paid: everything that passed the chain)
BUCKETS = {"submitted": ("pending",), "approved": ("approved",), "paid": ("approved", "paid")}
FIGURES = ("approved", "paid", "pending")


@dataclass
class Figure:
    count: int = 0
    amount_fen: int = 0


@dataclass
class Figures:
    approved: Figure = field(default_factory=Figure)
    paid: Figure = field(default_factory=Figure)
    pending: Figure = field(default_factory=Figure)

    def add(self, status: str, count: int, amount_fen: int) -> None:
        for bucket in BUCKETS[status]:
            figure = getattr(self, bucket)
            figure.count += count
            figure.amount_fen += amount_fen


@dataclass
class StatsRow(Figures):
    key: str = ""
    label: str = ""


@dataclass
class ProgramStats:
    """The program (with its budget counters), its totals and three breakdowns."""

    program: AidProgram
    totals: Figures
    by_village: list[StatsRow]
    by_category: list[StatsRow]
    by_tier: list[StatsRow]

    @property
    def budget(self) -> AidProgram:
        """The budget counters are the program's own columns."""
        return self.program


def _order(row: StatsRow) -> tuple[int, str]:
    """Villages by id (numeric keys), categories and tiers by code."""
    return (int(row.key) if row.key.isdigit() else 0, row.key)


def program_stats(*, actor_id: int, program_id: int) -> ProgramStats:
    program = get_program(actor_id, program_id)
    if not is_chain_approver(actor_id, program):  # approvers of the chain's orgs may read
        authorize(actor_id, program.owner_org, OFFICERS)
    rows = db.session.execute(
        select(AidApplication.org_id, Org.name, AidApplication.category_code,
               AidApplication.tier_code, AidApplication.status, func.count(),
               func.sum(AidApplication.amount_fen))
        .join(Org, Org.id == AidApplication.org_id)
        .where(AidApplication.program_id == program.id,
               AidApplication.status.in_(tuple(BUCKETS)))
        .group_by(AidApplication.org_id, Org.name, AidApplication.category_code,
                  AidApplication.tier_code, AidApplication.status)).all()
    labels = {c["code"]: c["name"] for c in program.categories}
    tier_labels = {f"{c['code']}.{t['code']}": f"{c['name']}·{t['name']}"
                   for c in program.categories for t in c["tiers"]}
    totals = Figures()
    groups: dict[str, dict[str, StatsRow]] = {"by_village": {}, "by_category": {},
                                              "by_tier": {}}
    for org_id, org_name, category, tier, status, count, amount in rows:
        keys = {"by_village": (str(org_id), org_name),
                "by_category": (category, labels.get(category, category)),
                "by_tier": (f"{category}.{tier}", tier_labels.get(f"{category}.{tier}", tier))}
        for group, (key, label) in keys.items():
            row = groups[group].setdefault(key, StatsRow(key=key, label=label))
            row.add(status, count, int(amount or 0))
        totals.add(status, count, int(amount or 0))
    return ProgramStats(program=program, totals=totals,
                        **{group: sorted(by_key.values(), key=_order)
                           for group, by_key in groups.items()})


def stats_sheets(stats: ProgramStats) -> dict[str, list[list]]:
    header = texts(N_("Group"), N_("Name"), N_("Approved (people)"), N_("Approved (yuan)"),
                   N_("Paid out (people)"), N_("Paid out (yuan)"), N_("Being reviewed (people)"),
                   N_("Being reviewed (yuan)"))

    def line(key: str, label: str, row: Figures) -> list:
        return [key, label] + [value for name in FIGURES for value in (
            getattr(row, name).count, getattr(row, name).amount_fen / 100)]

    sheets = {}
    titles = {"by_village": N_("By village"), "by_category": N_("By category"),
              "by_tier": N_("By tier")}
    for group, title in titles.items():
        sheets[text(title)] = [header] + [
            line(r.key, r.label, r) for r in getattr(stats, group)] + [
            line("total", text(N_("Total")), stats.totals)]
    return sheets
