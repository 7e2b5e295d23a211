"""Program statistics by village, category and tier: approved, paid, pending."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.aid.access import get_program_or_404
from app.aid.budget import figures
from app.aid.models import AidApplication
from app.extensions import db
from app.orgs.models import Org
from app.orgs.scope import ANY_ROLE, authorize

# status → the figures it counts in ("approved" includes paid: everything that passed the chain)
BUCKETS = {"submitted": ("pending",), "approved": ("approved",), "paid": ("approved", "paid")}
FIGURES = ("approved", "paid", "pending")


def _empty() -> dict[str, dict[str, int]]:
    return {name: {"count": 0, "amount_fen": 0} for name in FIGURES}


def _order(row: dict[str, Any]) -> tuple[int, str]:
    """Villages by id (numeric keys), categories and tiers by code."""
    return (int(row["key"]) if row["key"].isdigit() else 0, row["key"])


def program_stats(*, actor_id: int, program_id: int) -> dict[str, Any]:
    program = get_program_or_404(program_id)
    authorize(actor_id, db.session.get(Org, program.owner_org_id), ANY_ROLE)
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
    totals = _empty()
    groups: dict[str, dict[str, dict[str, Any]]] = {
        "by_village": {}, "by_category": {}, "by_tier": {}}
    for org_id, org_name, category, tier, status, count, amount in rows:
        keys = {"by_village": (str(org_id), org_name),
                "by_category": (category, labels.get(category, category)),
                "by_tier": (f"{category}.{tier}", tier_labels.get(f"{category}.{tier}", tier))}
        for group, (key, label) in keys.items():
            row = groups[group].setdefault(key, {"key": key, "label": label, **_empty()})
            for bucket in BUCKETS[status]:
                row[bucket]["count"] += count
                row[bucket]["amount_fen"] += int(amount or 0)
        for bucket in BUCKETS[status]:
            totals[bucket]["count"] += count
            totals[bucket]["amount_fen"] += int(amount or 0)
    return {
        "program": {"id": program.id, "name": program.name},
        "budget": figures(program),
        "totals": totals,
        **{group: sorted(by_key.values(), key=_order) for group, by_key in groups.items()},
    }


def stats_sheets(stats: dict[str, Any]) -> dict[str, list[list]]:
    header = ["分组", "名称", "已批准人数", "已批准金额（元）", "已发放人数", "已发放金额（元）",
              "审核中人数", "审核中金额（元）"]

    def line(key: str, label: str, row: dict[str, Any]) -> list:
        return [key, label] + [value for name in FIGURES
                               for value in (row[name]["count"], row[name]["amount_fen"] / 100)]

    sheets = {}
    for group, title in (("by_village", "按村"), ("by_category", "按类别"), ("by_tier", "按档次")):
        sheets[title] = [header] + [line(r["key"], r["label"], r) for r in stats[group]] + [
            line("total", "合计", stats["totals"])]
    return sheets
