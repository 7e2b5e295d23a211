"""Demo data from the seed article, loaded by `make run` (idempotent)."""

from __future__ import annotations


def load_demo_data() -> dict[str, int]:
    return {}
