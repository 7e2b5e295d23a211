"""The monthly membership report (数据月报): new members per industry and per org."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.core.i18n import N_
from app.core.labels import code_label, text
from app.core.roles import OFFICERS
from app.core.time import SHANGHAI
from app.errors import Invalid
from app.extensions import db
from app.members.models import INDUSTRIES, Membership, MembershipTransfer
from app.orgs.models import Org
from app.orgs.scope import authorize, get_org_or_404, in_subtree


@dataclass
class IndustryCount:
    industry: str
    count: int

    @property
    def label(self) -> str:
        return code_label(INDUSTRIES, self.industry)


@dataclass
class OrgCount:
    org: Org
    count: int
    transfers_in: int = 0
    transfers_out: int = 0


@dataclass
class MonthlyReport:
    month: str
    org: Org
    by_industry: list[IndustryCount]
    by_org: list[OrgCount]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.by_industry)

    @property
    def transfers_in(self) -> int:
        return sum(row.transfers_in for row in self.by_org)

    @property
    def transfers_out(self) -> int:
        return sum(row.transfers_out for row in self.by_org)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """'2026-11' → [start, end) in UTC for that month in Asia/Shanghai."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = datetime(year, number, 1, tzinfo=SHANGHAI)
    except ValueError:
        raise Invalid("month must look like 2026-11.",
                      details={"fields": {"month": [N_("format YYYY-MM")]}}) from None
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def monthly_report(*, actor_id: int, org_id: int, month: str) -> MonthlyReport:
    """New members (approved in the month) per industry and per org of the subtree, and the
    transfers (approved in the month) into and out of each org of the subtree."""
    org = get_org_or_404(org_id)
    authorize(actor_id, org, OFFICERS)
    start, end = month_bounds(month)
    counted = (
        select(Membership.industry, Membership.org_id, func.count().label("n"))
        .join(Org, Org.id == Membership.org_id)
        .where(in_subtree(Org.path, org.path), Membership.status == "approved",
               Membership.decided_at >= start, Membership.decided_at < end)
        .group_by(Membership.industry, Membership.org_id)
    )
    by_industry = dict.fromkeys(INDUSTRIES, 0)
    by_org: dict[int, int] = {}
    for industry, member_org_id, count in db.session.execute(counted).all():
        by_industry[industry] += count
        by_org[member_org_id] = by_org.get(member_org_id, 0) + count
    moves: dict[int, list[int]] = {}  # org id → [in, out]
    for column, side in ((MembershipTransfer.to_org_id, 0),
                         (MembershipTransfer.from_org_id, 1)):
        for moved_org_id, count in db.session.execute(
                select(column, func.count())
                .join(Org, Org.id == column)
                .where(in_subtree(Org.path, org.path), MembershipTransfer.status == "approved",
                       MembershipTransfer.decided_at >= start,
                       MembershipTransfer.decided_at < end)
                .group_by(column)).all():
            moves.setdefault(moved_org_id, [0, 0])[side] += count
    wanted = set(by_org) | set(moves)
    orgs = {o.id: o for o in db.session.scalars(select(Org).where(Org.id.in_(wanted)))}
    rows = [OrgCount(orgs[key], by_org.get(key, 0), *moves.get(key, (0, 0))) for key in wanted]
    return MonthlyReport(
        month=month, org=org,
        by_industry=[IndustryCount(key, count) for key, count in by_industry.items()],
        by_org=sorted(rows, key=lambda row: (-row.count, -row.transfers_in, row.org.id)),
    )


def report_sheets(report: MonthlyReport) -> dict[str, list[list]]:
    """The report as XLSX sheets (by industry, by org)."""
    new_members = text(N_("New members"))
    return {
        text(N_("By industry")): [[text(N_("Industry")), text(N_("Code")), new_members]]
        + [[row.label, row.industry, row.count] for row in report.by_industry]
        + [[text(N_("Total")), "total", report.total]],
        text(N_("By org")): [[text(N_("Org")), text(N_("Org no.")), new_members,
                              text(N_("Transferred in")), text(N_("Transferred out"))]]
        + [[row.org.name, row.org.id, row.count, row.transfers_in, row.transfers_out]
           for row in report.by_org],
    }
