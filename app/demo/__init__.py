"""Demo data from the seed article, loaded by `make run`; every loader is idempotent."""

from __future__ import annotations

from app.demo.orgs import load_orgs_and_accounts


def load_demo_data() -> dict[str, int]:
    summary: dict[str, int] = {}
    summary.update(load_orgs_and_accounts())
    return summary
