"""An org's statement from the journal, and the reconciliation of every domain with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.core.i18n import N_
from app.core.labels import code_label, text, texts
from app.core.roles import OFFICERS
from app.core.time import SHANGHAI
from app.extensions import db
from app.ledger.models import PURPOSE_LABELS, PURPOSES, LedgerEntry
from app.orgs.models import Org
from app.orgs.scope import get_org


@dataclass(frozen=True)
class PurposeLine:
    purpose: str
    received_fen: int
    granted_fen: int
    paid_fen: int
    reserved_fen: int


@dataclass(frozen=True)
class Statement:
    org: Org
    year: int
    lines: list[PurposeLine]

    @property
    def totals(self) -> PurposeLine:
        return PurposeLine("all", *(sum(getattr(line, name) for line in self.lines)
                                    for name in ("received_fen", "granted_fen", "paid_fen",
                                                 "reserved_fen")))


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return (datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI))


def statement(*, actor_id: int, org_id: int, year: int) -> Statement:
    """Movements of the year (Asia/Shanghai) on the org's accounts, by purpose: received
    from other unions, granted to them, paid to people, and reserved (net) for people."""
    org = get_org(actor_id, org_id, roles=OFFICERS)
    start, end = _year_bounds(year)
    sums = {(purpose, account): int(total) for purpose, account, total in db.session.execute(
        select(LedgerEntry.purpose, LedgerEntry.account, func.sum(LedgerEntry.amount_fen))
        .where(LedgerEntry.org_id == org.id, LedgerEntry.created_at >= start,
               LedgerEntry.created_at < end)
        .group_by(LedgerEntry.purpose, LedgerEntry.account))}
    lines = [PurposeLine(purpose, received_fen=-sums.get((purpose, "received"), 0),
                         granted_fen=sums.get((purpose, "granted"), 0),
                         paid_fen=sums.get((purpose, "paid"), 0),
                         reserved_fen=sums.get((purpose, "reserved"), 0))
             for purpose in PURPOSES]
    return Statement(org=org, year=year, lines=lines)


def statement_sheets(found: Statement) -> dict[str, list[list]]:
    header = texts(N_("Purpose"), N_("Received (yuan)"), N_("Granted (yuan)"),
                   N_("Paid (yuan)"), N_("Reserved (yuan)"))
    rows = [[code_label(PURPOSE_LABELS, line.purpose), line.received_fen / 100,
             line.granted_fen / 100, line.paid_fen / 100, line.reserved_fen / 100]
            for line in [*found.lines]]
    total = found.totals
    rows.append([text(N_("Total")), total.received_fen / 100, total.granted_fen / 100,
                 total.paid_fen / 100, total.reserved_fen / 100])
    return {text(N_("Funds statement")): [header, *rows],
            text(N_("Summary")): [[text(N_("Org")), found.org.name],
                                  [text(N_("Year")), found.year]]}


@dataclass(frozen=True)
class Difference:
    check: str
    key: str
    domain_fen: int
    journal_fen: int


def _balances(account: str, purpose: str) -> dict[int, int]:
    return {org_id: int(total) for org_id, total in db.session.execute(
        select(LedgerEntry.org_id, func.sum(LedgerEntry.amount_fen))
        .where(LedgerEntry.account == account, LedgerEntry.purpose == purpose)
        .group_by(LedgerEntry.org_id))}


def _compare(check: str, domain: dict[int, int], journal: dict[int, int]) -> list[Difference]:
    return [Difference(check, f"org {org_id}", domain.get(org_id, 0), journal.get(org_id, 0))
            for org_id in sorted(set(domain) | set(journal))
            if domain.get(org_id, 0) != journal.get(org_id, 0)]


def reconcile() -> list[Difference]:
    """Every domain's totals against the journal, per org; [] when they agree to the fen."""
    from app.aid.models import AidProgram
    from app.benefits.models import BenefitCampaign
    from app.projects.models import Project
    from app.relief.models import ReliefAllocation

    def grouped(column, *values, where=()):
        return {org_id: int(total or 0) for org_id, total in db.session.execute(
            select(column, func.sum(values[0])).where(*where).group_by(column))
            if total}

    differences: list[Difference] = []
    unbalanced = db.session.execute(
        select(LedgerEntry.posting, func.sum(LedgerEntry.amount_fen))
        .group_by(LedgerEntry.posting).having(func.sum(LedgerEntry.amount_fen) != 0)).all()
    differences += [Difference("posting balances", f"posting {posting}", 0, int(total))
                    for posting, total in unbalanced]
    differences += _compare("aid reserved", grouped(AidProgram.owner_org_id,
                                                    AidProgram.reserved_fen),
                            _balances("reserved", "aid"))
    differences += _compare("aid paid", grouped(AidProgram.owner_org_id, AidProgram.paid_fen),
                            _balances("paid", "aid"))
    differences += _compare("project tranches", grouped(Project.org_id, Project.released_fen),
                            _balances("paid", "project"))
    differences += _compare("benefit spending",
                            grouped(BenefitCampaign.owner_org_id,
                                    BenefitCampaign.claimed * BenefitCampaign.unit_fen),
                            _balances("paid", "benefit"))
    moved = ("transferred", "received", "closed")
    differences += _compare("relief granted",
                            grouped(ReliefAllocation.from_org_id, ReliefAllocation.amount_fen,
                                    where=[ReliefAllocation.status.in_(moved)]),
                            _balances("granted", "relief"))
    differences += _compare("relief received",
                            grouped(ReliefAllocation.to_org_id, -ReliefAllocation.amount_fen,
                                    where=[ReliefAllocation.status.in_(moved)]),
                            _balances("received", "relief"))
    differences += _compare("relief paid",
                            grouped(ReliefAllocation.to_org_id, ReliefAllocation.paid_fen),
                            _balances("paid", "relief"))
    return differences
