"""Personal data by domain: each domain registers how to export, erase and expire its own rows.

The privacy lifecycle (`app/privacy`: the data export, account cancellation, the retention
job) asks this registry and never reads another domain's tables. A domain that stores
personal data adds an `app/<domain>/personal_data.py` and registers it from its `hooks.py`:

- `export(user_id)` → sections of the person's data export, e.g. `{"memberships": [...]}`;
- `erase(user_id, now)` → `Erased`: de-identifies or deletes the person's rows (flushes
  only; the caller commits, then removes the `storage_keys` from file storage);
- `blockers(user_id)` → open things that still need the data (a deletion request is
  `blocked` with them as its reasons);
- `retention`: jobs `RetentionJob(kind, due(now) → ids, run(ids, now) → storage keys)`.

Registration is keyed by domain, so building the app again replaces rather than duplicates.
Core imports no domain; the domains import this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app

from app.core.time import to_shanghai

ERASED_NAME = "已注销用户"


@dataclass
class Erased:
    """What one domain's erasure touched: ids by name, and stored files to remove later."""

    ids: dict[str, list[int]] = field(default_factory=dict)
    storage_keys: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RetentionJob:
    kind: str  # the RETENTION_DAYS key and the name in the retention report
    due: Callable[[datetime], list[int]]
    run: Callable[[list[int], datetime], list[str]]  # returns storage keys to remove


@dataclass(frozen=True)
class PersonalData:
    domain: str
    export: Callable[[int], dict[str, Any]] | None = None
    erase: Callable[[int, datetime], Erased] | None = None
    blockers: Callable[[int], list[dict]] | None = None
    retention: Sequence[RetentionJob] = ()


REGISTRY: dict[str, PersonalData] = {}


def register(entry: PersonalData) -> None:
    """Called from a domain's `register_hooks()`; a domain registers once (latest wins)."""
    REGISTRY[entry.domain] = entry


def registered() -> list[PersonalData]:
    """In registration order (the order of `register_domain_hooks`)."""
    return list(REGISTRY.values())


def export_sections(user_id: int) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for entry in registered():
        if entry.export is None:
            continue
        part = entry.export(user_id)
        clash = sections.keys() & part.keys()
        if clash:
            raise RuntimeError(f"{entry.domain} exports sections already taken: {sorted(clash)}")
        sections.update(part)
    return sections


def erase_everywhere(user_id: int, now: datetime) -> Erased:
    total = Erased()
    for entry in registered():
        if entry.erase is None:
            continue
        done = entry.erase(user_id, now)
        total.ids.update(done.ids)
        total.storage_keys += done.storage_keys
    return total


def blockers_of(user_id: int) -> list[dict]:
    return [reason for entry in registered() if entry.blockers is not None
            for reason in entry.blockers(user_id)]


def retention_jobs() -> list[RetentionJob]:
    return [job for entry in registered() for job in entry.retention]


# helpers the domains share


def retention_days(kind: str) -> int:
    """Days from config `RETENTION_DAYS` (e.g. "aid_documents", "deleted_accounts")."""
    return int(current_app.config["RETENTION_DAYS"][kind])


def plain(value: Any) -> Any:
    """JSON-ready: times in Asia/Shanghai, dates ISO."""
    if isinstance(value, datetime):
        return to_shanghai(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def row(obj: Any, columns: Sequence[str]) -> dict[str, Any]:
    return {column: plain(getattr(obj, column)) for column in columns}


def mask_name(name: str | None) -> str | None:
    """张小明 → 张**, 李 → *: a family member's name is theirs, not the caller's (never more
    than half of it shown)."""
    if not name:
        return None
    return "*" if len(name) == 1 else name[0] + "*" * (len(name) - 1)
