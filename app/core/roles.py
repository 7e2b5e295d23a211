"""Officer roles and the named groups of them that rules ask for.

A role is granted on an org and reaches its whole subtree (`app/orgs/scope.py`). Rules name
a group, never a literal tuple: `authorize(user_id, org, Role.DECIDERS)`.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    REVIEWER = "reviewer"  # checks and forwards, decides nothing
    APPROVER = "approver"  # decides applications, awards, reviews
    ADMIN = "admin"  # manages the org: programs, stations, budgets, grants
    VERIFIER = "verifier"  # checks member cards (station staff, partner merchants) and records
    # only what a card proves at their org's stations and pick-up points (check-in, hand-over)


ALL_ROLES: tuple[str, ...] = tuple(Role)
# any officer of the org: may look at its queue and its records
OFFICERS: tuple[str, ...] = (Role.REVIEWER, Role.APPROVER, Role.ADMIN)
# may decide: an approval, an award, a review outcome
DECIDERS: tuple[str, ...] = (Role.APPROVER,)
# may run things: create and publish, decide too
MANAGERS: tuple[str, ...] = (Role.APPROVER, Role.ADMIN)
ADMINS: tuple[str, ...] = (Role.ADMIN,)
# may check a member card's QR (`POST /cards/verify`): any officer, or a verifier
CARD_VERIFIERS: tuple[str, ...] = (*OFFICERS, Role.VERIFIER)
