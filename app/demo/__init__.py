"""Demo data from the seed article, loaded by `make run`; every loader is idempotent."""

from __future__ import annotations

from app.demo.aid import load_aid
from app.demo.benefits import load_benefits
from app.demo.cards import load_cards_and_transfers
from app.demo.events import load_events
from app.demo.hardship import load_hardship
from app.demo.orgs import load_orgs_and_accounts
from app.demo.privacy import load_consents
from app.demo.projects import load_projects
from app.demo.rights import load_rights
from app.demo.stations import load_stations


def load_demo_data() -> dict[str, int]:
    summary: dict[str, int] = {}
    summary.update(load_orgs_and_accounts())
    summary.update(load_aid())
    summary.update(load_hardship())
    summary.update(load_projects())
    summary.update(load_stations())
    summary.update(load_events())
    summary.update(load_benefits())  # before the cards: its members get cards too
    summary.update(load_consents())
    summary.update(load_cards_and_transfers())
    summary.update(load_rights())
    return summary
